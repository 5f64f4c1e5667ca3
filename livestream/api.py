"""Live events API (django-ninja, mounted under /api/v2/): upcoming, live now, replays."""

import datetime

from django.db.models import Case, F, IntegerField, Q, When
from django.utils import timezone
from ninja import Router, Schema

from base.api import ERRORS, PageNumber, one_of, paginate, url_of
from sites.api import organisation_or_404
from sites.models import OrganisationPage
from sites.tree import descendants_q

from . import viewers
from .models import LiveEventPage

router = Router(tags=["直播"])
STATES = ("all", "upcoming", "live", "replay", "ended")


class ReplayOut(Schema):
    id: int
    url: str | None
    video_url: str | None
    duration: int


class LiveEventOut(Schema):
    id: int
    title: str
    speaker: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    state: str
    state_label: str
    org: str | None
    org_name: str | None
    url: str | None
    cover_url: str | None
    description: str
    hls_url: str | None
    viewers: int
    replay: ReplayOut | None


class LiveEventList(Schema):
    count: int
    page: int
    pages: int
    results: list[LiveEventOut]


def state_q(state, now):
    E = LiveEventPage
    return {
        "upcoming": Q(status=E.SCHEDULED, ends_at__gte=now),
        "live": Q(status=E.LIVE),
        "replay": Q(status=E.REPLAY, replay__live=True),
        "ended": Q(status__in=[E.ENDED, E.ERROR])
        | Q(status=E.SCHEDULED, ends_at__lt=now)
        | (Q(status=E.REPLAY) & ~Q(replay__live=True)),
    }.get(state, Q())


def event_out(event, organisation, request):
    state = event.public_state
    replay = event.replay if state == "replay" else None
    video = replay.video if replay else None
    return {
        "id": event.pk,
        "title": event.title,
        "speaker": event.speaker,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "state": state,
        "state_label": event.public_state_label,
        "org": organisation.code if organisation else None,
        "org_name": organisation.title if organisation else None,
        "url": event.get_full_url(request),
        "cover_url": url_of(request, event.cover.file) if event.cover else None,
        "description": event.description,
        "hls_url": request.build_absolute_uri(event.hls_path) if state == "live" else None,
        "viewers": viewers.count(event.pk) if state == "live" else event.viewer_count,
        "replay": {
            "id": replay.pk,
            "url": replay.get_full_url(request),
            "video_url": url_of(request, video.playable) if video else None,
            "duration": replay.duration,
        }
        if replay
        else None,
    }


@router.get("/live/", response={200: LiveEventList, **ERRORS}, summary="网络直播")
def live_events(
    request,
    org: str = "",
    state: one_of(STATES, "直播中、未开始、回放、已结束或全部") = "all",
    page: PageNumber = 1,
):
    """Live events under organisation `org` (default: the whole city). `state`: `live`
    (直播中), `upcoming` (未开始), `replay` (回放), `ended` (已结束) or `all`: live first,
    then upcoming by start, then the rest newest first. `hls_url` is set while live."""
    organisation = organisation_or_404(org)
    now = timezone.now()
    E = LiveEventPage
    queryset = (
        E.objects.live()
        .public()
        .filter(descendants_q(organisation))
        .filter(state_q(state, now))
        .select_related("cover", "replay", "replay__video")
        .annotate(
            rank=Case(
                When(status=E.LIVE, then=0),
                When(status=E.SCHEDULED, ends_at__gte=now, then=1),
                default=2,
                output_field=IntegerField(),
            )
        )
        .order_by(
            "rank",
            Case(When(rank=1, then=F("starts_at"))).asc(nulls_last=True),
            "-starts_at",
            "-pk",
        )
    )
    result = paginate(queryset, page, lambda event: event)
    organisations = OrganisationPage.nearest_above_each(result["results"])
    result["results"] = [event_out(e, organisations[e.pk], request) for e in result["results"]]
    return result
