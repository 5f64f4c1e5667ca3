"""The 党支部工作手册 of an organisation and a year, as a print-ready A4 PDF (WeasyPrint).

`gather` reads everything the booklet shows in a constant number of queries, whatever
the number of records: the organisation and its parent, leaders, members, the year's
records with their attendances, photos (renditions prefetched) and directives, the
meeting types and the year's tallies. `render` lays it out (templates/orglife/handbook/)
and returns the PDF and its page count. Images and the stylesheet are read through
Django's storage and the static finders by `OwnFilesFetcher`; nothing is fetched from the
network.
"""

import datetime
import mimetypes
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from base.storage import is_private
from learning.models import MemberProfile
from sites.admin_scope import in_subtrees
from sites.models import OrganisationPage

from .models import Attendance, MeetingRecord, MeetingType, OrgLifeTally, RecordPhoto

PHOTO_SPEC = "max-800x560"
PHOTOS_PER_RECORD = 2
# The base URL of the booklet's HTML: relative links (/media/…, /static/…) resolve under
# it and OwnFilesFetcher maps them to storage; no request ever leaves the process.
BASE_URL = "http://handbook.invalid/"
MEDIA_PATH, STATIC_PATH = "/media/", "/static/"  # fixed: whatever URLs the storages serve


def year_bounds(year):
    """[start, end) of `year` in the portal's time zone."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def records_of(organisation, year):
    """The records of `organisation` itself held in `year`."""
    start, end = year_bounds(year)
    return MeetingRecord.objects.filter(
        organisation=organisation, held_at__gte=start, held_at__lt=end
    )


@dataclass
class RecordEntry:
    record: MeetingRecord
    present: int
    expected: int
    away: list  # (member name, status label, reason) of 请假/缺席
    photos: list  # (src, rendition, caption)
    directives: list = field(default_factory=list)


@dataclass
class TypeSection:
    meeting_type: MeetingType
    entries: list
    anchor: str


@dataclass
class Handbook:
    organisation: OrganisationPage
    parent: Page | None  # the organisation above (or the portal's root page)
    year: int
    leaders: list
    members: list  # (member, times present this year)
    sections: list  # TypeSection of the meeting types (relays excluded) that have records
    relays: list  # RecordEntry of the relay types
    summary: dict
    generated_at: datetime.datetime

    @property
    def record_count(self):
        return sum(len(s.entries) for s in self.sections) + len(self.relays)

    @property
    def is_branch(self):
        return self.organisation.kind == "branch"

    @property
    def title(self):
        return _("党支部工作手册") if self.is_branch else _("党组织工作手册")


def _photo_queryset():
    images = get_image_model().objects.prefetch_renditions(PHOTO_SPEC)
    return RecordPhoto.objects.order_by("sort_order", "pk").prefetch_related(
        Prefetch("image", queryset=images)
    )


def gather(organisation, year):
    """Everything the booklet shows (a constant number of queries)."""
    parent = Page.objects.filter(path=organisation.path[: -Page.steplen]).first()
    leaders = list(organisation.leaders.order_by("sort_order", "pk"))
    roll = in_subtrees(MemberProfile.objects.select_related("branch"), [organisation])
    members = list(roll.order_by("branch__path", "name", "pk"))  # by branch, then name
    types = list(MeetingType.objects.all())
    records = list(
        records_of(organisation, year)
        .select_related("meeting_type")
        .order_by("held_at", "pk")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("member")),
            Prefetch("photos", queryset=_photo_queryset()),
            "directives",
        )
    )
    tallies = list(
        OrgLifeTally.objects.filter(
            organisation=organisation, month__gte=datetime.date(year, 1, 1)
        ).filter(month__lt=datetime.date(year + 1, 1, 1))
    )
    present_times = {}
    by_type = {}
    relays = []
    for record in records:
        entry = _entry(record, present_times)
        if record.meeting_type.is_relay:
            relays.append(entry)
        else:
            by_type.setdefault(record.meeting_type_id, []).append(entry)
    sections = [
        TypeSection(t, by_type[t.pk], f"type-{t.code}")
        for t in types
        if t.pk in by_type and not t.is_relay
    ]
    return Handbook(
        organisation=organisation,
        parent=parent,
        year=year,
        leaders=leaders,
        members=[(m, present_times.get(m.pk, 0)) for m in members],
        sections=sections,
        relays=relays,
        summary=_summary(types, tallies, relays),
        generated_at=timezone.localtime(),
    )


def _entry(record, present_times):
    attendances = sorted(record.attendances.all(), key=lambda a: (a.member.name, a.pk))
    away = []
    present = 0
    for attendance in attendances:
        if attendance.status == Attendance.PRESENT:
            present += 1
            present_times[attendance.member_id] = present_times.get(attendance.member_id, 0) + 1
        else:
            away.append(
                (attendance.member.name, attendance.get_status_display(), attendance.reason)
            )
    photos = [
        own_media(photo.image.get_rendition(PHOTO_SPEC), photo.caption)
        for photo in list(record.photos.all())[:PHOTOS_PER_RECORD]
    ]
    directives = sorted(record.directives.all(), key=lambda d: (d.issued_at, d.pk))
    return RecordEntry(record, present, len(attendances), away, photos, directives)


def own_media(rendition, caption):
    """(src, rendition, caption): src names the rendition's file in our storage (read by
    OwnFilesFetcher), whatever URL the storage would give the browser."""
    return MEDIA_PATH + rendition.file.name, rendition, caption


def _summary(types, tallies, relays):
    """Meetings per type and month, attendance per type, from the year's tallies."""
    cells = {}
    for tally in tallies:
        row = cells.setdefault(tally.meeting_type_id, {"months": [0] * 12, "e": 0, "p": 0})
        row["months"][tally.month.month - 1] += tally.meetings
        row["e"] += tally.expected
        row["p"] += tally.present
    rows = []
    for meeting_type in types:
        row = cells.get(meeting_type.pk, {"months": [0] * 12, "e": 0, "p": 0})
        rows.append(
            {
                "type": meeting_type,
                "months": row["months"],
                "total": sum(row["months"]),
                "rate": _rate(row["p"], row["e"]),
            }
        )
    expected = sum(r["e"] for r in cells.values())
    present = sum(r["p"] for r in cells.values())
    month_totals = [sum(r["months"][m] for r in rows) for m in range(12)]
    return {
        "rows": rows,
        "month_totals": month_totals,
        "total": sum(month_totals),
        "rate": _rate(present, expected),
        "relays": sum(r["total"] for r in rows if r["type"].is_relay),
        "directives": len({d.pk for entry in relays for d in entry.directives}),
    }


def _rate(present, expected):
    return f"{100 * present / expected:.1f}%" if expected else "—"


class OwnFilesFetcher(URLFetcher):
    """Reads what the booklet links to from our own files only: /media/… through the
    default storage (never documents/ or anything private), /static/… through the static
    finders. Anything else (http, file:, data: …) is refused."""

    def fetch(self, url, headers=None):
        body, name = read_own_file(url)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": kind})


def read_own_file(url):
    """(bytes, name) of `url` if it is one of our media or static files; else ValueError."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
        raise ValueError(f"refused: {url}")
    path = unquote(parts.path)
    if path.startswith(MEDIA_PATH):
        name = path.removeprefix(MEDIA_PATH)
        if is_private(name) or ".." in name.split("/"):
            raise ValueError(f"refused: {url}")
        with default_storage.open(name, "rb") as handle:
            return handle.read(), name
    if path.startswith(STATIC_PATH):
        found = finders.find(path.removeprefix(STATIC_PATH))
        if found:
            with open(found, "rb") as handle:
                return handle.read(), found
    raise ValueError(f"refused: {url}")


def render(organisation, year, progress=None):
    """(pdf bytes, page count) of the handbook. `progress(done, total, stage)` is told
    each step: gathering, each record's section, layout, writing. The booklet is in the
    portal's language (Chinese), whoever asked for it: one file serves everyone."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render(organisation, year, progress)


def _render(organisation, year, progress):

    def tell(done, total, stage):
        if progress:
            progress(done, total, stage)

    tell(0, 1, _("读取记录"))
    handbook = gather(organisation, year)
    total = handbook.record_count + 3
    done = 1
    tell(done, total, _("整理记录"))
    for section in handbook.sections:
        for entry in section.entries:
            entry.html = render_to_string("orglife/handbook/record.html", {"entry": entry})
            done += 1
            tell(done, total, _("整理记录"))
    for entry in handbook.relays:
        entry.html = render_to_string(
            "orglife/handbook/record.html", {"entry": entry, "relay": True}
        )
        done += 1
        tell(done, total, _("整理记录"))
    html = render_to_string("orglife/handbook/booklet.html", {"handbook": handbook})
    tell(done, total, _("排版"))
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=OwnFilesFetcher()).render()
    done += 1
    tell(done, total, _("写入 PDF"))
    pdf = document.write_pdf()
    done += 1
    tell(done, total, _("完成"))
    return pdf, len(document.pages)
