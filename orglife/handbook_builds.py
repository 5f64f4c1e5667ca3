"""Built handbooks, kept until their records change.

A handbook's version (`stamp`) is one query: over the organisation's records of the
year, how many and the newest `updated_at`; over the members on its roll, how many and
the newest id; plus when the organisation page (its leaders, counts) was last published.
Saving or deleting a record moves it; so does an attendance or photo change (the
receivers below touch the record's `updated_at`), and so does a member joining or leaving
the roll. A request finds the HandbookBuild of (organisation, year): done with the same
stamp, the file is served as it is; otherwise it is built again, in the request for up to
PORTAL_HANDBOOK_INLINE_RECORDS records and PORTAL_HANDBOOK_INLINE_MEMBERS members, else
by the task worker (orglife/tasks.py) while the status page shows its progress."""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Subquery, Value
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import MemberProfile
from sites.admin_scope import in_subtrees
from sites.models import OrganisationPage

from .models import Attendance, HandbookBuild, MeetingRecord, RecordPhoto
from .visibility import organisations_seen

MIN_YEAR = 2000
logger = logging.getLogger(__name__)


def _one(queryset, aggregate):
    """`aggregate` over `queryset` as a subquery (one value, NULL when empty)."""
    return Subquery(
        queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(v=aggregate).values("v")
    )


def stamp(organisation, year):
    """(record count, version) of `organisation`'s handbook for `year` (one query)."""
    from .handbook import records_of

    records = records_of(organisation, year)
    members = in_subtrees(MemberProfile.objects.all(), [organisation])
    row = (
        OrganisationPage.objects.filter(pk=organisation.pk)
        .annotate(
            n=_one(records, Count("pk")),
            last=_one(records, Max("updated_at")),
            roll=_one(members, Count("pk")),
            newest=_one(members, Max("pk")),
        )
        .values("n", "last", "roll", "newest")
        .get()
    )
    count = row["n"] or 0
    last = row["last"]
    if isinstance(last, datetime.datetime):
        last = last.isoformat()
    published = organisation.last_published_at
    parts = [count, last, row["roll"] or 0, row["newest"], published and published.isoformat()]
    return count, "|".join(str(p) for p in parts)


def check_year(year):
    """`year` as an int, or ValueError with the Chinese message to show."""
    this_year = timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValueError(_("年份应为四位数字，例如 %(year)s。") % {"year": this_year}) from None
    if not MIN_YEAR <= year <= this_year:
        raise ValueError(
            _("年份应在 %(first)s 到 %(last)s 之间。") % {"first": MIN_YEAR, "last": this_year}
        )
    return year


def builds_visible_to(user):
    """The builds of organisations whose records `user` sees (nobody else's)."""
    builds = HandbookBuild.objects.select_related("organisation")
    if user.is_authenticated and user.is_superuser:
        return builds
    return in_subtrees(builds, list(organisations_seen(user)), "organisation__path")


def request_handbook(organisation, year, user=None):
    """The HandbookBuild of (organisation, year), fresh or under way: built now when the
    cached file is stale and the year is small, queued for the worker when it is large."""
    count, version = stamp(organisation, year)
    with transaction.atomic():
        build, _created = HandbookBuild.objects.select_for_update().get_or_create(
            organisation=organisation, year=year
        )
        if build.stamp == version and (is_kept(build) or is_under_way(build)):
            return build
        build.status, build.stamp, build.stage = HandbookBuild.QUEUED, version, ""
        build.done, build.total, build.error = 0, count + 3, ""
        build.requested_by = user if user and user.is_authenticated else None
        build.requested_at = timezone.now()
        build.save()
    if is_small(organisation, count):
        try:
            build_now(build.pk)
        except Exception:  # recorded on the build; the status page says it failed
            logger.exception("handbook %s/%s failed", organisation.code, year)
    else:
        from .tasks import build_handbook

        transaction.on_commit(lambda: build_handbook.enqueue(build.pk))
    build.refresh_from_db()
    return build


def is_kept(build):
    return build.status == HandbookBuild.DONE and bool(build.file)


def is_under_way(build):
    """Queued or running, and not left behind by a worker that died (after
    PORTAL_TASK_STALE_AFTER seconds it is asked for again)."""
    if build.status not in (HandbookBuild.QUEUED, HandbookBuild.RUNNING):
        return False
    age = timezone.now() - build.requested_at
    return age.total_seconds() < settings.PORTAL_TASK_STALE_AFTER


def is_small(organisation, records):
    """Whether the booklet is built in the request: few records, and a roll that is not
    a whole district's (its member list runs to pages too)."""
    if records > settings.PORTAL_HANDBOOK_INLINE_RECORDS:
        return False
    members = in_subtrees(MemberProfile.objects.all(), [organisation])
    return members.count() <= settings.PORTAL_HANDBOOK_INLINE_MEMBERS


def build_now(build_pk, progress=None):
    """Build the handbook of a HandbookBuild and store it; its progress is written to the
    row as it goes (the status page reads it). A failure is recorded, the old file kept."""
    from .handbook import render

    build = HandbookBuild.objects.select_related("organisation").get(pk=build_pk)
    organisation = build.organisation
    _count, version = stamp(organisation, build.year)
    rows = HandbookBuild.objects.filter(pk=build_pk)
    rows.update(status=HandbookBuild.RUNNING, stamp=version, stage=_("读取记录"))

    def tell(done, total, stage):
        rows.update(done=done, total=total, stage=stage)
        if progress:
            progress(done, total, stage)

    try:
        pdf, pages = render(organisation, build.year, progress=tell)
    except Exception as error:
        rows.update(status=HandbookBuild.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    old = build.file.name
    build.file.save(f"{organisation.code}-{build.year}.pdf", ContentFile(pdf), save=False)
    rows.update(
        status=HandbookBuild.DONE,
        file=build.file.name,
        pages=pages,
        built_at=timezone.now(),
        stage=_("完成"),
    )
    if old and old != build.file.name:
        build.file.storage.delete(old)
    return HandbookBuild.objects.get(pk=build_pk)


def filename(build):
    return f"{build.organisation.title}-{build.year}-{_('工作手册')}.pdf"


def _touch(record_id):
    MeetingRecord.objects.filter(pk=record_id).update(updated_at=timezone.now())


@receiver(post_save, sender=Attendance)
@receiver(post_delete, sender=Attendance)
@receiver(post_save, sender=RecordPhoto)
@receiver(post_delete, sender=RecordPhoto)
def _record_part_changed(sender, instance, **kwargs):
    """An attendance or photo changed: its record's handbook is stale."""
    if instance.record_id:
        _touch(instance.record_id)
