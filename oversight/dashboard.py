"""What the 监督 dashboard, its ranking, its exports and the oversight API show, read from
the stored score table (OrganisationScore) of the current month and year.

- `overview(scope, today)`: the scope's own row and one row per child organisation (its
  subtree's figures), a fixed number of queries whatever the number of children (the
  children, their month rows, their year rows);
- `trend(scope, today)`: 12 months of the scope's updates (PublishTally over the subtree)
  and compliance % (its stored monthly rows);
- `zombies(scope, today)`: the subtree's 僵尸 organisations, one page at a time, with their
  parent and their editors' contact;
- `ranking(scope, period, starts)`: the subtree's branches by score, with competition
  ranks (equal scores share a rank; no score comes last, unranked);
- `table_csv` / `table_xlsx`: a table of values (not HTML) with Chinese headers.

When the scope has no rows yet (a fresh install before the first nightly run),
`ensure_rows` computes them in the request for a subtree of at most INLINE_LIMIT
organisations and leaves bigger ones to the worker.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import F, Q, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from base import svg_charts
from orglife.models import PublishTally
from sites.kinds import OrganisationKind
from sites.models import OrganisationPage
from sites.tree import STEPLEN, below_path_q, parent_title

from . import periods
from .access import editors_of
from .models import OrganisationScore
from .status import SEVERITY, local_day

INLINE_LIMIT = 500  # organisations a request may compute itself when no rows exist
QUEUED_FOR = 600  # seconds before a page view may queue that computation again
ZOMBIES_PER_PAGE = 20
TREND_MONTHS = 12
STATUS_LABELS = dict(OrganisationScore.STATUSES)
KIND_LABELS = dict(OrganisationKind.choices)
# The summary's four boxes: 新建 counts as 正常 (nothing is due yet).
SUMMARY = [
    (OrganisationScore.OK, gettext_lazy("正常")),
    (OrganisationScore.DUE, gettext_lazy("即将到期")),
    (OrganisationScore.OVERDUE, gettext_lazy("逾期")),
    (OrganisationScore.ZOMBIE, gettext_lazy("僵尸")),
]
SORTS = ("score", "compliance", "quiet", "name")
ROW_FIELDS = (
    "organisation_id",
    "organisation_path",
    "depth",
    "kind",
    "status",
    "computed_at",
    "last_update_at",
    "rules_due",
    "rules_met",
    "relay_owed",
    "relay_done",
    "expected",
    "present",
    "updates",
    "orgs_total",
    "orgs_zombie",
    "orgs_overdue",
    "orgs_due",
    "orgs_ok",
    "compliance",
    "relay",
    "attendance",
    "study",
    "score",
)


def percent(share):
    return None if share is None else round(100 * share, 1)


@dataclass
class Row:
    """One organisation as the dashboard shows it (its subtree's figures)."""

    id: int
    code: str
    name: str
    kind: str
    path: str
    created: datetime.date | None
    today: datetime.date
    month: dict | None = None  # the stored month row's values (None: not computed yet)
    year_score: float | None = None
    parent: str = ""  # the organisation above, when it is not the scope

    def _get(self, name, default=None):
        return self.month.get(name, default) if self.month else default

    @property
    def computed(self):
        return self.month is not None

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def status(self):
        status = self._get("status")
        return OrganisationScore.OK if status == OrganisationScore.NEW else status

    @property
    def status_label(self):
        return STATUS_LABELS.get(self._get("status"), "")

    @property
    def last_update(self):
        return local_day(self._get("last_update_at"))

    @property
    def days_quiet(self):
        if not self.computed:
            return None
        since = self.last_update or self.created
        return max(0, (self.today - since).days) if since else None

    @property
    def rules_met(self):
        return self._get("rules_met", 0)

    @property
    def rules_due(self):
        return self._get("rules_due", 0)

    @property
    def relay_done(self):
        return self._get("relay_done", 0)

    @property
    def relay_owed(self):
        return self._get("relay_owed", 0)

    @property
    def compliance(self):
        return percent(self._get("compliance"))

    @property
    def relay(self):
        return percent(self._get("relay"))

    @property
    def attendance(self):
        return percent(self._get("attendance"))

    @property
    def study(self):
        return percent(self._get("study"))

    @property
    def score(self):
        return self._get("score")

    @property
    def zombies(self):
        return self._get("orgs_zombie", 0)

    @property
    def overdue(self):
        return self._get("orgs_overdue", 0)

    @property
    def total(self):
        return self._get("orgs_total", 0)

    @property
    def computed_at(self):
        return self._get("computed_at")

    @property
    def severity(self):
        return SEVERITY.get(self._get("status"), -1)


@dataclass
class Overview:
    scope: Row
    children: list
    today: datetime.date
    counts: dict = field(default_factory=dict)  # children by status (SUMMARY)

    @property
    def computed_at(self):
        moments = [r.computed_at for r in [self.scope, *self.children] if r.computed_at]
        return min(moments) if moments else None

    @property
    def summary(self):
        return [(key, label, self.counts.get(key, 0)) for key, label in SUMMARY]


def _created(first_published_at):
    return local_day(first_published_at)


def _rows_by_org(period, starts, queryset):
    return {
        values["organisation_id"]: values
        for values in queryset.filter(period=period, starts=starts).values(*ROW_FIELDS)
    }


def overview(scope, today=None, kind=None):
    """The scope and its children with their stored rows of today's month (and year).
    With `kind`, every organisation of that kind in the subtree instead of the children
    (类型 党支部 on a district: all its branches, whatever their depth), each with the
    name of the organisation above it."""
    today = today or timezone.localdate()
    month, year = periods.month_start(today), periods.year_start(today)
    below = OrganisationPage.originals().live().filter(below_path_q(scope.path))
    if kind:
        below = below.filter(kind=kind).annotate(parent=parent_title())
    else:
        below = below.filter(depth=scope.depth + 1).annotate(parent=Value(""))
    children = list(
        below.order_by("path").values_list(
            "pk", "code", "title", "kind", "path", "first_published_at", "parent"
        )
    )
    # The scope's row and those of the organisations listed.
    near = OrganisationScore.objects.filter(below_path_q(scope.path, True, "organisation_path"))
    if kind:
        near = near.filter(Q(depth=scope.depth) | Q(kind=kind))
    else:
        near = near.filter(depth__in=[scope.depth, scope.depth + 1])
    months = _rows_by_org(OrganisationScore.MONTH, month, near)
    years = {
        pk: values["score"]
        for pk, values in _rows_by_org(OrganisationScore.YEAR, year, near).items()
    }

    def row(pk, code, title, kind, path, first, parent=""):
        found = Row(
            pk, code, title, kind, path, _created(first), today, months.get(pk), years.get(pk)
        )
        found.parent = parent if path[:-STEPLEN] != scope.path else ""
        return found

    scope_row = row(
        scope.pk, scope.code, scope.title, scope.kind, scope.path, scope.first_published_at
    )
    rows = [row(*child) for child in children]
    counts = {}
    for child in rows:
        if child.computed:
            counts[child.status] = counts.get(child.status, 0) + 1
    return Overview(scope_row, rows, today, counts)


def has_rows(scope, today=None):
    month = periods.month_start(today or timezone.localdate())
    return OrganisationScore.objects.filter(
        organisation_id=scope.pk, period=OrganisationScore.MONTH, starts=month
    ).exists()


def subtree_size(scope):
    return (
        OrganisationPage.originals().live().filter(below_path_q(scope.path, inclusive=True)).count()
    )


def ensure_rows(scope, today=None):
    """Make sure the scope has rows of the current month: True when they exist (or were
    just computed), False when the subtree is too big to compute here (the caller queues
    the worker)."""
    if has_rows(scope, today):
        return True
    if subtree_size(scope) > INLINE_LIMIT:
        return False
    from .scores import refresh

    refresh(scope, today)
    return True


def queue_first_computation(scope):
    """Queue the worker's computation of a subtree too big for the request, once per
    QUEUED_FOR seconds (the cache is shared by every process), not on every page view."""
    from django.core.cache import cache

    from . import tasks

    if cache.add(f"oversight:first-computation:{scope.pk}", True, QUEUED_FOR):
        tasks.refresh_subtree.enqueue(scope.pk)


def filter_rows(rows, kind=None, status=None):
    if kind:
        rows = [r for r in rows if r.kind == kind]
    if status:
        rows = [r for r in rows if r.computed and r.status == status]
    return rows


def sort_rows(rows, sort):
    """Rows ordered by `sort` (score, compliance, quiet — days since the last update —
    or name; ascending, descending with a "-" first); rows without the figure come last
    either way."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORTS:
        return rows
    if key == "name":
        value_of = lambda r: r.name  # noqa: E731
    else:
        value_of = {
            "score": lambda r: r.score,
            "compliance": lambda r: r.compliance,
            "quiet": lambda r: r.days_quiet,
        }[key]
    present = [r for r in rows if value_of(r) is not None]
    missing = [r for r in rows if value_of(r) is None]
    present.sort(key=lambda r: (value_of(r), r.path), reverse=descending)
    return present + missing


# --- the trend ------------------------------------------------------------------------


@dataclass
class Trend:
    months: list  # [(month date, updates, compliance % or None)]
    chart: object  # svg_charts.BarChart of the updates
    line: str  # the compliance polyline's points (0–100 % on the chart's plot)
    dots: list  # [(x, y, percent, label)]


def trend(scope, today=None):
    """The last 12 months (oldest first) of the subtree's public updates and the scope's
    compliance %: two queries."""
    today = today or timezone.localdate()
    months = periods.last_months(today, TREND_MONTHS)
    updates = dict(
        PublishTally.objects.filter(
            below_path_q(scope.path, True, "organisation_path"), month__in=months
        )
        .values("month")
        .annotate(n=Sum("updates"))
        .values_list("month", "n")
    )
    compliance = dict(
        OrganisationScore.objects.filter(
            organisation_id=scope.pk, period=OrganisationScore.MONTH, starts__in=months
        ).values_list("starts", "compliance")
    )
    points = [(m, updates.get(m, 0) or 0, percent(compliance.get(m))) for m in months]
    chart = svg_charts.bar_chart(
        [(_("%(month)d月") % {"month": m.month}, n) for m, n, _c in points],
        width=600,
        height=180,
        label_every=1,
        gap=0.35,
    )
    span = chart.plot_bottom - chart.plot_top
    dots = [
        (
            bar.centre if bar.anchor == "middle" else bar.x + bar.width / 2,
            round(chart.plot_bottom - span * share / 100, 2),
            share,
            bar.label,
        )
        for bar, (_m, _n, share) in zip(chart.bars, points, strict=True)
        if share is not None
    ]
    line = " ".join(f"{x},{y}" for x, y, _s, _l in dots)
    return Trend(points, chart, line, dots)


# --- 僵尸 ------------------------------------------------------------------------------


def zombie_queryset(scope, today=None):
    month = periods.month_start(today or timezone.localdate())
    return (
        OrganisationScore.objects.filter(
            below_path_q(scope.path, True, "organisation_path"),
            period=OrganisationScore.MONTH,
            starts=month,
            status=OrganisationScore.ZOMBIE,
        )
        .order_by(F("last_update_at").asc(nulls_first=True), "organisation_path")
        .values(
            "organisation_id",
            "organisation_path",
            "kind",
            "last_update_at",
            code=F("organisation__code"),
            name=F("organisation__title"),
            phone=F("organisation__contact_phone"),
            first=F("organisation__first_published_at"),
        )
    )


def zombies(scope, today=None, page=1, per_page=ZOMBIES_PER_PAGE):
    """One page (a Django Page; EmptyPage/PageNotAnInteger pass through) of the subtree's
    僵尸 organisations, each a dict with days quiet, parent name and editors: four
    queries (count, page, parents, editors' groups and users)."""
    today = today or timezone.localdate()
    items = Paginator(zombie_queryset(scope, today), per_page).page(page)
    found = list(items.object_list)
    parent_paths = {z["organisation_path"][:-STEPLEN] for z in found}
    parents = dict(
        OrganisationPage.objects.filter(path__in=parent_paths).values_list("path", "title")
    )
    editors = editors_of([z["organisation_id"] for z in found]) if found else {}
    for z in found:
        since = local_day(z["last_update_at"]) or local_day(z["first"])
        z["days_quiet"] = max(0, (today - since).days) if since else None
        z["last_update"] = local_day(z["last_update_at"])
        z["parent"] = parents.get(z["organisation_path"][:-STEPLEN], "")
        z["editors"] = editors.get(z["organisation_id"], [])
        z["kind_label"] = KIND_LABELS.get(z["kind"], z["kind"])
    items.object_list = found
    return items


# --- the ranking ----------------------------------------------------------------------


@dataclass
class Ranked:
    rank: int | None
    id: int
    code: str
    name: str
    parent: str
    score: float | None
    compliance: float | None
    relay: float | None
    attendance: float | None
    study: float | None


def ranking(scope, period, starts):
    """The branches of the subtree in the period by score (highest first), each with its
    rank and the four rates in %: two queries (the rows, their parents' names)."""
    rows = list(
        OrganisationScore.objects.filter(
            below_path_q(scope.path, True, "organisation_path"),
            period=period,
            starts=starts,
            kind=OrganisationKind.BRANCH,
        )
        .order_by(F("score").desc(nulls_last=True), "organisation_path")
        .values_list(
            "organisation_id",
            "organisation__code",
            "organisation__title",
            "organisation_path",
            "score",
            "compliance",
            "relay",
            "attendance",
            "study",
        )
    )
    parents = dict(
        OrganisationPage.objects.filter(path__in={row[3][:-STEPLEN] for row in rows}).values_list(
            "path", "title"
        )
    )
    ranked, rank, previous = [], 0, object()
    for n, (pk, code, name, path, score, compliance, relay, attendance, study) in enumerate(
        rows, 1
    ):
        if score is not None and score != previous:
            rank, previous = n, score
        ranked.append(
            Ranked(
                rank if score is not None else None,
                pk,
                code,
                name,
                parents.get(path[:-STEPLEN], ""),
                score,
                percent(compliance),
                percent(relay),
                percent(attendance),
                percent(study),
            )
        )
    return ranked


def parse_month(raw, today=None):
    """The first day of the month written YYYY-MM, or ValueError (with a Chinese message)."""
    today = today or timezone.localdate()
    if not raw:
        return periods.month_start(today)
    try:
        year, month = raw.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        day = datetime.date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(_("月份应写作 YYYY-MM，如 2026-10")) from None
    if day > periods.month_start(today) or day.year < 2000:
        raise ValueError(_("月份应在 2000 年 1 月到本月之间"))
    return day


def period_start(period, month):
    return month if period == OrganisationScore.MONTH else periods.year_start(month)


# --- exports --------------------------------------------------------------------------


def children_table(rows):
    """The children table as (headers, lines of values)."""
    headers = [
        _("组织"),
        _("代码"),
        _("类型"),
        _("状态"),
        _("最近更新"),
        _("未更新天数"),
        _("本月达标规则"),
        _("应达标规则"),
        _("达标率（%）"),
        _("已传达"),
        _("应传达"),
        _("传达率（%）"),
        _("出勤率（%）"),
        _("本月积分"),
        _("年度积分"),
        _("下属僵尸"),
        _("下属逾期"),
    ]
    lines = [
        [
            r.name,
            r.code,
            str(r.kind_label),
            str(r.status_label),
            r.last_update.isoformat() if r.last_update else "",
            r.days_quiet,
            r.rules_met,
            r.rules_due,
            r.compliance,
            r.relay_done,
            r.relay_owed,
            r.relay,
            r.attendance,
            r.score,
            r.year_score,
            r.zombies,
            r.overdue,
        ]
        for r in rows
    ]
    return headers, lines


def ranking_table(ranked):
    headers = [
        _("名次"),
        _("党支部"),
        _("代码"),
        _("上级组织"),
        _("积分"),
        _("规则达标率（%）"),
        _("传达学习完成率（%）"),
        _("出勤率（%）"),
        _("学习积分达标率（%）"),
    ]
    lines = [
        [r.rank, r.name, r.code, r.parent, r.score, r.compliance, r.relay, r.attendance, r.study]
        for r in ranked
    ]
    return headers, lines


def _cell(value):
    return "" if value is None else value


def _safe(value):
    # A text cell starting with = + - @ is a formula to a spreadsheet: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_csv(headers, lines):
    """UTF-8 with a BOM (so that Excel reads the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(headers)
    for line in lines:
        writer.writerow([_safe(_cell(v)) for v in line])
    return out.getvalue().encode("utf-8")


def table_xlsx(headers, lines, title):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(headers)
    for line in lines:
        sheet.append([_safe(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
