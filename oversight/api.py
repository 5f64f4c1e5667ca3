"""监督 in the API (django-ninja, mounted under /api/v2/ by portal/api.py), for a
big-screen display: the dashboard's figures as JSON, read from the stored score table
(oversight/dashboard.py) in a constant number of queries.

Signed in by the session as the admin (401 JSON without one); only for the editors and
reviewers of an organisation and superusers (403 JSON otherwise), and only within their
subtrees (404 JSON for any other organisation), as the admin's 监督总览.
"""

import datetime
from typing import Annotated, Literal

from django.core.paginator import EmptyPage
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import django_auth

from base.api import ERRORS, ApiError, ErrorOut, PageNumber
from sites.kinds import OrganisationKind

from . import dashboard
from .access import may_oversee, scope_for

router = Router(tags=["监督"])
AUTH_ERRORS = {**ERRORS, 401: ErrorOut, 403: ErrorOut}
STATUSES = [key for key, _label in dashboard.SUMMARY]
SORT_HELP = "排序：score 积分、compliance 达标率、quiet 未更新天数、name 名称（加 - 降序）"
SORTS = [f"{sign}{key}" for key in dashboard.SORTS for sign in ("", "-")]

Org = Annotated[
    str,
    Query(pattern=r"^[A-Za-z0-9-]{0,63}$", description="组织代码；默认本人所在的（第一个）组织"),
]
Month = Annotated[
    str, Query(max_length=7, description="月份，写作 YYYY-MM；默认本月（年度排名取其年份）")
]


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str


class RowOut(Schema):
    organisation: OrganisationOut
    computed: bool
    status: str | None
    status_label: str
    last_update: datetime.date | None
    days_quiet: int | None
    rules_met: int
    rules_due: int
    compliance: float | None
    relay_done: int
    relay_owed: int
    relay: float | None
    attendance: float | None
    study: float | None
    score: float | None
    year_score: float | None
    orgs_total: int
    orgs_zombie: int
    orgs_overdue: int


class CountsOut(Schema):
    ok: int
    due: int
    overdue: int
    zombie: int


class SummaryOut(Schema):
    organisation: RowOut
    computing: bool
    computed_at: datetime.datetime | None
    children_by_status: CountsOut
    children: list[RowOut]


class RankedOut(Schema):
    rank: int | None
    organisation: OrganisationOut
    parent: str
    score: float | None
    compliance: float | None
    relay: float | None
    attendance: float | None
    study: float | None


class RankingOut(Schema):
    organisation: OrganisationOut
    period: str
    starts: datetime.date
    count: int
    results: list[RankedOut]


class MonthOut(Schema):
    month: datetime.date
    updates: int
    compliance: float | None


class TrendOut(Schema):
    organisation: OrganisationOut
    months: list[MonthOut]


class EditorOut(Schema):
    name: str
    email: str


class ZombieOut(Schema):
    organisation: OrganisationOut
    parent: str
    last_update: datetime.date | None
    days_quiet: int | None
    contact_phone: str
    editors: list[EditorOut]


class ZombieList(Schema):
    organisation: OrganisationOut
    count: int
    page: int
    pages: int
    results: list[ZombieOut]


def api_scope(request, org):
    """The organisation `org` (default the caller's own) for an oversight API call:
    403 for someone who oversees nothing, 404 outside the caller's subtrees."""
    if not may_oversee(request.auth):
        raise ApiError(403, "forbidden", _("只有组织的编辑和审核员可以查看监督信息"))
    try:
        return scope_for(request.auth, org.strip().lower() or None)
    except Http404:
        raise ApiError(404, "not_found", _("组织不存在或不在您管辖的范围内")) from None


def _org(pk, code, name, kind):
    return {
        "id": pk,
        "code": code,
        "name": name,
        "kind": kind,
        "kind_label": str(dashboard.KIND_LABELS.get(kind, kind)),
    }


def _row(row):
    return {
        "organisation": _org(row.id, row.code, row.name, row.kind),
        "computed": row.computed,
        "status": row.status,
        "status_label": str(row.status_label),
        "last_update": row.last_update,
        "days_quiet": row.days_quiet,
        "rules_met": row.rules_met,
        "rules_due": row.rules_due,
        "compliance": row.compliance,
        "relay_done": row.relay_done,
        "relay_owed": row.relay_owed,
        "relay": row.relay,
        "attendance": row.attendance,
        "study": row.study,
        "score": row.score,
        "year_score": row.year_score,
        "orgs_total": row.total,
        "orgs_zombie": row.zombies,
        "orgs_overdue": row.overdue,
    }


@router.get(
    "/oversight/summary/",
    response={200: SummaryOut, **AUTH_ERRORS},
    auth=django_auth,
    summary="监督总览：本组织与下一级组织",
)
def summary(
    request,
    response: HttpResponse,
    org: Org = "",
    kind: Annotated[
        Literal[tuple(OrganisationKind.values)] | None,
        Query(description="只看此类型的组织：本组织下属的全部该类型组织（不限于下一级）"),
    ] = None,
    status: Annotated[
        Literal[tuple(STATUSES)] | None,
        Query(description="只看此状态的下级组织：ok 正常、due 即将到期、overdue 逾期、zombie 僵尸"),
    ] = None,
    sort: Annotated[
        Literal[tuple(SORTS)] | None,
        Query(description=SORT_HELP),
    ] = None,
):
    """组织 `org`（本人的组织或其下级）本月的状态、最近更新、规则达标率、传达学习、出勤率与积分
    （均为其下属全部组织的合计），以及每个下一级组织的同样数据和按状态的数目。数据来自每晚计算的
    积分表；尚无数据且组织不多时当场计算，组织较多时交后台计算（computing 为 true）。"""
    scope = api_scope(request, org)
    response["Cache-Control"] = "private"
    computing = not dashboard.ensure_rows(scope)
    if computing:
        dashboard.queue_first_computation(scope)
    view = dashboard.overview(scope, kind=kind)
    rows = dashboard.sort_rows(dashboard.filter_rows(view.children, kind, status), sort or "")
    return {
        "organisation": _row(view.scope),
        "computing": computing,
        "computed_at": view.computed_at,
        "children_by_status": {key: count for key, _label, count in view.summary},
        "children": [_row(r) for r in rows],
    }


@router.get(
    "/oversight/ranking/",
    response={200: RankingOut, **AUTH_ERRORS},
    auth=django_auth,
    summary="党支部积分排名",
)
def ranking(
    request,
    response: HttpResponse,
    org: Org = "",
    period: Annotated[
        Literal["month", "year"], Query(description="month 月度积分，year 年度积分")
    ] = "month",
    month: Month = "",
    limit: Annotated[int, Query(ge=1, le=10000, description="最多返回多少个支部")] = 100,
):
    """组织 `org` 下属党支部按积分从高到低的排名（积分相同名次相同，尚无积分的排在最后、无名次），
    以及各自的规则达标率、传达学习完成率、出勤率和学习积分达标率（%）。"""
    scope = api_scope(request, org)
    response["Cache-Control"] = "private"
    try:
        first = dashboard.parse_month(month)
    except ValueError as error:
        raise ApiError(400, "bad_month", str(error)) from None
    starts = dashboard.period_start(period, first)
    ranked = dashboard.ranking(scope, period, starts)
    return {
        "organisation": _org(scope.pk, scope.code, scope.title, scope.kind),
        "period": period,
        "starts": starts,
        "count": len(ranked),
        "results": [
            {
                "rank": r.rank,
                "organisation": _org(r.id, r.code, r.name, OrganisationKind.BRANCH),
                "parent": r.parent,
                "score": r.score,
                "compliance": r.compliance,
                "relay": r.relay,
                "attendance": r.attendance,
                "study": r.study,
            }
            for r in ranked[:limit]
        ],
    }


@router.get(
    "/oversight/trend/",
    response={200: TrendOut, **AUTH_ERRORS},
    auth=django_auth,
    summary="近12个月趋势",
)
def trend(request, response: HttpResponse, org: Org = ""):
    """组织 `org` 近12个月（最早的在前，最后为本月）下属全部组织的公开更新数和本组织的规则
    达标率（%；该月尚无积分数据时为 null）。"""
    scope = api_scope(request, org)
    response["Cache-Control"] = "private"
    found = dashboard.trend(scope)
    return {
        "organisation": _org(scope.pk, scope.code, scope.title, scope.kind),
        "months": [
            {"month": month, "updates": updates, "compliance": share}
            for month, updates, share in found.months
        ],
    }


@router.get(
    "/oversight/zombies/",
    response={200: ZombieList, **AUTH_ERRORS},
    auth=django_auth,
    summary="僵尸网站",
)
def zombies(request, response: HttpResponse, org: Org = "", page: PageNumber = 1):
    """组织 `org` 及其下属中长期没有公开更新的（僵尸）组织，未更新最久的在前，每页 20 个：
    上级组织、最近更新、未更新天数、联系电话和编辑（姓名、邮箱）。"""
    scope = api_scope(request, org)
    response["Cache-Control"] = "private"
    try:
        items = dashboard.zombies(scope, timezone.localdate(), page=page)
    except EmptyPage:
        raise ApiError(
            404, "page_out_of_range", _("第 %(page)d 页不存在") % {"page": page}
        ) from None
    return {
        "organisation": _org(scope.pk, scope.code, scope.title, scope.kind),
        "count": items.paginator.count,
        "page": items.number,
        "pages": items.paginator.num_pages,
        "results": [
            {
                "organisation": _org(z["organisation_id"], z["code"], z["name"], z["kind"]),
                "parent": z["parent"],
                "last_update": z["last_update"],
                "days_quiet": z["days_quiet"],
                "contact_phone": z["phone"] or "",
                "editors": [{"name": e["name"], "email": e["email"]} for e in z["editors"]],
            }
            for z in items
        ],
    }
