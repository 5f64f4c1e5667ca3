"""The demo's organisation life: a year of records for four branches (the branch
editor's 银河社区第一党支部 among them) in the 三会一课 rhythm — 支部委员会, 党小组会 and
主题党日 monthly, 支部党员大会 and 党课 quarterly — with their members' attendance — and
传达学习 records, so that a district editor sees who has and has not relayed: three of
the four relay the newest city directive (its deadline is still ahead: the rest of
东湖区's branches are 待传达), and only the branch editor's branch relayed the one before
it in time (its deadline has passed: the others are 逾期). Made in bulk, then the
tallies are rebuilt from them; a branch that has records already is left as it is."""

import datetime

from django.utils import timezone

from content.cascade import visible_directives
from learning.models import MemberProfile
from sites.models import OrganisationPage

from . import tallies
from .models import Attendance, MeetingRecord, MeetingType

BRANCHES = ["donghu-hp-yh-d1", "donghu-hp-yh-d2", "donghu-hp-jx-d1", "donghu-xf-yh-d1"]
MONTHLY = ["wyh", "xzh", "ztdr"]
QUARTERLY = ["dyh", "dk"]
TOPICS = {
    "wyh": ["研究本月支部工作安排", "讨论发展党员工作", "研究党费收缴情况"],
    "xzh": ["学习党章第一章", "交流学习心得", "讨论社区志愿服务"],
    "ztdr": ["重温入党誓词", "社区环境整治志愿服务", "参观红色教育基地", "走访慰问困难党员"],
    "dyh": ["通报支部季度工作", "审议支部工作计划"],
    "dk": ["书记讲党课：坚定理想信念", "学习党的二十大精神专题党课"],
}
# Not relayed yet: the newest city directive (NOT_YET), and who relayed the one before.
NOT_YET = {"donghu-xf-yh-d1"}
RELAYED_EARLIER = {"donghu-hp-yh-d1"}
HOURS = {"wyh": 9, "xzh": 14, "ztdr": 15, "dyh": 10, "dk": 16}
PLACES = {"ztdr": "社区党群服务中心"}


def _months(today, count=12):
    """The first days of the last `count` months, oldest first, this month last."""
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def ensure_orglife_demo(home, now=None, codes=BRANCHES):
    now = now or timezone.now()
    today = timezone.localdate(now)
    types = {t.code: t for t in MeetingType.objects.all()}
    branches = list(OrganisationPage.objects.filter(code__in=codes).order_by("path"))
    done = set(
        MeetingRecord.objects.filter(organisation__in=branches).values_list(
            "organisation_id", flat=True
        )
    )
    records, members_of = [], {}
    for branch in branches:
        if branch.pk in done:
            continue
        members_of[branch.pk] = list(MemberProfile.objects.filter(branch=branch).order_by("pk"))
        for n, month in enumerate(_months(today)):
            codes = MONTHLY + (QUARTERLY if month.month % 3 == 0 else [])
            for k, code in enumerate(codes):
                held = timezone.make_aware(
                    datetime.datetime.combine(
                        month.replace(day=min(8 + 3 * k, 28)), datetime.time(HOURS[code])
                    )
                )
                if held > now:
                    continue
                topics = TOPICS[code]
                records.append(
                    MeetingRecord(
                        organisation=branch,
                        meeting_type=types[code],
                        held_at=held,
                        place=PLACES.get(code, "支部活动室"),
                        host="支部书记",
                        topic=topics[n % len(topics)],
                        minutes=f"<p>{topics[n % len(topics)]}，与会党员逐一发言。</p>",
                        resolutions="按计划落实。",
                    )
                )
        newest, *older = list(visible_directives(branch, "city")[:2]) or [None]
        if newest is not None and branch.code not in NOT_YET:
            records.append(_relay(branch, types["relay"], newest, _afternoon(now, days_ago=3)))
        if older and branch.code in RELAYED_EARLIER:
            deadline = older[0].study_deadline  # relayed in time: the day before it
            days_ago = (today - deadline).days + 1 if deadline and deadline < today else 1
            records.append(_relay(branch, types["relay"], older[0], _afternoon(now, days_ago)))
    if not records:
        return 0
    MeetingRecord.objects.bulk_create(records)
    attendance, relays = [], []
    for i, record in enumerate(records):
        for j, member in enumerate(members_of[record.organisation_id]):
            on_leave = (i + j) % 7 == 0
            attendance.append(
                Attendance(
                    record=record,
                    member=member,
                    status=Attendance.LEAVE if on_leave else Attendance.PRESENT,
                    reason="外出务工" if on_leave else "",
                )
            )
        if getattr(record, "studied", None) is not None:
            relays.append(
                MeetingRecord.directives.through(meetingrecord=record, directivepage=record.studied)
            )
    Attendance.objects.bulk_create(attendance)
    MeetingRecord.directives.through.objects.bulk_create(relays)
    tallies.rebuild(tallies.computed_meeting_tallies(), tallies.computed_publish_tallies())
    return len(records)


def _afternoon(now, days_ago):
    """15:00 local time `days_ago` days before `now` (≥ 1, so never in the future): a
    relay held at a believable hour whatever time the demo is built."""
    day = timezone.localtime(now - datetime.timedelta(days=days_ago))
    return day.replace(hour=15, minute=0, second=0, microsecond=0)


def _relay(branch, relay_type, directive, held_at):
    record = MeetingRecord(
        organisation=branch,
        meeting_type=relay_type,
        held_at=held_at,
        place="支部活动室",
        host="支部书记",
        topic=f"传达学习《{directive.title}》",
        minutes="<p>支部书记传达文件精神，党员结合工作谈体会。</p>",
    )
    record.studied = directive
    return record
