"""组织生活 in the API (django-ninja, mounted under /api/v2/ by portal/api.py).

Internal data: every endpoint needs a signed-in user (the session, as the admin and the
web player use; 401 JSON without one) and answers only within the subtrees of the
caller's organisations (orglife/visibility.py) — anything else is a 404, as in the
admin. The meeting records and the 传达学习 coverage of directives.
"""

import datetime
from typing import Annotated

from django.core.paginator import EmptyPage
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.security import django_auth
from pydantic import ConfigDict
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from base.api import ERRORS, MAX_ID, ApiError, ErrorOut, PageNumber, paginate
from base.pictures import renditions
from sites.insite import insite_urls
from sites.models import OrganisationPage
from sites.tree import below_path_q

from . import relay
from .models import Attendance, MeetingType, RecordPhoto
from .visibility import SCOPE_FIELD, records_visible_to

router = Router(tags=["组织生活"])
AUTH_ERRORS = {**ERRORS, 401: ErrorOut, 403: ErrorOut}
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


# --- meeting records: /orglife/records/ ---------------------------------------------
#
# For the app and partner systems, with the admin's rule (orglife/visibility.py): a
# record is seen by its organisation's editors and reviewers and by those of every
# organisation above; a sibling or a child organisation asking for it by id gets 404,
# a member sees no record, an anonymous request gets 401. Signed in by the session, as
# the learning API's /me/ endpoints. Photos are rendition URLs: images are public files
# (/media/images/…, as the admin shows them); a record's text is not.

RECORD_ERRORS = {**ERRORS, 401: ErrorOut}
PHOTO_SPECS = {"url": "max-1600x1600|format-webp|webpquality-80", "thumbnail_url": "fill-320x240"}
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="记录编号")]

ORGANISATION_EXAMPLE = {
    "id": 12,
    "code": "donghu-hp-yh-d1",
    "name": "银河社区第一党支部",
    "parent": "银河社区党委",
}
RECORD_EXAMPLE = {
    "id": 345,
    "organisation": ORGANISATION_EXAMPLE,
    "type": {"code": "dyh", "name": "支部党员大会"},
    "held_at": "2026-03-05T09:30:00+08:00",
    "place": "党员活动室",
    "host": "王书记",
    "topic": "学习党的二十大精神",
    "attendance": {"expected": 12, "present": 10, "leave": 1, "absent": 1},
}
DETAIL_EXAMPLE = {
    **RECORD_EXAMPLE,
    "attendees": [
        {
            "member_id": 81,
            "name": "李一",
            "status": "present",
            "status_label": "出席",
            "reason": "",
        },
        {
            "member_id": 82,
            "name": "王三",
            "status": "leave",
            "status_label": "请假",
            "reason": "出差",
        },
    ],
    "resolutions": "每名党员撰写一篇心得体会",
    "minutes": "<p>王书记领学报告原文。</p><p>党员逐一交流发言。</p>",
    "photos": [
        {
            "id": 7,
            "caption": "会议现场",
            "url": "https://example.org/media/images/meeting.max-1600x1600.format-webp.webp",
            "thumbnail_url": "https://example.org/media/images/meeting.fill-320x240.jpg",
            "width": 1600,
            "height": 1200,
        }
    ],
    "directives": [
        {
            "id": 56,
            "title": "关于加强学习的通知",
            "doc_number": "市〔2026〕1号",
            "url": "https://donghu-hp-yh-d1.example.org/topics/city/notice/",
        }
    ],
}


class OrganisationRef(Schema):
    id: int
    code: str
    name: str
    parent: str | None


class TypeRef(Schema):
    code: str
    name: str


class AttendanceSummary(Schema):
    expected: int
    present: int
    leave: int
    absent: int


class RecordOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [RECORD_EXAMPLE]})

    id: int
    organisation: OrganisationRef
    type: TypeRef
    held_at: datetime.datetime
    place: str
    host: str
    topic: str
    attendance: AttendanceSummary


class RecordList(Schema):
    count: int
    page: int
    pages: int
    results: list[RecordOut]


class AttendeeOut(Schema):
    member_id: int
    name: str
    status: str
    status_label: str
    reason: str


class PhotoOut(Schema):
    id: int
    caption: str
    url: str | None
    thumbnail_url: str | None
    width: int | None
    height: int | None


class DirectiveRef(Schema):
    id: int
    title: str
    doc_number: str
    url: str | None


class RecordDetail(RecordOut):
    model_config = ConfigDict(json_schema_extra={"examples": [DETAIL_EXAMPLE]})

    attendees: list[AttendeeOut]
    resolutions: str
    minutes: str
    photos: list[PhotoOut]
    directives: list[DirectiveRef]


def visible_records(user):
    """The records `user` sees, with what a list shows (one query a page)."""
    return (
        records_visible_to(user)
        .select_related("organisation", "meeting_type")
        .annotate(
            n_expected=Count("attendances"),
            n_present=Count("attendances", filter=Q(attendances__status=Attendance.PRESENT)),
            n_leave=Count("attendances", filter=Q(attendances__status=Attendance.LEAVE)),
            n_absent=Count("attendances", filter=Q(attendances__status=Attendance.ABSENT)),
        )
        .order_by("-held_at", "-pk")
    )


def organisation_by_code_or_id(value):
    value = value.strip()
    organisations = OrganisationPage.originals()
    if value.isascii() and value.isdigit() and len(value) <= 9:
        found = organisations.filter(pk=int(value)).first()
    else:
        found = organisations.filter(code=value.lower()).first()
    if found is None:
        raise ApiError(404, "unknown_org", _("没有代码或编号为 %(org)s 的组织") % {"org": value})
    return found


def parent_names(records):
    """{organisation path: its parent's title} for the records' organisations (one query)."""
    steplen = Page.steplen
    paths = {r.organisation.path[:-steplen] for r in records if r.organisation.depth > 1}
    return dict(Page.objects.filter(path__in=paths).values_list("path", "title"))


def record_out(record, parents):
    organisation = record.organisation
    return {
        "id": record.pk,
        "organisation": {
            "id": organisation.pk,
            "code": organisation.code,
            "name": organisation.title,
            "parent": parents.get(organisation.path[: -Page.steplen]),
        },
        "type": {"code": record.meeting_type.code, "name": record.meeting_type.name},
        "held_at": timezone.localtime(record.held_at),  # +08:00, as the branch wrote it
        "place": record.place,
        "host": record.host,
        "topic": record.topic,
        "attendance": {
            "expected": record.n_expected,
            "present": record.n_present,
            "leave": record.n_leave,
            "absent": record.n_absent,
        },
    }


def photo_out(photo, request):
    found = renditions(photo.image, list(PHOTO_SPECS.values())) or {}
    urls = {
        name: request.build_absolute_uri(found[spec].url) if spec in found else None
        for name, spec in PHOTO_SPECS.items()
    }
    large = found.get(PHOTO_SPECS["url"])
    return {
        "id": photo.pk,
        "caption": photo.caption,
        **urls,
        "width": large.width if large else None,
        "height": large.height if large else None,
    }


def record_detail_out(record, request):
    urls = insite_urls(record.organisation, request)
    return {
        **record_out(record, parent_names([record])),
        "attendees": [
            {
                "member_id": a.member_id,
                "name": a.member.name,
                "status": a.status,
                "status_label": a.get_status_display(),
                "reason": a.reason,
            }
            for a in record.attendances.all()
        ],
        "resolutions": record.resolutions,
        "minutes": expand_db_html(record.minutes),
        "photos": [photo_out(p, request) for p in record.photos.all()],
        "directives": [
            {"id": d.pk, "title": d.title, "doc_number": d.doc_number, "url": urls.full_url(d)}
            for d in record.directives.all()
        ],
    }


@router.get(
    "/orglife/records/",
    response={200: RecordList, **RECORD_ERRORS},
    auth=django_auth,
    summary="组织生活记录",
)
def records(
    request,
    org: Annotated[
        str, Query(pattern=r"^[A-Za-z0-9-]{0,63}$", description="组织代码或编号；含其下级组织")
    ] = "",
    type: Annotated[
        str, Query(pattern=r"^[A-Za-z0-9_-]{0,16}$", description="会议类型代码，如 dyh、dk、ztdr")
    ] = "",
    year: Annotated[int, Query(ge=2000, le=2100, description="年份")] | None = None,
    month: Annotated[int, Query(ge=1, le=12, description="月份（1–12）")] | None = None,
    page: PageNumber = 1,
):
    """Meeting records the signed-in user may see (their organisations' and those below),
    newest first: of organisation `org` and below, of one meeting `type`, in `year` and
    `month`. A member sees none."""
    queryset = visible_records(request.auth)
    if org:
        organisation = organisation_by_code_or_id(org)
        queryset = queryset.filter(
            below_path_q(organisation.path, inclusive=True, field=SCOPE_FIELD)
        )
    if type:
        if not MeetingType.objects.filter(code=type).exists():
            raise ApiError(400, "bad_type", _("没有代码为 %(type)s 的会议类型") % {"type": type})
        queryset = queryset.filter(meeting_type__code=type)
    if year:
        queryset = queryset.filter(held_at__year=year)
    if month:
        queryset = queryset.filter(held_at__month=month)
    result = paginate(queryset, page, lambda record: record)
    parents = parent_names(result["results"])
    result["results"] = [record_out(r, parents) for r in result["results"]]
    return result


@router.get(
    "/orglife/records/{record_id}/",
    response={200: RecordDetail, **RECORD_ERRORS},
    auth=django_auth,
    summary="一条组织生活记录",
)
def record(request, record_id: RecordId):
    """One record with its attendees, resolutions, minutes (HTML), photos and the
    directives studied; 404 for a record the user may not see."""
    found = (
        visible_records(request.auth)
        .filter(pk=record_id)
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("member").order_by("pk"),
            ),
            Prefetch(
                "photos",
                queryset=RecordPhoto.objects.select_related("image").order_by("sort_order"),
            ),
            "directives",
        )
        .first()
    )
    if found is None:
        raise ApiError(404, "not_found", _("没有这条记录，或您无权查看"))
    return record_detail_out(found, request)


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
