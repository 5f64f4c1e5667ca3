"""The subtree rule for Wagtail's own admin views that list pages, images and documents.

A user's subtree is the pages under those their groups hold page permissions on (an
organisation's editors and reviewers: the organisation; the city's 终审: the city).
Pages outside it are left out of the page-types report and the translations report
(and snippets the user may not work on out of wagtail-localize's snippets API);
the page chooser (browse, search, chosen) offers their live pages by live title only;
moving is 404 unless the user may move the page there; the workflow views (cancellation
prompt, action, its data, preview) are 404 unless they may edit the page; the admin API's
images and documents come only from collections the user may choose from; a media
item's usage page is 404 unless the user may change or delete it. Superusers see
everything.
"""

from functools import reduce
from operator import or_

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.admin.views.pages.workflow import (
    CollectWorkflowActionDataView,
    ConfirmWorkflowCancellationView,
    PreviewRevisionForTaskView,
    WorkflowActionView,
)
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import GroupPagePermission, Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from .tree import below_path_q


def permitted_paths(user):
    """Tree paths of the pages `user`'s groups hold page permissions on."""
    return sorted(
        set(
            GroupPagePermission.objects.filter(group__user=user).values_list(
                "page__path", flat=True
            )
        )
    )


def subtree_q(user, field="path"):
    """Q for rows whose tree path lookup `field` lies in `user`'s subtree; None for a
    superuser (no limit)."""
    if user.is_superuser:
        return None
    paths = permitted_paths(user)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (below_path_q(p, inclusive=True, field=field) for p in paths))


def limit_to_subtree(queryset, user, field="path"):
    q = subtree_q(user, field)
    return queryset if q is None else queryset.filter(q)


# --- the page chooser ----------------------------------------------------------------


def annotate_shown_titles(pages, user):
    """Each page's `shown_title`: its draft title inside the user's subtree, its live
    title outside it (templates/wagtailadmin/chooser/tables/ show it)."""
    q = subtree_q(user)
    if q is None:
        return pages.annotate(shown_title=F("draft_title"))
    return pages.annotate(shown_title=Case(When(q, then=F("draft_title")), default=F("title")))


def choosable_pages(pages, user):
    """Live pages everywhere, unpublished ones only where the user may edit; each with
    the title it may be shown by."""
    if user.is_superuser:
        return pages
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, {"add", "change", "publish"}
    )
    pages = pages.filter(Q(live=True) | Q(pk__in=editable.values("pk")))
    return annotate_shown_titles(pages, user)


class SubtreeChosenMultipleView(ChosenMultipleView):
    """Wagtail's "chosen multiple" answer, for choosable pages only, by their shown title
    (Wagtail's own looks the ids up among all pages)."""

    def get(self, request):
        pks = request.GET.getlist("id")
        pages = choosable_pages(Page.objects.filter(pk__in=pks), request.user).specific()
        result = [
            {
                "id": page.pk,
                "parentId": page.get_parent().pk,
                "adminTitle": shown_title(page, request.user),
                "editUrl": reverse("wagtailadmin_pages:edit", args=(page.pk,)),
                "url": page.url,
            }
            for page in pages
        ]
        return self.render_chosen_response(result)


def shown_title(page, user):
    """The title the chooser may show for one page (one not from an annotated list)."""
    if hasattr(page, "shown_title"):
        return page.shown_title or page.title
    if user.is_superuser or limit_to_subtree(Page.objects.filter(pk=page.pk), user).exists():
        return page.get_admin_display_title()
    return page.title


# --- moving -----------------------------------------------------------------------------


def check_move(request, page, destination):
    """Moving a page: 404 unless the user may move it, and move it there."""
    permissions = page.permissions_for_user(request.user)
    if not (permissions.can_move() and permissions.can_move_to(destination)):
        raise Http404


# --- workflows ----------------------------------------------------------------------------


class EditorsOnlyMixin:
    """404 unless the user may edit the page (which a task's reviewers may while it waits
    for them). Wagtail's own views answer for any page id: the cancellation prompt with
    the page's workflow, task and status; the action and preview views, when the page is
    not in review, with a notice naming it by its latest (draft) title."""

    def dispatch(self, request, *args, **kwargs):
        if not self.object.permissions_for_user(request.user).can_edit():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SubtreeConfirmWorkflowCancellationView(EditorsOnlyMixin, ConfirmWorkflowCancellationView):
    pass


class SubtreeWorkflowActionView(EditorsOnlyMixin, WorkflowActionView):
    pass


class SubtreeCollectWorkflowActionDataView(EditorsOnlyMixin, CollectWorkflowActionDataView):
    pass


class SubtreePreviewRevisionForTaskView(EditorsOnlyMixin, PreviewRevisionForTaskView):
    pass


# --- reports ----------------------------------------------------------------------------


class SubtreePageTypesUsageView(PageTypesUsageReportView):
    """Counts and the last edited page of each page type, within the user's subtree."""

    def get_queryset(self):
        queryset = super().get_queryset()
        q = subtree_q(self.request.user)
        if q is None:
            return queryset
        language_code = self.filters.form.cleaned_data.get("page_locale", None)
        site_root_path = self.filters.form.cleaned_data.get("site", None)
        pages = Page.objects.filter(q)
        if language_code:
            pages = pages.filter(locale__language_code=language_code)
        if site_root_path:
            pages = pages.filter(path__startswith=site_root_path)
        latest = pages.filter(content_type=OuterRef("pk")).order_by(
            F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk"
        )
        return queryset.annotate(
            count=Count("pages", filter=Q(pages__in=pages)),
            last_edited_page_id=Subquery(latest.values("pk")[:1]),
        )


def subtree_translations_view():
    """wagtail-localize's translations report, limited to pages in the user's subtree
    (other translated objects: superusers only); None without wagtail-localize."""
    try:
        from wagtail_localize.views.report import TranslationsReportView
    except ImportError:
        return None

    class SubtreeTranslationsReportView(TranslationsReportView):
        def get_queryset(self):
            queryset = super().get_queryset()
            user = self.request.user
            if user.is_superuser:
                return queryset
            keys = limit_to_subtree(Page.objects.all(), user).values("translation_key")
            return queryset.filter(source__object_id__in=keys)

    return SubtreeTranslationsReportView


def subtree_snippets_api_view():
    """wagtail-localize's snippets API (listing and detail, for its translation editor),
    limited to the snippets the user may work on by the model's permission policy: its
    own lists every row of any snippet model, members by name, to anyone with admin
    access. None without wagtail-localize."""
    try:
        from wagtail_localize.views.snippets_api import SnippetViewSet
    except ImportError:
        return None

    class SubtreeSnippetsAPIViewSet(SnippetViewSet):
        def get_queryset(self):
            policy = policy_registry.get_by_type(self.get_model())
            return policy.instances_user_has_any_permission_for(
                self.request.user, ["add", "change", "delete", "view"]
            )

    return SubtreeSnippetsAPIViewSet


# --- the admin API ------------------------------------------------------------------------


class ChoosableMixin:
    """Only what the user may choose (Wagtail's chooser rule), by the model's policy."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        choosable = policy.instances_user_has_any_permission_for(self.request.user, ["choose"])
        return super().get_queryset().filter(pk__in=choosable.values("pk"))


class SubtreeImagesAdminAPIViewSet(ChoosableMixin, ImagesAdminAPIViewSet):
    pass


class SubtreeDocumentsAdminAPIViewSet(ChoosableMixin, DocumentsAdminAPIViewSet):
    pass


# --- media (wagtailmedia) -------------------------------------------------------------------


def media_usage(request, media_id):
    """wagtailmedia's usage page (which checks no instance permission of its own): 404
    unless the user may change or delete the item, as its edit and delete views ask."""
    from wagtailmedia import get_media_model, get_permission_policy
    from wagtailmedia.views.media import usage

    media = get_object_or_404(get_media_model(), pk=media_id)
    policy = get_permission_policy()
    if not policy.user_has_any_permission_for_instance(request.user, ["change", "delete"], media):
        raise Http404
    return usage(request, media_id)
