"""快速记录: a meeting record from a phone in one screen — type, day, topic, who attended
(everyone ticked; 请假/缺席 with a reason for the others) and photos from the camera.

- `organisations_for(user)`: where the user may record (their organisations as an editor;
  every organisation for superusers); `default_organisation` the one of their last record,
  or their only one.
- `attempt(user, org, data, files)`: checks the form, every attendee (a member of the
  organisation; 请假 needs a reason) and every photo (an image by its content, through
  Wagtail's image form, sites/camera_photos.py); only when all is well it stores, in one
  transaction, the photos in the organisation's collection (图片说明 as alt text), the
  record, its attendance rows and its photos, and the tallies. Otherwise nothing is
  written and the form comes back with every problem in Chinese.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from content.quick_pages import paragraphs
from sites.camera_photos import captions, collection_of, form_errors, photo_form, store
from sites.models import OrganisationPage

from .members import members_of
from .models import Attendance, MeetingRecord, RecordPhoto
from .quick_record_forms import QuickRecordForm
from .visibility import organisations_edited

MAX_PHOTOS = 12
ABSENT_CHOICES = (Attendance.LEAVE, Attendance.ABSENT)


def organisations_for(user):
    if not (user.is_authenticated and user.is_active):
        return OrganisationPage.objects.none()
    if user.is_superuser:
        return OrganisationPage.originals().order_by("path")
    return organisations_edited(user).distinct().order_by("path")


def may_record(user):
    """Whether 快速记录 is offered to the user (once per request and user object)."""
    if not hasattr(user, "_may_quick_record"):
        user._may_quick_record = organisations_for(user).exists()
    return user._may_quick_record


def organisation_for(user, pk):
    try:
        return organisations_for(user).get(pk=int(pk))
    except (TypeError, ValueError, OrganisationPage.DoesNotExist):
        return None


def default_organisation(user):
    """The organisation of the user's last record (if they still record there), or their
    only organisation; None when they must choose."""
    organisations = organisations_for(user)
    last = (
        MeetingRecord.objects.filter(created_by=user, organisation__in=organisations)
        .order_by("-created_at", "-pk")
        .values_list("organisation", flat=True)
        .first()
    )
    if last is not None:
        return organisations.get(pk=last)
    first_two = list(organisations[:2])
    return first_two[0] if len(first_two) == 1 else None


def members_for(org):
    return list(members_of([org]).order_by("name", "pk"))


@dataclass
class Row:
    """A member of the attendance list as the form shows it."""

    member: object
    status: str = Attendance.PRESENT
    reason: str = ""
    error: str = ""

    @property
    def present(self):
        return self.status == Attendance.PRESENT


@dataclass
class Attempt:
    form: QuickRecordForm
    rows: list
    errors: list = field(default_factory=list)  # attendees and photos
    record: object = None

    @property
    def problems(self):
        found = [e for errors in self.form.errors.values() for e in errors]
        return found + [r.error for r in self.rows if r.error] + self.errors


def blank(org):
    form = QuickRecordForm(initial={"organisation": org.pk})
    return Attempt(form, [Row(member) for member in members_for(org)])


def attendance_rows(org, data):
    """The attendees sent (`member`), each with what was ticked or chosen, checked."""
    wanted = list(dict.fromkeys(int(pk) for pk in data.getlist("member") if str(pk).isdigit()))
    present = {str(pk) for pk in data.getlist("present")}
    by_pk = {m.pk: m for m in members_of([org]).filter(pk__in=wanted)}
    rows = []
    for pk in wanted:
        if pk not in by_pk:
            continue  # not a member of this organisation: refused below
        row = Row(by_pk[pk])
        if str(pk) not in present:
            status = data.get(f"status-{pk}", Attendance.LEAVE)
            row.status = status if status in ABSENT_CHOICES else Attendance.LEAVE
            row.reason = " ".join(data.get(f"reason-{pk}", "").split())[:200]
            if row.status == Attendance.LEAVE and not row.reason:
                row.error = _("%(name)s请假，请填写原因。") % {"name": row.member.name}
        rows.append(row)
    foreign = len(by_pk) < len(wanted)
    return rows, [_("出勤名单中有不是本组织的党员。")] if foreign else []


def checked_photos(org, user, data, files, topic):
    """(the valid image forms with their captions, the problems) of the uploads."""
    uploads = files.getlist("photos")
    if not uploads:
        return [], []
    errors = []
    if len(uploads) > MAX_PHOTOS:
        errors.append(_("一次最多 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        uploads = uploads[:MAX_PHOTOS]
    typed = captions(data.getlist("photo_caption"))
    typed = (typed + [""] * len(uploads))[: len(uploads)]
    collection = collection_of(org)
    forms = []
    for n, (upload, caption) in enumerate(zip(uploads, typed, strict=True), 1):
        caption = caption or topic  # the topic stands in for a caption not typed
        # Without a topic nothing is saved (the topic is named); the file is still checked.
        form = photo_form(upload, caption or upload.name, collection, user)
        if form.is_valid():
            forms.append((form, caption))
        else:
            errors.append(
                _("第 %(n)s 张照片无法使用（%(reason)s）。")
                % {"n": n, "reason": "；".join(form_errors(form))}
            )
    return forms, errors


def attempt(user, org, data, files):
    form = QuickRecordForm(data, initial={"organisation": org.pk})
    valid = form.is_valid()
    rows, errors = attendance_rows(org, data)
    topic = form.cleaned_data.get("topic", "") if valid else data.get("topic", "").strip()
    photos, photo_errors = checked_photos(org, user, data, files, topic)
    result = Attempt(form, rows or [Row(m) for m in members_for(org)], errors + photo_errors)
    if not valid or result.problems:
        if files.getlist("photos"):
            result.errors.append(_("照片尚未保存，请改好后重新添加照片。"))
        return result
    result.record = save(user, org, form.cleaned_data, rows, photos)
    return result


@transaction.atomic
def save(user, org, cleaned, rows, photos):
    """The photos, the record, its attendance and photo rows, and the tallies: all or none."""
    record = MeetingRecord(
        organisation=org,
        meeting_type=cleaned["meeting_type"],
        held_at=cleaned["held_at"],
        topic=cleaned["topic"],
        place=cleaned["place"],
        minutes=paragraphs(cleaned["minutes"]),
        created_by=user,
    )
    record.attendances = [
        Attendance(member=row.member, status=row.status, reason=row.reason) for row in rows
    ]
    record.photos = [
        RecordPhoto(image=store(form, user), caption=caption, sort_order=n)
        for n, (form, caption) in enumerate(photos)
    ]
    record.save()  # saves the rows, then brings the tallies in step
    return record


def tally(record):
    """{status: count} of the record's attendance (for the success screen)."""
    counts = dict.fromkeys((Attendance.PRESENT, Attendance.LEAVE, Attendance.ABSENT), 0)
    for status in record.attendances.values_list("status", flat=True):
        counts[status] += 1
    return counts
