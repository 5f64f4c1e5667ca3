"""The central kitchen's models: the change feed, webhook subscribers and deliveries (the
outbox), the proofreading lexicon and the two workflow tasks of its own (自动校对 and
本组织审核).

They came from the content app and keep its tables (Meta.db_table); kitchen's first
migration moves them without touching a row.
"""

import json
import uuid
from dataclasses import asdict

from django.conf import settings
from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Task, TaskState

from content.channels import CHANNEL_LABELS, CHANNELS
from sites.models import OrganisationAccess
from sites.tree import below_path_q

from .signing import SECRET_MAX_LENGTH, new_secret, standard_secret, validate_secret


class ContentChange(models.Model):
    class Action(models.TextChoices):
        PUBLISH = "publish", "发布"
        UNPUBLISH = "unpublish", "撤回"
        EXPIRE = "expire", "到期下线"
        MOVE = "move", "移动"
        DELETE = "delete", "删除"
        # A live page came under a view restriction: outlets drop it as if unpublished.
        RESTRICT = "restrict", _("设为非公开")

    id = models.BigAutoField(primary_key=True)
    page_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    page_type = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    url_path = models.TextField()
    channels = models.CharField(max_length=32, default="web")
    at = models.DateTimeField(default=timezone.now)
    # The page was under a view restriction (its own or an ancestor's) when this happened:
    # the event stays out of the public change feed and reaches trusted subscribers only.
    private = models.BooleanField(_("非公开内容"), default=False)

    class Meta:
        db_table = "content_contentchange"
        verbose_name = "内容变更"
        verbose_name_plural = "内容变更"

    def __str__(self):
        return f"{self.id} {self.action} {self.page_id}"


class WebhookSubscriber(models.Model):
    name = models.CharField("名称", max_length=100)
    url = models.URLField("接收地址", max_length=500)
    secret = models.CharField(
        "签名密钥",
        max_length=SECRET_MAX_LENGTH,
        default=new_secret,
        validators=[validate_secret],
        help_text=_(
            "Standard Webhooks 密钥（whsec_ 开头）：接收方用它校验 webhook-signature。"
            "填入其他字符串时按原样作为 HMAC 密钥，保存为 whsec_ 形式"
        ),
    )
    channel_web = models.BooleanField("网站", default=True)
    channel_app = models.BooleanField("手机客户端", default=True)
    channel_screen = models.BooleanField("地铁屏", default=True)
    active = models.BooleanField("启用", default=True)
    private_content = models.BooleanField(
        _("接收非公开内容"),
        default=False,
        help_text=_(
            "勾选后，设有访问限制（密码、登录或用户组）的页面的事件也会发送给此订阅方。"
            "仅限可信的内部系统"
        ),
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        db_table = "content_webhooksubscriber"
        verbose_name = "Webhook 订阅"
        verbose_name_plural = "Webhook 订阅"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.secret = standard_secret(self.secret)
        super().save(*args, **kwargs)

    @property
    def channels(self):
        return [name for name in CHANNELS if getattr(self, f"channel_{name}")]


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待投递"
        DELIVERED = "delivered", "已送达"
        DEAD = "dead", "投递失败"

    id = models.UUIDField("投递编号", primary_key=True, default=uuid.uuid4, editable=False)
    change = models.ForeignKey(
        ContentChange,
        verbose_name="事件",
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    subscriber = models.ForeignKey(
        WebhookSubscriber,
        verbose_name="订阅方",
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    page_id = models.BigIntegerField("页面编号")
    channel = models.CharField("渠道", max_length=8, choices=list(CHANNEL_LABELS.items()))
    payload = models.JSONField("内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    last_status = models.PositiveIntegerField("最后响应码", null=True, blank=True)
    last_error = models.TextField("最后错误", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        db_table = "content_delivery"
        verbose_name = "投递"
        verbose_name_plural = "投递"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["subscriber", "page_id", "status"], name="delivery_page_order"),
        ]

    def __str__(self):
        return f"{self.change_id}/{self.channel} → {self.subscriber_id}"

    def body(self):
        """The exact bytes sent (and signed): the same on every retry."""
        data = {**self.payload, "delivery_id": str(self.id)}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class LexiconTerm(models.Model):
    class Kind(models.TextChoices):
        BANNED = "banned", "禁用词（退回）"
        SENSITIVE = "sensitive", "敏感词（提示）"

    word = models.CharField("词语", max_length=64, unique=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.BANNED)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        db_table = "content_lexiconterm"
        verbose_name = "敏感词/禁用词"
        verbose_name_plural = "敏感词/禁用词"
        ordering = ["word"]

    def __str__(self):
        return self.word


class WrongFormulation(models.Model):
    wrong = models.CharField("错误表述", max_length=64, unique=True)
    right = models.CharField("规范表述", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        db_table = "content_wrongformulation"
        verbose_name = "规范表述"
        verbose_name_plural = "规范表述"
        ordering = ["wrong"]

    def __str__(self):
        return f"{self.wrong} → {self.right}"


class ProofreadingTaskState(TaskState):
    findings = models.JSONField("校对结果", default=list, blank=True)

    class Meta:
        db_table = "content_proofreadingtaskstate"
        verbose_name = "自动校对结果"
        verbose_name_plural = "自动校对结果"


class ProofreadingTask(Task):
    """自动校对: runs the checks when a page reaches it; nobody has to act."""

    task_state_class = ProofreadingTaskState

    class Meta:
        db_table = "content_proofreadingtask"
        verbose_name = "自动校对"
        verbose_name_plural = "自动校对"

    @classmethod
    def get_description(cls):
        return "自动检查禁用词、规范表述、图片替代文字、站内链接和各渠道字数，不需要人工操作"

    def start(self, workflow_state, user=None):
        from .proofreading import check, report

        task_state = super().start(workflow_state, user=user)
        obj = task_state.revision.as_object() if task_state.revision else None
        findings = check(obj) if obj is not None else []
        task_state.findings = [asdict(f) for f in findings]
        task_state.save(update_fields=["findings"])
        comment = report(findings)
        if any(f.blocking for f in findings):
            task_state.reject(user=None, update=False, comment=comment)
        else:
            task_state.approve(user=None, update=False, comment=comment)
        return task_state

    def get_actions(self, obj, user):
        return []  # nobody approves by hand


class OrganisationReviewTask(Task):
    """本组织审核: approved by the reviewers of the organisation the page belongs to."""

    class Meta:
        db_table = "content_organisationreviewtask"
        verbose_name = "本组织审核"
        verbose_name_plural = "本组织审核"

    @classmethod
    def get_description(cls):
        return "由内容所属组织的审核员（<代码>:reviewers 组）审核"

    def _reviewer_paths(self, user):
        cache_attr = "_reviewer_paths"
        if not hasattr(user, cache_attr):
            setattr(
                user,
                cache_attr,
                list(
                    OrganisationAccess.objects.filter(reviewers__in=user.groups.all()).values_list(
                        "organisation__path", flat=True
                    )
                ),
            )
        return getattr(user, cache_attr)

    def is_reviewer(self, obj, user):
        if user.is_superuser:
            return True
        path = getattr(obj, "path", "")
        return any(path.startswith(p) for p in self._reviewer_paths(user))

    def user_can_access_editor(self, obj, user):
        return self.is_reviewer(obj, user)

    def locked_for_user(self, obj, user):
        return not self.is_reviewer(obj, user)

    def user_can_lock(self, obj, user):
        return self.is_reviewer(obj, user)

    def get_actions(self, obj, user):
        if self.is_reviewer(obj, user):
            return [
                ("reject", "退回修改", True),
                ("approve", "通过", False),
                ("approve", "通过并留言", True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        paths = self._reviewer_paths(user)
        if not paths:
            return TaskState.objects.none()
        below = Q()
        for path in paths:
            below |= below_path_q(path, inclusive=True)
        page_ids = (
            Page.objects.filter(below).annotate(pk_text=Cast("pk", CharField())).values("pk_text")
        )
        return states.filter(workflow_state__object_id__in=page_ids)


class QuickPublishChoice(models.Model):
    """The column a user last posted to with 快速发布 (kitchen/quick_publish.py): the next
    visit preselects it, on any phone and in any process, so it lives in the database."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="quick_publish_choice",
    )
    column = models.ForeignKey(
        "orgs.ColumnPage",
        verbose_name=_("栏目"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("快速发布的栏目")
        verbose_name_plural = _("快速发布的栏目")

    def __str__(self):
        return f"{self.user_id} → {self.column_id}"
