"""Admin integration: new organisations get their site at once; choosers respect isolation."""

from wagtail import hooks

from base.admin import PermittedMenuItem

from . import admin_subtree
from .models import OrganisationPage
from .provisioning import provision_organisation


@hooks.register("after_create_page")
def provision_new_organisation(request, page):
    """An organisation added in the admin gets its site, columns, groups and collection."""
    if isinstance(page.specific, OrganisationPage):
        provision_organisation(page.specific)


@hooks.register("construct_page_chooser_queryset")
def hide_other_organisations_drafts(pages, request):
    """The page chooser lists live pages everywhere (to link to them) but unpublished pages
    only inside the subtrees the user may edit: no sibling's draft titles leak out."""
    return admin_subtree.choosable_pages(pages, request.user)


@hooks.register("before_move_page")
def move_only_within_reach(request, page, destination):
    """The move confirmation (GET and POST) is 404 unless the user may move the page
    there: it would show the titles of pages outside their subtree."""
    admin_subtree.check_move(request, page, destination)


@hooks.register("construct_admin_api", order=100)  # after Wagtail's images and documents
def choosable_media_in_admin_api(router):
    router.register_endpoint("images", admin_subtree.SubtreeImagesAdminAPIViewSet)
    router.register_endpoint("documents", admin_subtree.SubtreeDocumentsAdminAPIViewSet)


@hooks.register("register_admin_urls")
def publishing_audit_urls():
    from django.urls import path

    from .audit import PublishingAuditView

    return [
        path("audit/", PublishingAuditView.as_view(), name="portal_publishing_audit"),
        path(
            "audit/results/",
            PublishingAuditView.as_view(results_only=True),
            name="portal_publishing_audit_results",
        ),
    ]


def may_audit(user):
    from .audit import organisations_of

    return user.is_superuser or organisations_of(user).exists()


@hooks.register("register_reports_menu_item")
def publishing_audit_menu_item():
    from django.urls import reverse

    return PermittedMenuItem(
        "发布审计", reverse("portal_publishing_audit"), may_audit, icon_name="history", order=1100
    )
