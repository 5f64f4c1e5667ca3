"""Admin integration: new organisations get their site at once; choosers respect isolation."""

from django.db.models import Q
from wagtail import hooks
from wagtail.permission_policies.pages import PagePermissionPolicy

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
    user = request.user
    if user.is_superuser:
        return pages
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, {"add", "change", "publish"}
    )
    return pages.filter(Q(live=True) | Q(pk__in=editable.values("pk")))
