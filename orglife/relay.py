"""传达学习 of directives: who owes a relay record, each organisation's status, and the
coverage an issuer (or any organisation below it) sees over its subtree.

What is owed. A directive with a study deadline (`study_deadline`) cascades to every
organisation below the one that issued it (content/cascade.py). The organisations that
owe a 传达学习 record are the Party branches (党支部) among them: branches hold the
meetings (三会一课, 主题党日, 传达学习 …), and they are where a district secretary asks
"has every branch relayed it?" — streets and communities relay by seeing to their
branches, so their own records count for themselves but they are not counted as owing.
A directive without a deadline owes nothing (no status, no coverage).

What counts. A branch has relayed a directive when any record of that branch lists it
among the directives studied; a record of the 传达学习 type (`MeetingType.is_relay`) is
the one shown when there are several, else the earliest. A record held after the
deadline still counts as relayed (marked late). Not relayed is 待传达 while the deadline
has not passed (the deadline day included) and 逾期 after it.

How it is counted. Everything is a query over the tree paths and the records: the
branches in a subtree are a path range, "has a record linking the directive" is an
Exists subquery, the per-child counts are one GROUP BY on the child's path prefix, and
the missing list is one page of that query plus one query for the names of the
organisations above them. The number of queries does not depend on the number of
organisations (tests/orglife/test_relay.py counts them at two tree sizes).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from content.models import DirectivePage
from sites.admin_scope import in_subtrees
from sites.models import OrganisationPage
from sites.tree import STEPLEN, ancestor_paths, below_path_q

from .models import MeetingRecord
from .visibility import organisations_seen

OWING_KINDS = ("branch",)
REPORTED, DUE, OVERDUE = "reported", "due", "overdue"
MISSING_PAGE_SIZE = 20
RELAY_TYPE = "relay"  # the code of the 传达学习 meeting type (migration 0002)


def source_directive(directive):
    """The directive records link: the zh-hans original of a translated directive."""
    if directive.locale.language_code == settings.LANGUAGE_CODE:
        return directive
    original = (
        DirectivePage.objects.filter(
            translation_key=directive.translation_key,
            locale__language_code=settings.LANGUAGE_CODE,
        )
        .select_related("issuing_organisation")
        .first()
    )
    return original or directive


def reaches(directive, organisation):
    """Whether `directive` is shown at `organisation` (issued by it or above)."""
    return organisation.path.startswith(directive.issuing_organisation.path)


def owes(directive, organisation):
    """Whether `organisation` owes a 传达学习 record of `directive`."""
    return bool(
        directive.study_deadline
        and organisation.kind in OWING_KINDS
        and organisation.live
        and organisation.path != directive.issuing_organisation.path
        and reaches(directive, organisation)
    )


def records_of(directive, organisation):
    """The records of `organisation` that studied `directive`, the one to show first."""
    return (
        MeetingRecord.objects.filter(organisation=organisation, directives=directive)
        .select_related("meeting_type")
        .order_by("-meeting_type__is_relay", "held_at", "pk")
    )


@dataclass
class Status:
    """One organisation's 传达学习 of one directive."""

    state: str  # REPORTED, DUE or OVERDUE
    deadline: datetime.date
    record: MeetingRecord | None = None
    days: int = 0  # DUE: days left (0 on the deadline day); OVERDUE: days past it
    late: bool = False  # REPORTED after the deadline


def state_on(deadline, today):
    """(DUE or OVERDUE, days) for a record still missing on `today`."""
    if today <= deadline:
        return DUE, (deadline - today).days
    return OVERDUE, (today - deadline).days


def status(directive, organisation, today=None):
    """The Status of `organisation` for `directive`, or None when it owes nothing."""
    if not owes(directive, organisation):
        return None
    today = today or timezone.localdate()
    deadline = directive.study_deadline
    record = records_of(directive, organisation).first()
    if record is not None:
        held = timezone.localdate(record.held_at)
        return Status(REPORTED, deadline, record=record, late=held > deadline)
    state, days = state_on(deadline, today)
    return Status(state, deadline, days=days)


@dataclass
class Tally:
    """Owing organisations of a subtree and how many have relayed; the rest are due or
    overdue, all of them alike (one deadline)."""

    owing: int = 0
    reported: int = 0
    overdue_now: bool = False

    @property
    def missing(self):
        return self.owing - self.reported

    @property
    def due(self):
        return 0 if self.overdue_now else self.missing

    @property
    def overdue(self):
        return self.missing if self.overdue_now else 0

    @property
    def percent(self):
        """Relayed as a whole percentage (rounded down: 99 % until all have), or None."""
        return self.reported * 100 // self.owing if self.owing else None

    def add(self, owing, reported):
        self.owing += owing
        self.reported += reported


@dataclass
class Missing:
    """An owing organisation without a record, with the names of the organisations
    between the scope and it (`trail`, its own last) and of its parent."""

    organisation: OrganisationPage
    trail: list = field(default_factory=list)
    parent: str = ""

    @property
    def above(self):
        """The organisations above it, below the scope ("一街道 / 一社区")."""
        return " / ".join(self.trail[:-1])

    @property
    def full_name(self):
        return " / ".join(self.trail)


def branches_in(scope):
    """The live organisations at or below `scope` of the kinds that owe relays."""
    return (
        OrganisationPage.objects.live()
        .filter(kind__in=OWING_KINDS)
        .filter(below_path_q(scope.path, inclusive=True))
    )


def owing_in(directive, scope):
    """The organisations at or below `scope` that owe `directive` a record, each with
    `reported` (a record of theirs links it)."""
    issuer = directive.issuing_organisation
    linked = MeetingRecord.directives.through.objects.filter(
        directivepage=directive, meetingrecord__organisation=OuterRef("pk")
    )
    return branches_in(scope).filter(below_path_q(issuer.path)).annotate(reported=Exists(linked))


class Coverage:
    """`directive`'s 传达学习 over the subtree of `scope` (an organisation it reaches):
    the total, per child organisation (its whole subtree aggregated), and who is missing."""

    def __init__(self, directive, scope, today=None):
        self.directive = directive
        self.scope = scope
        self.today = today or timezone.localdate()
        self.deadline = directive.study_deadline
        self.state, self.days = state_on(self.deadline, self.today)
        self.overdue_now = self.state == OVERDUE
        self._counted = None

    def owing(self):
        return owing_in(self.directive, self.scope)

    def _count(self):
        """(total, [(child organisation, Tally)]) in two queries: the counts grouped by
        the child path each owing organisation lies under, and those children."""
        if self._counted is not None:
            return self._counted
        prefix = (self.scope.depth + 1) * STEPLEN
        groups = (
            self.owing()
            .annotate(child=Substr("path", 1, prefix))
            .values("child")
            .annotate(owing=Count("pk"), reported=Count("pk", filter=Q(reported=True)))
            .order_by("child")
        )
        total = Tally(overdue_now=self.overdue_now)
        per_child = {}
        for group in groups:
            total.add(group["owing"], group["reported"])
            if group["child"] != self.scope.path:  # the scope itself owes: no child
                tally = Tally(overdue_now=self.overdue_now)
                tally.add(group["owing"], group["reported"])
                per_child[group["child"]] = tally
        children = OrganisationPage.objects.filter(path__in=per_child).order_by("path")
        self._counted = (total, [(child, per_child[child.path]) for child in children])
        return self._counted

    @property
    def total(self):
        return self._count()[0]

    @property
    def children(self):
        return self._count()[1]

    def missing_page(self, number=1, per_page=MISSING_PAGE_SIZE):
        """One page (django Paginator) of the owing organisations without a record, in
        tree order, each a `Missing` with its names below the scope. Raises EmptyPage /
        PageNotAnInteger as Paginator.page does."""
        missing = self.owing().filter(reported=False).order_by("path")
        page = Paginator(missing, per_page).page(number)
        orgs = list(page.object_list)
        # The scope and every organisation between it and them, in one query.
        wanted = {p for org in orgs for p in ancestor_paths(org.path, top=self.scope.depth)}
        titles = dict(OrganisationPage.objects.filter(path__in=wanted).values_list("path", "title"))
        below = len(self.scope.path)
        page.object_list = [
            Missing(
                org,
                [titles[p] for p in ancestor_paths(org.path) if len(p) > below and p in titles]
                + [org.title],
                parent=titles.get(org.path[:-STEPLEN], ""),
            )
            for org in orgs
        ]
        return page


def directives_with_deadline(scope):
    """The live directives with a study deadline shown at `scope` (issued by it or
    above), newest deadline first."""
    paths = ancestor_paths(scope.path, inclusive=True, top=1)
    return (
        DirectivePage.objects.live()
        .filter(issuing_organisation__path__in=paths, study_deadline__isnull=False)
        .select_related("issuing_organisation")
        .order_by("-study_deadline", "-issued_at", "-pk")
    )


def tallies_for(directives, scope, today=None):
    """{directive pk: Tally over `scope`'s subtree} for a page of `directives` reaching
    `scope`, in two queries: the owing organisations counted once, and the relayed ones
    grouped by directive. A directive issued by `scope` itself is not owed by `scope`."""
    today = today or timezone.localdate()
    directives = list(directives)
    if not directives:
        return {}
    branches = branches_in(scope)
    owing_here = branches.count()
    scope_owes = scope.kind in OWING_KINDS and scope.live
    linked = (
        MeetingRecord.directives.through.objects.filter(
            directivepage__in=[d.pk for d in directives],
            meetingrecord__organisation__in=branches.values("pk"),
        )
        .exclude(meetingrecord__organisation=F("directivepage__issuing_organisation"))
        .values("directivepage")
        .annotate(n=Count("meetingrecord__organisation", distinct=True))
    )
    reported = {row["directivepage"]: row["n"] for row in linked}
    found = {}
    for directive in directives:
        own = directive.issuing_organisation_id == scope.pk
        tally = Tally(overdue_now=today > directive.study_deadline)
        tally.add(owing_here - (1 if own and scope_owes else 0), reported.get(directive.pk, 0))
        found[directive.pk] = tally
    return found


def add_record_url(directive):
    """The admin's new-record form, filled in as a 传达学习 of `directive`."""
    query = urlencode({"directive": directive.pk, "type": RELAY_TYPE})
    return f"{reverse('wagtailsnippets_orglife_meetingrecord:add')}?{query}"


# --- who sees which coverage (the admin and the API alike) ---------------------------


def own_organisations(user):
    """Where the user's view starts: their organisations (the city for superusers).
    Kept on the user object for the rest of the request: every admin page asks it for
    each menu item that depends on it (传达学习情况, the 监督 items)."""
    cached = getattr(user, "_own_organisations", None)
    if cached is not None:
        return list(cached)
    if user.is_superuser:
        found = list(OrganisationPage.originals().filter(depth=2).order_by("path"))
    else:
        found = list(organisations_seen(user).order_by("path"))
    if user.is_authenticated:
        user._own_organisations = tuple(found)
    return found


def may_see_relay(user):
    return user.is_authenticated and bool(own_organisations(user))


def visible_organisation(user, **lookup):
    """The live organisation found by `lookup` (pk=…, code=…) if it lies in the user's
    subtrees, else 404."""
    organisations = OrganisationPage.originals().live()
    if "code" in lookup:
        # Through the code's index: SQLite would otherwise walk every page of the
        # locale (38 ms at 5,273 sites, 1 ms this way), in the same single query.
        lookup["pk__in"] = OrganisationPage.objects.filter(code=lookup.pop("code")).values("pk")
    if not user.is_superuser:
        organisations = in_subtrees(organisations, own_organisations(user), "path")
    return get_object_or_404(organisations, **lookup)


def relay_directive(pk, scope):
    """The live directive `pk` with a deadline that reaches `scope`, else 404."""
    directive = get_object_or_404(
        DirectivePage.objects.live().select_related("issuing_organisation"), pk=pk
    )
    directive = source_directive(directive)
    if not directive.study_deadline or not reaches(directive, scope):
        raise Http404
    return directive
