"""Counts kept as you go: meetings and attendance per organisation, month and type
(OrgLifeTally), publishes per organisation, month and column purpose (PublishTally).

Each record remembers what the tallies hold for it (its `tallied_*` columns). `sync`
runs in the transaction of the record's save: it locks the record row, works out what the
record counts for now (one aggregate over its attendances) and moves the difference into
the tally rows with F() updates (or an insert, retried as an update when a concurrent one
won), so there is no read-modify-write of a tally in Python, and calling it twice changes
nothing. Deleting a record takes its share out first (pre_delete). Code that changes a
record's attendances without saving the record calls `sync(record.pk)` itself (the admin
does after its formsets)."""

from django.db import IntegrityError, transaction
from django.db.models import Count, DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from sites.models import ColumnPage, OrganisationPage
from sites.tree import ancestor_paths

from .models import Attendance, MeetingRecord, OrgLifeTally, PublishTally


def month_of(moment):
    return timezone.localtime(moment).date().replace(day=1)


def _add(model, key, path, latest=None, **amounts):
    """Add `amounts` to the tally row `key` (created when missing), with F() only;
    `latest` {field: moment} moves a date column forward (never back)."""
    if not any(amounts.values()):
        return
    changes = {name: F(name) + value for name, value in amounts.items()}
    latest = latest or {}
    for name, when in latest.items():
        moment = Value(when, output_field=DateTimeField())
        changes[name] = Greatest(Coalesce(F(name), moment), moment)
    if model.objects.filter(**key).update(organisation_path=path, **changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(organisation_path=path, **key, **amounts, **latest)
    except IntegrityError:  # a concurrent save made the row meanwhile
        model.objects.filter(**key).update(organisation_path=path, **changes)


def _add_meeting(organisation_id, month, type_id, sign, expected, present):
    path = OrganisationPage.objects.filter(pk=organisation_id).values_list("path", flat=True)
    _add(
        OrgLifeTally,
        {"organisation_id": organisation_id, "month": month, "meeting_type_id": type_id},
        path.first() or "",
        meetings=sign,
        expected=sign * expected,
        present=sign * present,
    )


def counts(record_pk):
    """(expected, present) of a record: every attendance row is expected."""
    return tuple(
        Attendance.objects.filter(record_id=record_pk)
        .aggregate(e=Count("pk"), p=Count("pk", filter=Q(status=Attendance.PRESENT)))
        .values()
    )


@transaction.atomic
def sync(record_pk):
    record = MeetingRecord.objects.select_for_update().filter(pk=record_pk).first()
    if record is None:
        return
    expected, present = counts(record_pk)
    now = (record.organisation_id, month_of(record.held_at), record.meeting_type_id)
    held = (record.tallied_organisation_id, record.tallied_month, record.tallied_type_id)
    if now == held and (expected, present) == (record.tallied_expected, record.tallied_present):
        return
    if record.tallied_month is not None:
        _add_meeting(*held, -1, record.tallied_expected, record.tallied_present)
    _add_meeting(*now, 1, expected, present)
    MeetingRecord.objects.filter(pk=record_pk).update(
        tallied_organisation_id=now[0],
        tallied_month=now[1],
        tallied_type_id=now[2],
        tallied_expected=expected,
        tallied_present=present,
    )


@receiver(pre_delete, sender=MeetingRecord)
def _record_deleted(sender, instance, **kwargs):
    held = (
        MeetingRecord.objects.filter(pk=instance.pk)
        .values_list(
            "tallied_organisation_id",
            "tallied_month",
            "tallied_type_id",
            "tallied_expected",
            "tallied_present",
        )
        .first()
    )
    if held and held[1] is not None:
        _add_meeting(*held[:3], -1, *held[3:])


def column_of(page):
    """The nearest column above `page` (the page's own column), or None."""
    return ColumnPage.objects.filter(path__in=ancestor_paths(page.path)).order_by("-depth").first()


def count_publish(page, when):
    column = column_of(page)
    if column is None:
        return
    organisation = column.organisation()
    if organisation is None:
        return
    _add(
        PublishTally,
        {"organisation_id": organisation.pk, "month": month_of(when), "purpose": column.purpose},
        organisation.path,
        latest={"last_at": when},
        updates=1,
    )


@receiver(page_published)
def _page_published(sender, instance, **kwargs):
    if isinstance(instance, (ColumnPage, OrganisationPage)):
        return
    count_publish(instance, timezone.now())


# --- recomputing from the records and the publish log ---------------------------------


def computed_meeting_tallies(progress=None):
    """{(organisation_id, month, type_id): [meetings, expected, present]} from the
    records (one query)."""
    rows = MeetingRecord.objects.values_list(
        "organisation_id", "held_at", "meeting_type_id"
    ).annotate(
        e=Count("attendances"),
        p=Count("attendances", filter=Q(attendances__status=Attendance.PRESENT)),
    )
    totals = {}
    for organisation_id, held_at, type_id, expected, present in rows.iterator():
        counts_ = totals.setdefault((organisation_id, month_of(held_at), type_id), [0, 0, 0])
        counts_[0] += 1
        counts_[1] += expected
        counts_[2] += present
        if progress:
            progress.update(1)
    return totals


def computed_publish_tallies(progress=None):
    """{(organisation_id, month, purpose): updates} from Wagtail's publish log: each
    publish of a page under a column counts for the column's organisation. The latest
    publish of each key is kept in the result's `latest` for `rebuild`."""
    from wagtail.models import PageLogEntry

    columns = dict(ColumnPage.objects.values_list("path", "purpose"))
    organisations = dict(OrganisationPage.objects.values_list("path", "pk"))
    entries = PageLogEntry.objects.filter(action="wagtail.publish").values_list(
        "page__path", "timestamp"
    )
    totals, latest = {}, {}
    for path, timestamp in entries.iterator():
        if progress:
            progress.update(1)
        if path is None or path in columns or path in organisations:
            continue
        above = ancestor_paths(path)[::-1]
        column = next((p for p in above if p in columns), None)
        if column is None:
            continue
        organisation = next(
            (organisations[p] for p in ancestor_paths(column)[::-1] if p in organisations), None
        )
        if organisation is None:
            continue
        key = (organisation, month_of(timestamp), columns[column])
        totals[key] = totals.get(key, 0) + 1
        if key not in latest or latest[key] < timestamp:
            latest[key] = timestamp
    return PublishCounts(totals, latest)


class PublishCounts(dict):
    """{key: updates}, with `latest` {key: the last publish counted}."""

    def __init__(self, totals, latest):
        super().__init__(totals)
        self.latest = latest


def stored_meeting_tallies():
    return {
        (o, m, t): [n, e, p]
        for o, m, t, n, e, p in OrgLifeTally.objects.values_list(
            "organisation_id", "month", "meeting_type_id", "meetings", "expected", "present"
        )
        if n or e or p
    }


def stored_publish_tallies():
    return {
        (o, m, purpose): n
        for o, m, purpose, n in PublishTally.objects.values_list(
            "organisation_id", "month", "purpose", "updates"
        )
        if n
    }


def differences(computed, stored):
    """[(key, stored, computed)] where the two disagree."""
    keys = sorted(set(computed) | set(stored), key=str)
    return [(k, stored.get(k), computed.get(k)) for k in keys if stored.get(k) != computed.get(k)]


@transaction.atomic
def rebuild(meetings, publishes):
    """Replace every tally row (and the records' tallied shares) with `meetings` and
    `publishes` as computed above."""
    paths = dict(OrganisationPage.objects.values_list("pk", "path"))
    OrgLifeTally.objects.all().delete()
    OrgLifeTally.objects.bulk_create(
        [
            OrgLifeTally(
                organisation_id=o,
                organisation_path=paths[o],
                month=m,
                meeting_type_id=t,
                meetings=n,
                expected=e,
                present=p,
            )
            for (o, m, t), (n, e, p) in meetings.items()
        ],
        batch_size=2000,
    )
    PublishTally.objects.all().delete()
    PublishTally.objects.bulk_create(
        [
            PublishTally(
                organisation_id=o,
                organisation_path=paths[o],
                month=m,
                purpose=purpose,
                updates=n,
                last_at=getattr(publishes, "latest", {}).get((o, m, purpose)),
            )
            for (o, m, purpose), n in publishes.items()
        ],
        batch_size=2000,
    )
    # Each record's share, so the next save moves the right amounts.
    records = MeetingRecord.objects.annotate(
        e=Count("attendances"),
        p=Count("attendances", filter=Q(attendances__status=Attendance.PRESENT)),
    )
    changed = []
    for record in records.iterator():
        record.tallied_organisation_id = record.organisation_id
        record.tallied_month = month_of(record.held_at)
        record.tallied_type_id = record.meeting_type_id
        record.tallied_expected, record.tallied_present = record.e, record.p
        changed.append(record)
    MeetingRecord.objects.bulk_update(
        changed,
        [
            "tallied_organisation",
            "tallied_month",
            "tallied_type",
            "tallied_expected",
            "tallied_present",
        ],
        batch_size=1000,
    )
