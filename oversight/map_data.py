"""What the e-map (党建电子地图) shows: one mark per organisation of a subtree.

`marks(scope, today, request)` reads the organisations of `scope`'s subtree (itself
included) and their state of the current month: from the stored score table
(OrganisationScore, refreshed nightly) when it has rows for them, else worked out on the
fly from the tallies (oversight/status.py through scores.compute, nothing stored). Each
mark has the organisation's code, name, kind, parent's name, coordinates, status, days
since its last public update, rule compliance and score (of its subtree, as the
dashboard shows them) and the URLs of its dashboard drill-down and its public site.
Organisations without coordinates are listed apart (`unmapped`): they are shown under
the map, never placed on it.

A constant number of queries, whatever the size of the subtree: the organisations, the
scope's parent, the stored rows (and, without them, the tallies' fixed set).
"""

import datetime
from dataclasses import asdict, dataclass

from django.urls import reverse
from django.utils import timezone

from sites.models import OrganisationPage
from sites.tree import below_path_q

from . import periods, scores
from .models import OrganisationScore
from .status import SEVERITY, Facts, local_day

DASHBOARD_URL = "oversight_dashboard"
STATUS_ORDER = (
    OrganisationScore.OK,
    OrganisationScore.NEW,
    OrganisationScore.DUE,
    OrganisationScore.OVERDUE,
    OrganisationScore.ZOMBIE,
)
STORED, LIVE = "stored", "live"
LIVE_LIMIT = 500  # organisations whose figures a request may work out itself


@dataclass
class Mark:
    code: str
    name: str
    kind: str
    kind_label: str
    parent: str
    depth: int
    latitude: float | None
    longitude: float | None
    status: str
    status_label: str
    severity: int
    last_update: datetime.date | None
    days_quiet: int
    compliance: float | None  # 0–100, the subtree's rules met this month
    score: float | None
    dashboard_url: str
    site_url: str

    @property
    def mapped(self):
        return self.latitude is not None and self.longitude is not None


@dataclass
class MapData:
    scope: Mark
    today: datetime.date
    source: str  # STORED or LIVE
    marks: list  # with coordinates, tree order
    unmapped: list  # without

    @property
    def bbox(self):
        """[west, south, east, north] of the marks (None without any)."""
        if not self.marks:
            return None
        lons = [m.longitude for m in self.marks]
        lats = [m.latitude for m in self.marks]
        return [min(lons), min(lats), max(lons), max(lats)]

    def counts(self):
        found = dict.fromkeys(STATUS_ORDER, 0)
        for mark in self.marks + self.unmapped:
            found[mark.status] += 1
        return found

    def as_json(self):
        """Plain data for the page (json_script) and the API."""
        return {
            "scope": _mark_json(self.scope),
            "today": self.today.isoformat(),
            "source": self.source,
            "bbox": self.bbox,
            "statuses": [
                {"code": code, "label": str(STATUS_LABELS[code]), "count": count}
                for code, count in self.counts().items()
            ],
            "marks": [_mark_json(m) for m in self.marks],
            "unmapped": [_mark_json(m) for m in self.unmapped],
        }


STATUS_LABELS = dict(OrganisationScore.STATUSES)


def _mark_json(mark):
    data = asdict(mark)
    data["last_update"] = mark.last_update.isoformat() if mark.last_update else None
    return data


def marks(scope, today=None, request=None):
    """The MapData of `scope`'s subtree on `today` (default: the local day)."""
    today = today or timezone.localdate()
    orgs = list(
        OrganisationPage.originals()
        .live()
        .filter(below_path_q(scope.path, inclusive=True))
        .order_by("path")
        .only(
            "id",
            "path",
            "depth",
            "url_path",
            "title",
            "code",
            "kind",
            "latitude",
            "longitude",
            "first_published_at",
        )
    )
    names = {org.path: org.title for org in orgs}
    above = scope.path[: -OrganisationPage.steplen]
    if above and above not in names:
        parent = OrganisationPage.objects.filter(path=above).values_list("title", flat=True)
        names[above] = next(iter(parent), "")
    rows, source = _rows(scope, orgs, today)
    found = []
    for org in orgs:
        row = rows.get(org.pk)
        found.append(_mark(org, row, names, today, request))
    own = found[0] if found and orgs[0].pk == scope.pk else None
    mapped = [m for m in found if m.mapped]
    unmapped = [m for m in found if not m.mapped]
    return MapData(scope=own, today=today, source=source, marks=mapped, unmapped=unmapped)


def _rows(scope, orgs, today):
    """{organisation id: OrganisationScore} of the current month: stored when every
    organisation has a row, else computed now (unsaved)."""
    month = periods.month_start(today)
    stored = {
        row.organisation_id: row
        for row in OrganisationScore.objects.filter(
            below_path_q(scope.path, True, "organisation_path"),
            period=OrganisationScore.MONTH,
            starts=month,
        ).only(
            "organisation_id",
            "status",
            "last_update_at",
            "compliance",
            "score",
            "computed_at",
        )
    }
    # Live figures only for a small subtree: a city with one organisation added since
    # the nightly run shows that one without figures rather than computing 5,000 rows
    # per request.
    if (orgs and all(org.pk in stored for org in orgs)) or len(orgs) > LIVE_LIMIT:
        return stored, STORED
    facts = Facts.load(scope, today)
    computed = scores.compute(facts, OrganisationScore.MONTH, month)
    return {row.organisation_id: row for row in computed}, LIVE


def _mark(org, row, names, today, request):
    status = row.status if row else OrganisationScore.NEW
    last = local_day(row.last_update_at) if row else None
    since = last or local_day(org.first_published_at) or today
    return Mark(
        code=org.code,
        name=org.title,
        kind=org.kind,
        kind_label=str(org.get_kind_display()),
        parent=names.get(org.path[: -OrganisationPage.steplen], ""),
        depth=org.depth,
        latitude=float(org.latitude) if org.latitude is not None else None,
        longitude=float(org.longitude) if org.longitude is not None else None,
        status=status,
        status_label=str(STATUS_LABELS[status]),
        severity=SEVERITY[status],
        last_update=last,
        days_quiet=max(0, (today - since).days),
        compliance=round(100 * row.compliance, 1) if row and row.compliance is not None else None,
        score=row.score if row else None,
        dashboard_url=f"{reverse(DASHBOARD_URL)}?org={org.code}",
        site_url=org.get_url(request) or "",
    )
