from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from base.admin import AdminLink, MenuGroupWithViews

from . import handbook_views, import_views, relay, relay_views
from .admin_views import MeetingRecordViewSet
from .imports import can_import
from .quick_record import may_record


class OrgLifeViewSetGroup(MenuGroupWithViews):
    menu_label = _("组织生活")
    menu_icon = "calendar-alt"
    menu_order = 270
    items = (MeetingRecordViewSet,)
    links = (
        AdminLink(_("快速记录"), "orglife_quick_record", "quick-record", "mobile-alt", may_record),
        AdminLink(_("导入记录"), import_views.IMPORT_URL, "record-import", "upload", can_import),
        AdminLink(
            _("打印手册"), handbook_views.FORM_URL, "handbook", "doc-full", handbook_views.can_print
        ),
        AdminLink(_("传达学习情况"), relay_views.INDEX_URL, "relay", "tasks", relay.may_see_relay),
    )


register_snippet(OrgLifeViewSetGroup)


@hooks.register("register_admin_urls")
def register_record_import_urls():
    return [
        path("orglife/import/", import_views.record_import_view, name=import_views.IMPORT_URL),
        path(
            "orglife/import/template/",
            import_views.import_template,
            name=import_views.TEMPLATE_URL,
        ),
    ]


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


@hooks.register("register_admin_urls")
def register_handbook_urls():
    return [
        path(
            "orglife/handbook/",
            handbook_views.HandbookView.as_view(),
            name=handbook_views.FORM_URL,
        ),
        path(
            "orglife/handbook/<int:build_id>/",
            handbook_views.HandbookStatusView.as_view(),
            name=handbook_views.STATUS_URL,
        ),
        path(
            "orglife/handbook/<int:build_id>/pdf/",
            handbook_views.file_view,
            name=handbook_views.FILE_URL,
        ),
    ]


@hooks.register("register_admin_urls")
def register_relay_urls():
    return [
        path("orglife/relay/", relay_views.relay_index_view, name=relay_views.INDEX_URL),
        path(
            "orglife/relay/<int:directive_id>/<int:org_id>/",
            relay_views.relay_coverage_view,
            name=relay_views.COVERAGE_URL,
        ),
    ]
