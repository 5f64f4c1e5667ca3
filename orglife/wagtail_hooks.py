from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from base.admin import AdminLink, MenuGroupWithViews

from .admin_views import MeetingRecordViewSet
from .quick_record import may_record


class OrgLifeViewSetGroup(MenuGroupWithViews):
    menu_label = gettext_lazy("组织生活")
    menu_icon = "calendar-alt"
    menu_order = 270
    items = (MeetingRecordViewSet,)
    links = (
        AdminLink(
            gettext_lazy("快速记录"),
            "orglife_quick_record",
            "quick-record",
            "mobile-alt",
            may_record,
        ),
    )


register_snippet(OrgLifeViewSetGroup)


@hooks.register("register_admin_urls")
def register_quick_record_urls():
    from . import public_summary_views, quick_record_views

    return [
        path(
            "orglife/quick-record/",
            quick_record_views.QuickRecordView.as_view(),
            name=quick_record_views.FORM_URL,
        ),
        path(
            "orglife/quick-record/done/<int:pk>/",
            quick_record_views.QuickRecordDoneView.as_view(),
            name=quick_record_views.DONE_URL,
        ),
        path(
            "orglife/records/<int:pk>/public-summary/",
            public_summary_views.PublicSummaryView.as_view(),
            name=public_summary_views.SUMMARY_URL,
        ),
    ]


@hooks.register("construct_homepage_panels")
def add_quick_record_panel(request, panels):
    from .quick_record_views import QuickRecordPanel

    if may_record(request.user):
        panels.append(QuickRecordPanel())
