"""Admin URLs that take the place of Wagtail's (and wagtail-localize's and wagtailmedia's)
own views with their subtree-limited versions (sites/admin_subtree.py): the page chooser's
chosen-multiple answer, two reports, the snippets API, the workflow views (cancellation
prompt, action, its data, preview) and the media usage page. portal/urls.py includes
them just before Wagtail's admin URLs, so they answer first at the same addresses; they
have no names of their own, so reversing Wagtail's names gives these addresses, and so
these views."""

from django.urls import path
from wagtail.admin.auth import require_admin_access

from .admin_subtree import (
    SubtreeChosenMultipleView,
    SubtreeCollectWorkflowActionDataView,
    SubtreeConfirmWorkflowCancellationView,
    SubtreePageTypesUsageView,
    SubtreePreviewRevisionForTaskView,
    SubtreeWorkflowActionView,
    media_usage,
    subtree_snippets_api_view,
    subtree_translations_view,
)


def admin_view(view_class, **kwargs):
    return require_admin_access(view_class.as_view(**kwargs))


urlpatterns = [
    path("choose-page/chosen-multiple/", admin_view(SubtreeChosenMultipleView)),
    path("reports/page-types-usage/", admin_view(SubtreePageTypesUsageView)),
    path(
        "reports/page-types-usage/results/",
        admin_view(SubtreePageTypesUsageView, results_only=True),
    ),
    path("media/usage/<int:media_id>/", require_admin_access(media_usage)),
    path(
        "pages/workflow/confirm_cancellation/<int:page_id>/",
        admin_view(SubtreeConfirmWorkflowCancellationView),
    ),
    path(
        "pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        admin_view(SubtreeWorkflowActionView),
    ),
    path(
        "pages/workflow/collect_action_data/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        admin_view(SubtreeCollectWorkflowActionDataView),
    ),
    path(
        "pages/workflow/preview/<int:page_id>/<int:task_id>/",
        admin_view(SubtreePreviewRevisionForTaskView),
    ),
]
TranslationsView = subtree_translations_view()
if TranslationsView is not None:
    urlpatterns += [
        path("localize/reports/translations/", admin_view(TranslationsView)),
        path(
            "localize/reports/translations/results/",
            admin_view(TranslationsView, results_only=True),
        ),
    ]
SnippetsAPIViewSet = subtree_snippets_api_view()
if SnippetsAPIViewSet is not None:
    urlpatterns += [
        path(
            "localize/api/snippets/<slug:app_label>/<slug:model_name>/",
            require_admin_access(SnippetsAPIViewSet.as_view({"get": "list"})),
        ),
        path(
            "localize/api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
            require_admin_access(SnippetsAPIViewSet.as_view({"get": "retrieve"})),
        ),
    ]
