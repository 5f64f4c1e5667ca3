"""The demo's oversight: a city that has been running for two years, so the 监督 pages
show branches that are fine, late, overdue and 僵尸 — not 46 sites created this minute.

- Every organisation is dated two years back (its rules apply from then).
- Publishing history (Wagtail publish log entries, from which the tallies are rebuilt):
  each organisation's news items are republished every month and its 党务公开 item every
  quarter over the last year — except the 僵尸 branches (QUIET: last update 75 days ago)
  and the late ones (LATE: nothing last month, so 支部动态 is 逾期). Upper organisations
  get a news item and a 党务公开 item of their own.
- Organisation life: the orglife demo's 三会一课 rhythm for every branch that is not
  quiet, and the 传达学习 of the older city directive by the branches of 西山区 and 南江区
  (东湖区 keeps the orglife demo's story: only 银河社区第一党支部 relayed it in time).
- The demo accounts get e-mail addresses (and a 僵尸 branch gets an editor,
  `zombie_editor`), then the nightly run computes the scores and sends the reminders
  (with no SMTP server configured they are written under var/mail/, and the admin's 消息
  lists them); the months before last get their final score rows, for the trend.

Idempotent: organisations already dated, pages already there and log entries already
written are left as they are."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from wagtail.models import PageLogEntry

from base.demo import ensure_users
from content.cascade import visible_directives
from content.models import ArticlePage, DisclosurePage
from orglife import tallies
from orglife.demo import ensure_orglife_demo
from orglife.models import MeetingRecord, MeetingType
from sites.models import ColumnPage, OrganisationPage
from sites.updates import refresh_content_updated_at

from . import periods

QUIET = {"donghu-hp-jx-d2", "donghu-xf-jx-d2", "xishan-hp-jx-d2", "nanjiang-xf-yh-d2"}
LATE = {"donghu-xf-yh-d2", "xishan-xf-jx-d1", "nanjiang-hp-jx-d1"}
NOT_RELAYED_OUTSIDE = {"xishan-hp-yh-d2", "nanjiang-xf-jx-d2"}
QUIET_DAYS = 75
FOUNDED_YEARS_AGO = 2
DEMO_DOMAIN = "jiangcheng.example"
UPPER_NEWS = "{org}召开基层党建工作推进会"
DISCLOSURE = "{org}党费收缴情况公示"


DEMO_USERS = [
    # username, group, note (the password is the demo's shared one)
    (
        "zombie_editor",
        "donghu-hp-jx-d2:editors",
        "东湖区和平街道锦绣社区第二党支部 编辑（僵尸网站：收到提醒邮件）",
    ),
]


def ensure_oversight_demo(home, password, now=None):
    from .nightly import run

    now = now or timezone.now()
    organisations = list(OrganisationPage.originals().filter(depth__gte=2).order_by("path"))
    _date_organisations(organisations, now)
    _ensure_pages(organisations, now)
    written = _ensure_history(organisations, now)
    # 东湖区 keeps the orglife demo's four branches with records (its 传达学习 story).
    branches = [
        o.code
        for o in organisations
        if o.kind == "branch" and o.code not in QUIET and not o.code.startswith("donghu-")
    ]
    ensure_orglife_demo(home, now=now, codes=branches)
    _relay_older_directive(organisations, now)
    if written:
        tallies.rebuild(tallies.computed_meeting_tallies(), tallies.computed_publish_tallies())
        refresh_content_updated_at()
    ensure_users(DEMO_USERS, password)
    _ensure_emails()
    result = run(timezone.localdate(now))
    _ensure_past_months(timezone.localdate(now))
    return result


def _date_organisations(organisations, now):
    founded = now - datetime.timedelta(days=365 * FOUNDED_YEARS_AGO)
    OrganisationPage.objects.filter(pk__in=[o.pk for o in organisations]).filter(
        Q(first_published_at__isnull=True) | Q(first_published_at__gt=founded)
    ).update(first_published_at=founded)


def _column(org, purpose):
    return ColumnPage.objects.child_of(org).filter(purpose=purpose).order_by("path").first()


def _ensure_pages(organisations, now):
    """A 党务公开 item for every organisation and a news item for each upper one."""
    for org in organisations:
        disclosure = _column(org, "disclosure")
        if disclosure is not None and not DisclosurePage.objects.child_of(disclosure).exists():
            disclosure.add_child(
                instance=DisclosurePage(
                    title=DISCLOSURE.format(org=org.title),
                    slug="demo-dues",
                    category=DisclosurePage.Category.DUES,
                    period=f"{now.year}年",
                    body="<p>按季度公示本组织党员党费收缴情况，接受党员监督。</p>",
                )
            )
        if org.kind == "branch":
            continue
        news = _column(org, "news")
        if news is not None and not ArticlePage.objects.child_of(news).exists():
            news.add_child(
                instance=ArticlePage(
                    title=UPPER_NEWS.format(org=org.title),
                    slug="demo-meeting",
                    summary="部署下一阶段基层党建重点工作。",
                    body="<p>会议通报了各支部组织生活和党务公开情况，部署下一阶段重点工作。</p>",
                    source=org.title,
                    # Older than the branches' stories (0–60 days), so the city home's
                    # 支部动态 stays the branches' own and not 22 meetings of one title.
                    date=now - datetime.timedelta(days=70 + len(org.path) % 7),
                )
            )


def _publish_moments(org, now, every_months, day):
    """When `org`'s items of one column were (re)published over the last year."""
    months = [
        m
        for m in periods.last_months(timezone.localdate(now), 12)
        if m.month % every_months == 2 % every_months
    ]
    moments = []
    for month in months:
        moment = timezone.make_aware(
            datetime.datetime.combine(month.replace(day=day), datetime.time(10))
        )
        if moment < now:
            moments.append(moment)
    if org.code in QUIET:
        cut = now - datetime.timedelta(days=QUIET_DAYS)
        moments = [m for m in moments if m <= cut] or [cut]
    if org.code in LATE:
        last_month = periods.add_months(periods.month_start(timezone.localdate(now)), -1)
        moments = [m for m in moments if timezone.localdate(m) < last_month or m > now]
    return moments


def _ensure_history(organisations, now):
    """Publish log entries for each organisation's items; returns how many were written."""
    pages = {}
    for model, purpose in ((ArticlePage, "news"), (DisclosurePage, "disclosure")):
        for org in organisations:
            column = _column(org, purpose)
            if column is not None:
                pages[(org.pk, purpose)] = list(model.objects.descendant_of(column).live())
    page_ids = [p.pk for items in pages.values() for p in items]
    logged = set(
        PageLogEntry.objects.filter(page_id__in=page_ids, action="wagtail.publish").values_list(
            "page_id", flat=True
        )
    )
    entries, latest = [], {}
    kinds = {m: ContentType.objects.get_for_model(m) for m in (ArticlePage, DisclosurePage)}
    for org in organisations:
        for purpose, every, day in (("news", 1, 6), ("disclosure", 3, 12)):
            items = [p for p in pages.get((org.pk, purpose), []) if p.pk not in logged]
            if not items:
                continue
            for n, moment in enumerate(_publish_moments(org, now, every, day)):
                page = items[n % len(items)]
                entries.append(
                    PageLogEntry(
                        content_type=kinds[type(page)],
                        page=page,
                        label=page.title,
                        action="wagtail.publish",
                        timestamp=moment + datetime.timedelta(hours=n % len(items)),
                        data={},
                    )
                )
                latest[page.pk] = max(latest.get(page.pk, moment), moment)
    PageLogEntry.objects.bulk_create(entries, batch_size=1000)
    for model in (ArticlePage, DisclosurePage):
        for page in model.objects.filter(pk__in=list(latest)):
            model.objects.filter(pk=page.pk).update(
                first_published_at=min(latest[page.pk], page.first_published_at or now),
                last_published_at=latest[page.pk],
            )
    return len(entries)


def _relay_older_directive(organisations, now):
    """The older city directive relayed, in time, by the branches outside 东湖区."""
    relay = MeetingType.objects.get(code="relay")
    records = []
    for org in organisations:
        if org.kind != "branch" or org.code.startswith("donghu-"):
            continue
        if org.code in QUIET | NOT_RELAYED_OUTSIDE:
            continue
        older = list(visible_directives(org, "city")[1:2])
        if not older or not older[0].study_deadline:
            continue
        directive = older[0]
        if MeetingRecord.objects.filter(organisation=org, directives=directive).exists():
            continue
        held = timezone.make_aware(
            datetime.datetime.combine(
                min(directive.study_deadline, timezone.localdate(now)) - datetime.timedelta(days=2),
                datetime.time(15),
            )
        )
        record = MeetingRecord(
            organisation=org,
            meeting_type=relay,
            held_at=held,
            place="支部活动室",
            host="支部书记",
            topic=f"传达学习《{directive.title}》",
            minutes="<p>支部书记传达文件精神，党员结合工作谈体会。</p>",
        )
        record.studied = directive
        records.append(record)
    MeetingRecord.objects.bulk_create(records)
    MeetingRecord.directives.through.objects.bulk_create(
        MeetingRecord.directives.through(meetingrecord=r, directivepage=r.studied) for r in records
    )
    if records:
        tallies.rebuild(tallies.computed_meeting_tallies(), tallies.computed_publish_tallies())


def _ensure_past_months(today, count=12):
    """Final score rows for the months before last (the nightly run keeps this month and
    finalises last month), so the dashboard's 12-month trend has a history: computed as
    of each month's last day from the same tallies."""
    from .models import OrganisationScore
    from .scores import compute, store
    from .status import Facts

    months = periods.last_months(today, count)[:-2]
    done = set(
        OrganisationScore.objects.filter(
            period=OrganisationScore.MONTH, starts__in=months, final=True
        ).values_list("starts", flat=True)
    )
    wanted = [m for m in months if m not in done]
    if not wanted:
        return
    facts = Facts.load(None, today, since=wanted[0].replace(month=1, year=wanted[0].year - 1))
    for month in wanted:
        facts.today = periods.add_months(month, 1) - datetime.timedelta(days=1)
        store(compute(facts, OrganisationScore.MONTH, month, final=True))


def _ensure_emails():
    """Demo editors get an address, so their reminders can be mailed."""
    users = get_user_model().objects.filter(email="", groups__name__contains=":").distinct()
    for user in users:
        user.email = f"{user.username}@{DEMO_DOMAIN}"
        user.save(update_fields=["email"])
