"""Who sees and who edits a meeting record.

A record is internal: its organisation's editors and reviewers see it, and so do the
editors and reviewers of every organisation above it; nobody beside it (siblings), below
it (a branch's editor never sees the street's records), members or anonymous visitors.
Seeing is one path-prefix query: the record's organisation path lies at or below one of
the user's organisations. Editing is for the organisation's own editors (and superusers);
reviewers and upper levels read only."""

from sites.admin_scope import in_subtrees
from sites.audit import organisations_of
from sites.models import OrganisationPage

from .models import MeetingRecord

SCOPE_FIELD = "organisation__path"


def organisations_seen(user):
    """The organisations whose records (and those below) `user` may read."""
    if not user.is_authenticated:
        return OrganisationPage.objects.none()
    return organisations_of(user)


def limit_to_visible(queryset, user):
    if user.is_authenticated and user.is_superuser:
        return queryset
    return in_subtrees(queryset, list(organisations_seen(user)), SCOPE_FIELD)


def records_visible_to(user):
    return limit_to_visible(MeetingRecord.objects.all(), user)


def organisations_edited(user):
    """The organisations whose own records `user` may write: where they are an editor."""
    if not user.is_authenticated:
        return OrganisationPage.objects.none()
    return OrganisationPage.objects.filter(access__editors__in=user.groups.all())


def can_edit(user, record):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return organisations_edited(user).filter(pk=record.organisation_id).exists()


def can_see(user, record):
    return limit_to_visible(MeetingRecord.objects.filter(pk=record.pk), user).exists()
