"""The e-map in the API: /api/v2/oversight/map/?org=<code> (django-ninja, mounted under
/api/v2/ by portal/api.py), for a big-screen display or another client; the admin's map
page embeds the same data (oversight/map_data.py).

Internal data, as orglife/api.py: signed in by the session (401 JSON without one), only
for the editors and reviewers of an organisation (403 for anyone else) and only within
their subtrees — any other organisation is a 404."""

import datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Query, Router, Schema
from ninja.security import django_auth

from . import map_data
from .api import AUTH_ERRORS, api_scope

router = Router(tags=["监督"])


class MarkOut(Schema):
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
    compliance: float | None
    score: float | None
    dashboard_url: str
    site_url: str


class StatusCountOut(Schema):
    code: str
    label: str
    count: int


class MapOut(Schema):
    scope: MarkOut
    today: datetime.date
    source: str
    bbox: list[float] | None
    statuses: list[StatusCountOut]
    marks: list[MarkOut]
    unmapped: list[MarkOut]


@router.get(
    "/oversight/map/",
    response={200: MapOut, **AUTH_ERRORS},
    auth=django_auth,
    summary="党建电子地图：组织的位置与状态",
)
def oversight_map(
    request,
    response: HttpResponse,
    org: Annotated[str, Query(max_length=63, description="组织代码，默认本人所在组织")] = "",
):
    """Every organisation of the subtree of `org` (the caller's own organisation, or one
    below it; default the caller's first): its status this month (正常 ok, 即将到期 due,
    逾期 overdue, 僵尸 zombie, 新建 new), coordinates, days since its last public update,
    rule compliance (%) and score; `marks` have coordinates, `unmapped` have none
    (listed, not mapped). `source` says whether the figures come from the stored
    nightly table (stored) or were worked out for this request (live)."""
    scope = api_scope(request, org)
    response["Cache-Control"] = "private"
    return map_data.marks(scope, request=request).as_json()
