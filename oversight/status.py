"""Status and compliance of organisations, read from the tallies other apps keep:
PublishTally (public updates per column purpose and month, and the latest publish),
OrgLifeTally (meetings per type and month, attendance), PointTally (members' study
points per month) and the 传达学习 records of directives with a study deadline.

`Facts.load(scope, today)` reads all of them for the subtree of `scope` in a fixed number
of queries (one per table, whatever the number of organisations); `evaluate(org, facts)`
then works out one organisation's state in Python:

- each applicable rule (active, for the organisation's kind) in its current period:
  met (count ≥ minimum), due (not met, the period ends within the rule's reminder days),
  open (not met, time left) — and whether the previous period was missed;
- a rule applies from the first whole period after the organisation was created (its
  first publication), so a new branch is not late on day one;
- 传达学习 (branches only): directives reaching the branch whose deadline is within the
  reminder days (due) or has passed in the last 30 days without a record (overdue);
- days since the last public update; 僵尸 when nothing public for
  PORTAL_OVERSIGHT_ZOMBIE_DAYS (60) days and the organisation is older than that.

The status is the worst of: 僵尸 > 逾期 (a missed period or an overdue relay) > 即将到期 >
正常. An organisation younger than its rules' first period, with nothing due, is 新建."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from content.models import DirectivePage
from learning.models import MemberProfile, PointTally
from orglife.models import MeetingRecord, OrgLifeTally, PublishTally
from sites.models import OrganisationPage
from sites.tree import ancestor_paths, below_path_q

from . import periods
from .models import OrganisationScore, UpdateRule

MET, DUE, OPEN, NOT_YET = "met", "due", "open", "not_yet"
OK, DUE_SOON, OVERDUE, ZOMBIE, NEW = (
    OrganisationScore.OK,
    OrganisationScore.DUE,
    OrganisationScore.OVERDUE,
    OrganisationScore.ZOMBIE,
    OrganisationScore.NEW,
)
SEVERITY = {NEW: 0, OK: 0, DUE_SOON: 1, OVERDUE: 2, ZOMBIE: 3}
RELAY_KINDS = ("branch",)  # who owes 传达学习 records (orglife/relay.py)
RELAY_OVERDUE_DAYS = 30  # an unrelayed directive counts as overdue this long after its deadline


def zombie_days():
    return settings.PORTAL_OVERSIGHT_ZOMBIE_DAYS


def relay_remind_days():
    return settings.PORTAL_OVERSIGHT_RELAY_REMIND_DAYS


def local_day(moment):
    return timezone.localtime(moment).date() if moment else None


@dataclass
class Org:
    pk: int
    path: str
    depth: int
    kind: str
    title: str
    created: datetime.date
    latitude: object = None
    longitude: object = None


@dataclass
class RuleState:
    rule: UpdateRule
    start: datetime.date
    end: datetime.date
    count: int
    state: str
    days_left: int
    missed: bool
    previous: tuple

    @property
    def met(self):
        return self.state == MET


@dataclass
class RelayState:
    directive_id: int
    title: str
    deadline: datetime.date
    overdue: bool


@dataclass
class Status:
    org: Org
    today: datetime.date
    last_update_at: datetime.datetime | None
    rules: list = field(default_factory=list)
    relays: list = field(default_factory=list)

    @property
    def days_quiet(self):
        """Days since the last public update (since creation when there was none)."""
        since = local_day(self.last_update_at) or self.org.created
        return max(0, (self.today - since).days)

    @property
    def zombie(self):
        return (
            self.days_quiet >= zombie_days()
            and (self.today - self.org.created).days >= zombie_days()
        )

    @property
    def due(self):
        return [r for r in self.rules if r.state == DUE]

    @property
    def missed(self):
        return [r for r in self.rules if r.missed]

    @property
    def relays_due(self):
        return [r for r in self.relays if not r.overdue]

    @property
    def relays_overdue(self):
        return [r for r in self.relays if r.overdue]

    @property
    def status(self):
        if self.zombie:
            return ZOMBIE
        if self.missed or self.relays_overdue:
            return OVERDUE
        if self.due or self.relays_due:
            return DUE_SOON
        if self.rules and all(r.state == NOT_YET for r in self.rules):
            return NEW
        return OK


@dataclass
class Facts:
    """What the tallies say about a subtree, loaded once for many evaluations."""

    today: datetime.date
    orgs: list
    rules: dict  # kind -> [UpdateRule]
    publishes: dict  # (org, month, purpose) -> updates
    updates: dict  # (org, month) -> updates in any column
    last_update: dict  # org -> latest publish
    meetings: dict  # (org, month, type or None) -> meetings
    attendance: dict  # (org, month) -> [expected, present]
    points: dict  # (branch, month) -> points
    members: dict  # branch -> members
    directives: list  # [(pk, title, issuer path, deadline)]
    relayed: set  # {(org, directive)}

    @classmethod
    def load(cls, scope, today=None, since=None, subtree=True):
        """The facts of `scope`'s subtree (itself included; every organisation when
        scope is None; `scope` alone without `subtree`) from `since` (default: the start
        of last year) to today."""
        today = today or timezone.localdate()
        since = since or datetime.date(today.year - 1, 1, 1)
        orgs = _organisations(scope, subtree)
        in_scope = (lambda field: _in_scope(scope, field, subtree)) if scope else None

        def scoped(queryset, field="organisation_path"):
            return queryset.filter(in_scope(field)) if scope else queryset

        publishes, updates, last_update = {}, defaultdict(int), {}
        rows = scoped(PublishTally.objects.filter(month__gte=since)).values_list(
            "organisation_id", "month", "purpose", "updates", "last_at"
        )
        for org, month, purpose, count, last_at in rows:
            publishes[(org, month, purpose)] = count
            updates[(org, month)] += count
            # Rows from before last_at was kept count as of their month's first day.
            moment = last_at or _start_of(month)
            if count and (org not in last_update or last_update[org] < moment):
                last_update[org] = moment
        # The latest update may be older than `since`: one grouped query for those.
        older = scoped(PublishTally.objects.filter(month__lt=since, updates__gt=0))
        for org, moment, month in (
            older.values("organisation_id")
            .annotate(m=Max("last_at"), first=Max("month"))
            .values_list("organisation_id", "m", "first")
        ):
            last_update.setdefault(org, moment or _start_of(month))

        meetings, attendance = defaultdict(int), {}
        rows = scoped(OrgLifeTally.objects.filter(month__gte=since)).values_list(
            "organisation_id", "month", "meeting_type_id", "meetings", "expected", "present"
        )
        for org, month, type_id, count, expected, present in rows:
            meetings[(org, month, type_id)] += count
            meetings[(org, month, None)] += count
            pair = attendance.setdefault((org, month), [0, 0])
            pair[0] += expected
            pair[1] += present

        points = {
            (branch, month): total
            for branch, month, total in scoped(
                PointTally.objects.filter(period="month", starts__gte=since), "branch_path"
            )
            .values("branch_id", "starts")
            .annotate(total=Sum("points"))
            .values_list("branch_id", "starts", "total")
        }
        members = dict(
            scoped(MemberProfile.objects.all(), "branch__path")
            .values("branch_id")
            .annotate(n=Count("pk"))
            .values_list("branch_id", "n")
        )

        directives, relayed = _relays(scope, since, today, subtree)
        return cls(
            today=today,
            orgs=orgs,
            rules=_rules_by_kind(),
            publishes=publishes,
            updates=dict(updates),
            last_update=last_update,
            meetings=dict(meetings),
            attendance=attendance,
            points=points,
            members=members,
            directives=directives,
            relayed=relayed,
        )

    # --- counting -----------------------------------------------------------------

    def count(self, org, rule, start, end):
        months = periods.months_in(start, end)
        if rule.subject == UpdateRule.COLUMN:
            return sum(self.publishes.get((org.pk, m, rule.purpose), 0) for m in months)
        return sum(self.meetings.get((org.pk, m, rule.meeting_type_id), 0) for m in months)

    def owed(self, org, start, end):
        """Directives with a deadline in [start, end) that `org` owes a record of."""
        if org.kind not in RELAY_KINDS:
            return []
        above = set(ancestor_paths(org.path))
        return [d for d in self.directives if d[2] in above and start <= d[3] < end]


def _start_of(month):
    return timezone.make_aware(datetime.datetime.combine(month, datetime.time()))


def _in_scope(scope, field, subtree=True):
    """Rows whose tree path `field` is `scope`'s (or lies below it, with subtree)."""
    if subtree:
        return below_path_q(scope.path, True, field)
    return Q(**{field: scope.path})


def _organisations(scope, subtree=True):
    queryset = OrganisationPage.originals().live()
    if scope is not None:
        queryset = queryset.filter(_in_scope(scope, "path", subtree))
    rows = queryset.order_by("path").values_list(
        "pk", "path", "depth", "kind", "title", "first_published_at", "latitude", "longitude"
    )
    today = timezone.localdate()
    return [
        Org(pk, path, depth, kind, title, local_day(first) or today, lat, lon)
        for pk, path, depth, kind, title, first, lat, lon in rows
    ]


def _rules_by_kind():
    by_kind = defaultdict(list)
    for rule in UpdateRule.objects.filter(active=True).select_related("meeting_type"):
        by_kind[rule.kind].append(rule)
    return by_kind


def _relays(scope, since, today, subtree=True):
    """Directives with a deadline from `since` to 30 days ahead that reach `scope`'s
    subtree, and which (organisation, directive) pairs have a record."""
    queryset = DirectivePage.objects.live().filter(
        study_deadline__gte=since,
        study_deadline__lte=today + datetime.timedelta(days=max(relay_remind_days(), 31)),
        locale__language_code=settings.LANGUAGE_CODE,
    )
    if scope is not None:
        # Issued above the scope (reaching it) or inside it.
        queryset = queryset.filter(
            below_path_q(scope.path, True, "issuing_organisation__path")
            | Q(issuing_organisation__path__in=ancestor_paths(scope.path))
        )
    directives = list(
        queryset.values_list("pk", "title", "issuing_organisation__path", "study_deadline")
    )
    links = MeetingRecord.directives.through.objects.filter(
        directivepage__in=[d[0] for d in directives]
    )
    if scope is not None:
        links = links.filter(_in_scope(scope, "meetingrecord__organisation__path", subtree))
    relayed = set(links.values_list("meetingrecord__organisation_id", "directivepage_id"))
    return directives, relayed


# --- one organisation ---------------------------------------------------------------


def evaluate(org, facts):
    today = facts.today
    status = Status(org=org, today=today, last_update_at=facts.last_update.get(org.pk))
    for rule in facts.rules.get(org.kind, []):
        start, end = periods.period_of(today, rule.period_months)
        previous = periods.previous_period(today, rule.period_months)
        count = facts.count(org, rule, start, end)
        days_left = (end - today).days
        if count >= rule.minimum:
            state = MET
        elif org.created > start:
            state = NOT_YET
        elif days_left <= rule.remind_days:
            state = DUE
        else:
            state = OPEN
        missed = org.created <= previous[0] and facts.count(org, rule, *previous) < rule.minimum
        status.rules.append(RuleState(rule, start, end, count, state, days_left, missed, previous))
    if org.kind in RELAY_KINDS:
        window_end = today + datetime.timedelta(days=relay_remind_days() + 1)
        window_start = today - datetime.timedelta(days=RELAY_OVERDUE_DAYS)
        for pk, title, _issuer, deadline in facts.owed(org, window_start, window_end):
            if (org.pk, pk) in facts.relayed:
                continue
            status.relays.append(RelayState(pk, title, deadline, overdue=deadline < today))
    return status


def status_of(org_page, today=None):
    """The Status of one OrganisationPage (the facts of it alone: a city editor's 待办
    does not read the whole city)."""
    facts = Facts.load(org_page, today, subtree=False)
    own = next(o for o in facts.orgs if o.pk == org_page.pk)
    return evaluate(own, facts)
