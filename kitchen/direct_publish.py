"""Publishing that skips the workflow (the editor's bare 发布, the explorer's bulk 发布) is
for the city's 终审 group and superusers only.

Wagtail offers 发布 to whoever holds "publish" on a page, and the organisations'
reviewers hold it — their approval in 一审 publishes the page as them, and so does the
终审 reviewer's in 三审, so the permission itself stays. What is limited is publishing
without review:

- `construct_page_action_menu`: the editor's 发布 item is removed for others;
- `before_edit_page` / `before_create_page`: a POST with `action-publish` from others is
  refused before anything is saved (the menu is not the only way to send one);
- `before_bulk_action`: the explorer's bulk 发布 likewise.

The workflow's own publish-on-approve (`action-workflow-action`, the approve view) is
untouched.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from sites.models import OrganisationPage

from .workflows import REVIEW_STEPS, city_group_name

FINAL_STEP = REVIEW_STEPS[-1]  # 终审
PUBLISH_ITEM = "action-publish"


def may_publish_directly(user):
    """Superusers and members of a city's 终审 group (cached on the user object)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_may_publish_directly"):
        cities = OrganisationPage.objects.filter(kind="city").only("code")
        names = {city_group_name(city, FINAL_STEP) for city in cities}
        user._may_publish_directly = user.groups.filter(name__in=names).exists()
    return user._may_publish_directly


def without_publish_item(menu_items, request):
    """The action menu without 发布 for those who may not publish directly."""
    if may_publish_directly(request.user):
        return
    menu_items[:] = [item for item in menu_items if item.name != PUBLISH_ITEM]


def refuse_direct_publish(request, page=None):
    """A response refusing a POST with `action-publish`, or None to go on."""
    if request.method != "POST" or not request.POST.get(PUBLISH_ITEM):
        return None
    if may_publish_directly(request.user):
        return None
    messages.error(request, _("不能直接发布：请提交审核，审核通过后自动发布。"))
    if page is not None:
        return redirect("wagtailadmin_pages:edit", page.pk)
    return redirect(request.get_full_path())


def refuse_bulk_publish(request, action_type):
    if action_type != "publish" or may_publish_directly(request.user):
        return None
    messages.error(request, _("不能直接发布：请提交审核，审核通过后自动发布。"))
    return redirect("wagtailadmin_explore_root")
