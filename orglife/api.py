"""组织生活 API (django-ninja, mounted under /api/v2/ by portal/api.py).

Internal data: every endpoint here needs a signed-in editor or reviewer of an
organisation (the session, as the admin and the web player use; 401 JSON without one,
403 JSON for a user who works in no organisation), and answers only within the subtrees
of the caller's organisations (orglife/visibility.py) — anything else is a 404, as in
the admin. Answers are never kept by a shared cache (`Cache-Control: private`).
"""

import datetime
from typing import Annotated

from django.core.paginator import EmptyPage
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.security import django_auth

from base.api import ERRORS, MAX_ID, ApiError, ErrorOut, PageNumber

from . import relay

router = Router(tags=["组织生活"])
AUTH_ERRORS = {**ERRORS, 401: ErrorOut, 403: ErrorOut}
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def caller_scopes(request):
    """The caller's own organisations, or 403 for a user who works in none."""
    scopes = relay.own_organisations(request.auth)
    if not scopes:
        raise ApiError(403, "forbidden", _("只有组织的编辑和审核员可以查看"))
    return scopes


# --- 传达学习: /directives/<id>/relay/ ----------------------------------------------------


class RelayDirectiveOut(Schema):
    id: int
    title: str
    study_deadline: datetime.date
    state: str  # due | overdue: whether the deadline has passed
    days: int  # days left, or days past the deadline


class RelayOrganisationOut(Schema):
    code: str
    name: str
    kind: str


class RelayCountsOut(Schema):
    owing: int
    reported: int
    due: int
    overdue: int
    percent: int | None


class RelayChildOut(Schema):
    organisation: RelayOrganisationOut
    counts: RelayCountsOut


class RelayMissingOut(Schema):
    code: str
    name: str
    parent: str
    above: str


class RelayMissingList(Schema):
    count: int
    page: int
    pages: int
    results: list[RelayMissingOut]


RELAY_EXAMPLE = {
    "directive": {
        "id": 231,
        "title": "关于认真学习贯彻全会精神的通知",
        "study_deadline": "2026-12-15",
        "state": "due",
        "days": 12,
    },
    "organisation": {"code": "donghu", "name": "东湖区", "kind": "district"},
    "total": {"owing": 4, "reported": 3, "due": 1, "overdue": 0, "percent": 75},
    "children": [
        {
            "organisation": {"code": "donghu-hp", "name": "湖畔街道", "kind": "street"},
            "counts": {"owing": 3, "reported": 2, "due": 1, "overdue": 0, "percent": 66},
        }
    ],
    "missing": {
        "count": 1,
        "page": 1,
        "pages": 1,
        "results": [
            {
                "code": "donghu-hp-yh-d2",
                "name": "银河社区第二党支部",
                "parent": "银河社区党委",
                "above": "湖畔街道 / 银河社区党委",
            }
        ],
    },
}


class RelayOut(Schema):
    model_config = {"json_schema_extra": {"examples": [RELAY_EXAMPLE]}}

    directive: RelayDirectiveOut
    organisation: RelayOrganisationOut
    total: RelayCountsOut
    children: list[RelayChildOut]
    missing: RelayMissingList


def organisation_out(org):
    return {"code": org.code, "name": org.title, "kind": org.kind}


def counts_out(tally):
    return {
        "owing": tally.owing,
        "reported": tally.reported,
        "due": tally.due,
        "overdue": tally.overdue,
        "percent": tally.percent,
    }


@router.get(
    "/directives/{directive_id}/relay/",
    response={200: RelayOut, **AUTH_ERRORS},
    auth=django_auth,
    summary="一个文件的传达学习情况",
)
def directive_relay(
    request,
    response: HttpResponse,
    directive_id: Id,
    org: Annotated[str, Query(max_length=63, description="组织代码，默认本人所在组织")] = "",
    page: PageNumber = 1,
):
    """传达学习 of directive `directive_id` (one with a study deadline) over the subtree of
    organisation `org` — the caller's own, or one below it; default the caller's first
    organisation: the total, each child organisation (its subtree aggregated) and the
    Party branches still missing, 20 a page. Branches owe a record; one counts as
    relayed when a meeting record of theirs lists the directive."""
    scopes = caller_scopes(request)
    response["Cache-Control"] = "private"
    try:
        if org:
            scope = relay.visible_organisation(request.auth, code=org.strip().lower())
        else:
            scope = scopes[0]
        directive = relay.relay_directive(directive_id, scope)
    except Http404:
        raise ApiError(
            404, "not_found", _("文件不存在、未设学习截止日期或未下达到该组织")
        ) from None
    coverage = relay.Coverage(directive, scope)
    try:
        missing = coverage.missing_page(page)
    except EmptyPage:
        raise ApiError(
            404, "page_out_of_range", _("第 %(page)d 页不存在") % {"page": page}
        ) from None
    return {
        "directive": {
            "id": directive.pk,
            "title": directive.title,
            "study_deadline": directive.study_deadline,
            "state": coverage.state,
            "days": coverage.days,
        },
        "organisation": organisation_out(scope),
        "total": counts_out(coverage.total),
        "children": [
            {"organisation": organisation_out(child), "counts": counts_out(tally)}
            for child, tally in coverage.children
        ],
        "missing": {
            "count": missing.paginator.count,
            "page": missing.number,
            "pages": missing.paginator.num_pages,
            "results": [
                {
                    "code": m.organisation.code,
                    "name": m.organisation.title,
                    "parent": m.parent,
                    "above": m.above,
                }
                for m in missing.object_list
            ],
        },
    }
