"""监督 → 消息 in the admin, and the 待办 panel on the admin home.

- The message list: the reminders sent to the signed-in user (their deliveries), newest
  first, unread in bold; opening one marks it read; 全部标为已读.
- 已发送: every reminder an organisation was sent, with each editor's email state
  (已发送 / 待发送 / 发送失败 / 无邮箱), for the organisation's own people and its upper
  levels (`?org=<id>` inside the user's subtrees, else 404).
- The 待办 panel, for users who edit an organisation: its live status (status_of), what is
  due or overdue with the days left and a button to act, and the unread count.

A user opens only their own deliveries (another's answers 404)."""

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from base.admin import ForbiddenMixin
from orglife.relay import own_organisations, visible_organisation
from orglife.visibility import organisations_edited

from .access import may_oversee
from .models import Delivery, OrganisationScore, Reminder
from .reminders import period_label, relay_link, rule_link, unread_count
from .status import status_of

LIST_URL = "oversight_messages"
DETAIL_URL = "oversight_message"
READ_ALL_URL = "oversight_messages_read_all"
SENT_URL = "oversight_messages_sent"
PER_PAGE = 20
PANEL_ORGANISATIONS = 3  # organisations shown on the 待办 panel
STATUS_LABELS = dict(OrganisationScore.STATUSES)


def page_of(items, number):
    paginator = Paginator(items, PER_PAGE)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        raise Http404 from None


def sent_url(org):
    """The 已发送 list of one organisation (the dashboard links to it)."""
    return f"{reverse(SENT_URL)}?org={org.pk}"


class MessageView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "mail"
    page_title = gettext_lazy("消息")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]


class MessageListView(MessageView):
    template_name = "oversight/messages/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        deliveries = (
            Delivery.objects.filter(user=user)
            .select_related("reminder", "reminder__organisation")
            .order_by("-reminder__created_at", "-reminder__pk")
        )
        page = page_of(deliveries, self.request.GET.get("p"))
        context.update(
            items=page,
            rows=[
                {"delivery": d, "url": reverse(DETAIL_URL, args=[d.pk])} for d in page.object_list
            ],
            unread=unread_count(user),
            read_all_url=reverse(READ_ALL_URL),
            sent_url=reverse(SENT_URL) if may_oversee(user) else "",
            elided_page_range=page.paginator.get_elided_page_range(page.number),
        )
        return context


class MessageDetailView(MessageView):
    template_name = "oversight/messages/detail.html"

    def get_page_title(self):
        delivery = getattr(self, "delivery", None)
        return delivery.reminder.subject if delivery is not None else self.page_title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(LIST_URL), "label": _("消息")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, pk):
        self.delivery = get_object_or_404(
            Delivery.objects.select_related("reminder", "reminder__organisation"),
            pk=pk,
            user=request.user,
        )
        if self.delivery.read_at is None:
            self.delivery.read_at = timezone.now()
            Delivery.objects.filter(pk=pk).update(read_at=self.delivery.read_at)
        return super().get(request, pk=pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(delivery=self.delivery, reminder=self.delivery.reminder)
        return context


class ReadAllView(View):
    http_method_names = ["post"]

    def post(self, request):
        count = Delivery.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if count:
            messages.success(request, _("已将 %(count)d 条消息标为已读。") % {"count": count})
        return redirect(LIST_URL)


class SentView(ForbiddenMixin, MessageView):
    template_name = "oversight/messages/sent.html"
    page_title = gettext_lazy("已发送的提醒")
    forbidden_message = gettext_lazy("只有组织的编辑和审核员可以查看发送给组织的提醒。")

    def has_permission(self, user):
        return may_oversee(user)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(LIST_URL), "label": _("消息")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scopes = own_organisations(user)
        chosen = self.request.GET.get("org")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            scope = visible_organisation(user, pk=int(chosen))
        else:
            scope = visible_organisation(user, pk=scopes[0].pk)
        reminders = Reminder.objects.filter(organisation=scope).prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("user").order_by("user__username"),
            )
        )
        page = page_of(reminders, self.request.GET.get("p"))
        context.update(
            scope=scope,
            scopes=scopes if len(scopes) > 1 else [],
            items=page,
            reminders=page.object_list,
            elided_page_range=page.paginator.get_elided_page_range(page.number),
        )
        return context


def urls():
    return [
        path("oversight/messages/", MessageListView.as_view(), name=LIST_URL),
        path("oversight/messages/<int:pk>/", MessageDetailView.as_view(), name=DETAIL_URL),
        path("oversight/messages/read-all/", ReadAllView.as_view(), name=READ_ALL_URL),
        path("oversight/messages/sent/", SentView.as_view(), name=SENT_URL),
    ]


# --- the 待办 panel ------------------------------------------------------------------


def todo_of(org):
    """The live status of one organisation and what it has to do, each with a link."""
    status = status_of(org)
    items = []
    for state in status.missed:
        start, end = state.previous
        period = period_label(start, end, state.rule.period_months)
        items.append(
            {
                "overdue": True,
                "text": _("「%(rule)s」%(period)s未完成")
                % {"rule": state.rule.name, "period": period},
                "url": rule_link(state.rule, org),
                "action": _("去补上"),
            }
        )
    for state in status.due:
        items.append(
            {
                "overdue": False,
                "text": _("「%(rule)s」还差 %(missing)d 次，还剩 %(days)d 天")
                % {
                    "rule": state.rule.name,
                    "missing": state.rule.minimum - state.count,
                    "days": max(state.days_left, 0),
                },
                "url": rule_link(state.rule, org),
                "action": _("去完成"),
            }
        )
    for relay in status.relays:
        days = (relay.deadline - status.today).days
        text = (
            _("传达学习《%(title)s》已逾期 %(days)d 天") % {"title": relay.title, "days": -days}
            if relay.overdue
            else _("传达学习《%(title)s》还剩 %(days)d 天") % {"title": relay.title, "days": days}
        )
        items.append(
            {
                "overdue": relay.overdue,
                "text": text,
                "url": relay_link(relay.directive_id),
                "action": _("填写记录"),
            }
        )
    items.sort(key=lambda item: not item["overdue"])
    below = None
    if org.kind != "branch":  # an upper organisation: how its subtree fares (stored row)
        below = (
            OrganisationScore.objects.filter(
                organisation=org,
                period=OrganisationScore.MONTH,
                starts=timezone.localdate().replace(day=1),
            )
            .values("orgs_total", "orgs_zombie", "orgs_overdue", "orgs_due")
            .first()
        )
        if below is not None:
            below["url"] = f"{reverse('oversight_dashboard')}?org={org.code}"
    return {
        "organisation": org,
        "below": below,
        "status": status.status,
        "status_label": STATUS_LABELS.get(status.status, status.status),
        "days_quiet": status.days_quiet,
        "zombie": status.zombie,
        "items": items,
    }


class TodoPanel(Component):
    """待办 on the admin home: the user's organisations' status and what is due."""

    name = "oversight_todo"
    template_name = "oversight/messages/panel.html"
    order = 20

    def __init__(self, organisations, unread):
        self.organisations = organisations
        self.unread = unread

    def get_context_data(self, parent_context):
        return {
            "todos": [todo_of(org) for org in self.organisations],
            "unread": self.unread,
            "messages_url": reverse(LIST_URL),
        }


def add_panels(request, panels):
    user = request.user
    if not user.is_authenticated:
        return
    organisations = list(organisations_edited(user).live().order_by("path")[:PANEL_ORGANISATIONS])
    unread = unread_count(user)
    if organisations or unread:
        panels.append(TodoPanel(organisations, unread))
