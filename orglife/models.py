"""Organisation life on record: meetings (三会一课, 主题党日 …) of an organisation, who
attended, what was studied, and the monthly tallies kept with them.

A record belongs to one organisation (usually a branch). Its attendees are members whose
branch is that organisation or lies below it (a street's 集体学习 may gather members of
its branches). Records are internal (orglife/visibility.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from . import rules


class MeetingType(models.Model):
    """A kind of meeting (types are data, made by migration 0002)."""

    code = models.SlugField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_relay = models.BooleanField(_("传达学习"), default=False)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("会议类型")
        verbose_name_plural = _("会议类型")

    def __str__(self):
        return self.name


class MeetingRecord(ClusterableModel):
    organisation = models.ForeignKey(
        "orgs.OrganisationPage",
        verbose_name=_("组织"),
        on_delete=models.CASCADE,
        related_name="meeting_records",
    )
    meeting_type = models.ForeignKey(
        MeetingType, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="records"
    )
    held_at = models.DateTimeField(_("时间"), default=timezone.now)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    host = models.CharField(_("主持人"), max_length=40, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    minutes = RichTextField(_("会议记录"), blank=True)
    resolutions = models.TextField(_("决议"), blank=True)
    directives = ParentalManyToManyField(
        "content.DirectivePage", verbose_name=_("学习的文件"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    public_summary = models.ForeignKey(
        "content.ArticlePage",
        verbose_name=_("公开摘要"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the tallies hold for this record (orglife/tallies.py keeps both in step).
    tallied_month = models.DateField(null=True, editable=False)
    tallied_type = models.ForeignKey(
        MeetingType, null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    tallied_organisation = models.ForeignKey(
        "orgs.OrganisationPage",
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tallied_expected = models.PositiveIntegerField(default=0, editable=False)
    tallied_present = models.PositiveIntegerField(default=0, editable=False)

    # Records are internal: the usage pages of what they point to (a member, an image, a
    # directive) are open to others and must not list them.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-held_at", "-pk"]
        verbose_name = _("组织生活记录")
        verbose_name_plural = _("组织生活记录")
        indexes = [models.Index(fields=["organisation", "held_at"])]

    def __str__(self):
        return self.topic

    def clean(self):
        super().clean()
        rules.check_not_future(self.held_at)

    def save(self, **kwargs):
        """Save, then bring the tallies in step (orglife/tallies.py). The `tallied_*`
        columns are the tallies' own: an update leaves them to `sync`, so a record loaded
        earlier cannot write back stale shares."""
        from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations

        from .tallies import sync

        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in TALLIED_FIELDS
            ]
            kwargs["update_fields"] += [
                r.get_accessor_name() for r in get_all_child_relations(self)
            ]
            kwargs["update_fields"] += [f.name for f in get_all_child_m2m_relations(self)]
        super().save(**kwargs)
        sync(self.pk)
        fresh = MeetingRecord.objects.filter(pk=self.pk).values(*TALLIED_COLUMNS).first()
        for name, value in (fresh or {}).items():
            setattr(self, name, value)


TALLIED_FIELDS = {
    "tallied_month",
    "tallied_type",
    "tallied_organisation",
    "tallied_expected",
    "tallied_present",
}
TALLIED_COLUMNS = [
    "tallied_month",
    "tallied_type_id",
    "tallied_organisation_id",
    "tallied_expected",
    "tallied_present",
]


class Attendance(models.Model):
    PRESENT, LEAVE, ABSENT = "present", "leave", "absent"
    STATUSES = [(PRESENT, _("出席")), (LEAVE, _("请假")), (ABSENT, _("缺席"))]

    record = ParentalKey(MeetingRecord, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        "learning.MemberProfile", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("出勤"), max_length=8, choices=STATUSES, default=PRESENT)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        constraints = [
            models.UniqueConstraint(fields=["record", "member"], name="one_attendance_per_member")
        ]

    def __str__(self):
        return f"{self.member} {self.get_status_display()}"

    def clean(self):
        super().clean()
        rules.check_reason(self.status, self.reason)
        # In a form for a new record the record is not set yet: the form checks then.
        record = getattr(self, "record", None) if self.record_id is None else self.record
        if self.member_id and record is not None and record.organisation_id:
            rules.check_member_of(self.member, record.organisation)


class RecordPhoto(Orderable):
    record = ParentalKey(MeetingRecord, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("照片"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    def clean(self):
        super().clean()
        record = getattr(self, "record", None) if self.record_id is None else self.record
        if self.image_id and record is not None and record.organisation_id:
            rules.check_in_collection(self.image, record.organisation)


class RecordAttachment(Orderable):
    record = ParentalKey(MeetingRecord, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("附件"), on_delete=models.CASCADE, related_name="+"
    )


class OrgLifeTally(models.Model):
    """Meetings and attendance per organisation, month and meeting type, kept with each
    record's save and delete; the tree path is copied so a subtree is one prefix range."""

    organisation = models.ForeignKey(
        "orgs.OrganisationPage", on_delete=models.CASCADE, related_name="+"
    )
    organisation_path = models.CharField(max_length=255)
    month = models.DateField()
    meeting_type = models.ForeignKey(MeetingType, on_delete=models.CASCADE, related_name="+")
    meetings = models.IntegerField(default=0)
    expected = models.IntegerField(default=0)
    present = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "meeting_type"], name="one_orglife_tally"
            )
        ]
        indexes = [models.Index(fields=["month", "organisation_path"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.meetings}"

    @property
    def attendance_rate(self):
        return self.present / self.expected if self.expected else None


class PublishTally(models.Model):
    """Publishes per organisation, month and column purpose (news, notices …)."""

    organisation = models.ForeignKey(
        "orgs.OrganisationPage", on_delete=models.CASCADE, related_name="+"
    )
    organisation_path = models.CharField(max_length=255)
    month = models.DateField()
    purpose = models.CharField(max_length=16)
    updates = models.IntegerField(default=0)
    # The latest publish counted here: "days since the last public update" (oversight)
    # is the latest of an organisation's rows, not a scan of its pages.
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "purpose"], name="one_publish_tally"
            )
        ]
        indexes = [models.Index(fields=["month", "organisation_path"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.purpose}: {self.updates}"


def handbook_storage():
    """Where built handbooks are kept: the private storage (settings STORAGES
    "handbooks"), never under the public media URL; served only through the admin view
    that checks who may see the organisation's records."""
    from django.core.files.storage import storages

    return storages["handbooks"]


class HandbookBuild(models.Model):
    """The 党支部工作手册 of one organisation and year: its build state and progress (the
    task worker writes them, the status page reads them) and the PDF, good while `stamp`
    equals the records' current version (orglife/handbook_builds.py)."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [
        (QUEUED, _("排队中")),
        (RUNNING, _("生成中")),
        (DONE, _("已完成")),
        (FAILED, _("失败")),
    ]

    organisation = models.ForeignKey(
        "orgs.OrganisationPage",
        verbose_name=_("组织"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=8, choices=STATUSES, default=QUEUED)
    stage = models.CharField(_("步骤"), max_length=40, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stamp = models.CharField(max_length=80, blank=True)
    file = models.FileField(_("文件"), storage=handbook_storage, upload_to="handbooks/", blank=True)
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作手册")
        verbose_name_plural = _("工作手册")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_handbook_a_year")
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0
