"""Oversight as data: the update rules an organisation must keep, the weights of the
organisation score, the score table (one row per organisation and period, kept so
history does not change when rules change later), and the reminders sent.

How these are computed: oversight/periods.py (calendar periods), oversight/status.py
(status and compliance of every organisation from the tallies), oversight/scores.py
(the stored table), oversight/reminders.py (messages and their email)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sites.column_types import ColumnPurpose
from sites.kinds import OrganisationKind

PERIOD_MONTHS = (1, 2, 3, 4, 6, 12)  # periods that tile a calendar year


class UpdateRule(models.Model):
    """`kind` organisations must have at least `minimum` public updates in a column of
    `purpose`, or `minimum` meeting records of `meeting_type`, in every period of
    `period_months` calendar months (1 monthly, 3 quarterly, 12 yearly). A rule applies
    to an organisation from the first whole period after its creation."""

    COLUMN, MEETING = "column", "meeting"
    SUBJECTS = [(COLUMN, _("栏目更新")), (MEETING, _("组织生活"))]

    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("组织类型"), max_length=16, choices=OrganisationKind.choices)
    subject = models.CharField(_("考核内容"), max_length=8, choices=SUBJECTS, default=COLUMN)
    purpose = models.CharField(_("栏目"), max_length=16, choices=ColumnPurpose.choices, blank=True)
    meeting_type = models.ForeignKey(
        "orglife.MeetingType",
        verbose_name=_("会议类型"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空表示任何组织生活记录"),
    )
    period_months = models.IntegerField(
        _("周期（月）"), default=1, help_text=_("1 为每月，3 为每季度，6 为每半年，12 为每年")
    )
    minimum = models.PositiveIntegerField(_("至少次数"), default=1)
    remind_days = models.PositiveSmallIntegerField(
        _("提前提醒（天）"), default=7, help_text=_("周期结束前多少天起提醒")
    )
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["kind", "order", "pk"]
        verbose_name = _("更新规则")
        verbose_name_plural = _("更新规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_months__in=PERIOD_MONTHS), name="rule_period_tiles_year"
            ),
            models.CheckConstraint(
                condition=models.Q(minimum__gte=1), name="rule_minimum_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.period_months is None or self.period_months not in PERIOD_MONTHS:
            errors["period_months"] = _("周期须为 1、2、3、4、6 或 12 个月（不能为零或负数）")
        if not self.minimum or self.minimum < 1:
            errors["minimum"] = _("至少次数须大于零")
        if self.subject == self.COLUMN and not self.purpose:
            errors["purpose"] = _("栏目更新规则须选择栏目")
        if self.subject == self.MEETING and self.purpose:
            errors["purpose"] = _("组织生活规则不选栏目")
        if self.subject == self.COLUMN and self.meeting_type_id:
            errors["meeting_type"] = _("栏目更新规则不选会议类型")
        if errors:
            raise ValidationError(errors)

    @property
    def key(self):
        """What the rule counts, as the tallies name it."""
        if self.subject == self.COLUMN:
            return ("column", self.purpose)
        return ("meeting", self.meeting_type_id)


class ScoreWeight(models.Model):
    """The weight of one part of the organisation score (党组织积分); the score is the
    weighted mean of the parts an organisation has figures for, on 0–100."""

    COMPLIANCE, RELAY, ATTENDANCE, STUDY = "compliance", "relay", "attendance", "study"
    PARTS = [
        (COMPLIANCE, _("规则达标率")),
        (RELAY, _("传达学习完成率")),
        (ATTENDANCE, _("组织生活出勤率")),
        (STUDY, _("党员学习积分")),
    ]

    part = models.CharField(_("组成部分"), max_length=12, choices=PARTS, unique=True)
    weight = models.PositiveSmallIntegerField(_("权重"))
    target = models.PositiveIntegerField(
        _("满分标准"),
        default=0,
        help_text=_("仅用于党员学习积分：每名党员每月达到多少积分记满分"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("积分权重")
        verbose_name_plural = _("积分权重")

    def __str__(self):
        return f"{self.get_part_display()} {self.weight}"


class OrganisationScore(models.Model):
    """One organisation in one period (a month or a year): its figures over its whole
    subtree (itself included), its status when computed, and its score. A closed period's
    row is `final` and never recomputed; the current period's row is refreshed nightly and
    after the organisation publishes or records."""

    MONTH, YEAR = "month", "year"
    PERIODS = [(MONTH, _("月")), (YEAR, _("年"))]
    OK, DUE, OVERDUE, ZOMBIE, NEW = "ok", "due", "overdue", "zombie", "new"
    STATUSES = [
        (OK, _("正常")),
        (DUE, _("即将到期")),
        (OVERDUE, _("逾期")),
        (ZOMBIE, _("僵尸")),
        (NEW, _("新建")),
    ]

    organisation = models.ForeignKey(
        "orgs.OrganisationPage", on_delete=models.CASCADE, related_name="+"
    )
    organisation_path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16)
    period = models.CharField(max_length=5, choices=PERIODS)
    starts = models.DateField()
    final = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)
    # Status (of the organisation itself) when computed.
    status = models.CharField(max_length=8, choices=STATUSES, default=OK)
    last_update_at = models.DateTimeField(null=True, blank=True)
    rules_open = models.IntegerField(default=0)  # own rules due soon, not met yet
    rules_missed = models.IntegerField(default=0)  # own rules whose last period was missed
    # Subtree counts of statuses (itself included).
    orgs_total = models.IntegerField(default=0)
    orgs_ok = models.IntegerField(default=0)
    orgs_due = models.IntegerField(default=0)
    orgs_overdue = models.IntegerField(default=0)
    orgs_zombie = models.IntegerField(default=0)
    # Figures of the period over the subtree.
    updates = models.IntegerField(default=0)
    rules_due = models.IntegerField(default=0)
    rules_met = models.IntegerField(default=0)
    relay_owed = models.IntegerField(default=0)
    relay_done = models.IntegerField(default=0)
    expected = models.IntegerField(default=0)
    present = models.IntegerField(default=0)
    points = models.IntegerField(default=0)
    members = models.IntegerField(default=0)
    compliance = models.FloatField(null=True)
    relay = models.FloatField(null=True)
    attendance = models.FloatField(null=True)
    study = models.FloatField(null=True)
    score = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period", "starts"], name="one_score_per_period"
            )
        ]
        indexes = [
            models.Index(fields=["period", "starts", "organisation_path"]),
            models.Index(fields=["period", "starts", "kind", "-score"]),
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.period} {self.starts}: {self.score}"

    @property
    def days_since_update(self):
        if self.last_update_at is None:
            return None
        return (self.computed_at - self.last_update_at).days


class Reminder(models.Model):
    """A message to an organisation's editors, made once per organisation × `key` (the
    rule or directive, the period and the stage): the unique key is what makes a rerun,
    or a run after a crash, send nothing twice."""

    RULE_DUE, RULE_OVERDUE, RELAY_DUE, RELAY_OVERDUE, ZOMBIE, DIGEST = (
        "rule_due",
        "rule_overdue",
        "relay_due",
        "relay_overdue",
        "zombie",
        "digest",
    )
    KINDS = [
        (RULE_DUE, _("规则即将到期")),
        (RULE_OVERDUE, _("规则逾期")),
        (RELAY_DUE, _("传达学习即将到期")),
        (RELAY_OVERDUE, _("传达学习逾期")),
        (ZOMBIE, _("僵尸网页")),
        (DIGEST, _("每周汇总")),
    ]

    organisation = models.ForeignKey(
        "orgs.OrganisationPage", verbose_name=_("组织"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=120)
    kind = models.CharField(_("类型"), max_length=16, choices=KINDS)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="one_reminder_per_key")
        ]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """A reminder to one editor: read in the admin, and its email (sent by the worker,
    retried while it fails, never sent again once sent)."""

    PENDING, SENT, FAILED, NO_ADDRESS = "pending", "sent", "failed", "none"
    STATES = [
        (PENDING, _("待发送")),
        (SENT, _("已发送")),
        (FAILED, _("发送失败")),
        (NO_ADDRESS, _("无邮箱")),
    ]

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=8, choices=STATES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user"], name="one_delivery_per_user")
        ]
        indexes = [models.Index(fields=["email_state", "next_try_at"])]

    def __str__(self):
        return f"{self.reminder_id} → {self.user_id} ({self.email_state})"


class DailyRun(models.Model):
    """The nightly computation of one day: made when it is queued, `finished_at` set when
    it completed; the periodic task queues the day's run only while no row exists."""

    day = models.DateField(unique=True)
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    organisations = models.IntegerField(default=0)
    reminders = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.day} {'✓' if self.finished_at else '…'}"
