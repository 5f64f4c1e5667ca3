"""发布审计: who published, unpublished, moved or deleted which page, per organisation.

Wagtail's own site history shows a user every page they can *explore*, which includes
the path down from the city home; this report keeps to the subtrees of the organisations
whose editors' or reviewers' group the user is in (everything for superusers), with
Wagtail's filters (action, user, date) and CSV/Excel export. Entries of pages deleted
since are not shown here (their page row is gone); superusers find them in Wagtail's
site history.
"""

from functools import reduce
from operator import or_

from django.db.models import IntegerField, Q, Value
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import PageLogEntry

from .models import OrganisationPage
from .tree import below_path_q


def organisations_of(user):
    """The organisations whose pages `user` works on (editors or reviewers)."""
    groups = user.groups.all()
    return OrganisationPage.objects.filter(
        Q(access__editors__in=groups) | Q(access__reviewers__in=groups)
    ).distinct()


def entries_for(user):
    entries = PageLogEntry.objects.all()
    if user.is_superuser:
        return entries
    paths = list(organisations_of(user).values_list("path", flat=True))
    if not paths:
        return entries.none()
    return entries.filter(
        reduce(or_, (below_path_q(p, inclusive=True, field="page__path") for p in paths))
    )


class PublishingAuditView(LogEntriesView):
    page_title = "发布审计"
    header_icon = "history"
    index_url_name = "portal_publishing_audit"
    index_results_url_name = "portal_publishing_audit_results"

    def get_filename(self):
        return "publishing-" + super().get_filename()

    def get_filtered_queryset(self):
        self.log_models = [PageLogEntry]
        entries = entries_for(self.request.user).values("pk", "timestamp")
        entries = entries.annotate(log_model_index=Value(0, output_field=IntegerField()))
        return self.filter_queryset(entries).order_by("-timestamp")
