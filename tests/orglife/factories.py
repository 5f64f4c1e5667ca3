"""Meeting records and who looks at them."""

import datetime

import factory
from django.utils import timezone
from wagtail.test.utils.form_data import rich_text

from orglife.models import Attendance, MeetingRecord, MeetingType

from ..factories import UserFactory


def meeting_type(code):
    return MeetingType.objects.get(code=code)


class MeetingRecordFactory(factory.django.DjangoModelFactory):
    """A record of `organisation`, a 支部委员会 (wyh) a day ago unless told otherwise."""

    class Meta:
        model = MeetingRecord
        skip_postgeneration_save = True

    meeting_type = factory.LazyFunction(lambda: meeting_type("wyh"))
    held_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    topic = factory.Sequence(lambda n: f"会议主题{n}")
    place = "党员活动室"
    host = "王书记"


def attend(record, member, status=Attendance.PRESENT, reason=""):
    """An attendance row for `member` (a MemberProfile), the record's tallies synced."""
    row = Attendance.objects.create(record=record, member=member, status=status, reason=reason)
    record.save()
    return row


def role_user(code, role, **kwargs):
    """A user in `<code>:<role>` (editors or reviewers)."""
    return UserFactory(username=f"{role}-{code}", groups=[f"{code}:{role}"], **kwargs)


def record_form(organisation, attendees=(), topic="学习党章", **fields):
    """The add/edit form's POST: attendees as (member, status, reason)."""
    held = timezone.localtime() - datetime.timedelta(hours=3)
    data = {
        "organisation": organisation.pk,
        "meeting_type": meeting_type("dyh").pk,
        "held_at": held.strftime("%Y-%m-%d %H:%M"),
        "place": "活动室",
        "host": "王书记",
        "topic": topic,
        "minutes": rich_text("<p>会议记录</p>"),
        "resolutions": "",
        "attendances-TOTAL_FORMS": len(attendees),
        "attendances-INITIAL_FORMS": 0,
        "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000,
    }
    for name in ("photos", "attachments"):
        data.update({f"{name}-TOTAL_FORMS": 0, f"{name}-INITIAL_FORMS": 0})
    for n, (member, status, reason) in enumerate(attendees):
        prefix = f"attendances-{n}-"
        data.update(
            {prefix + "member": member.pk, prefix + "status": status, prefix + "reason": reason}
        )
        data[prefix + "ORDER"] = n
        data[prefix + "id"] = ""
        data[prefix + "DELETE"] = ""
    data.update(fields)
    return data


def studied(record, *directives):
    """`record` lists `directives` among those studied (a parental m2m: saved with it)."""
    record.directives.add(*directives)
    record.save()
    return record
