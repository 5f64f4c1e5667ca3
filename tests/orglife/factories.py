"""Meeting records and who looks at them."""

import datetime

import factory
from django.utils import timezone

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
