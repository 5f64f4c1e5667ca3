"""Who oversees what: the editors and reviewers of an organisation see the oversight of
its subtree (itself and everything below), superusers the whole city; a request for an
organisation outside the user's subtrees is answered 404, as everywhere else.
The city alone changes the rules and weights (superusers)."""

from django.contrib.auth import get_user_model

from orglife.relay import own_organisations, visible_organisation
from sites.models import OrganisationAccess


def may_oversee(user):
    return user.is_authenticated and bool(own_organisations(user))


def scope_for(user, code=None):
    """The organisation whose subtree the user looks at: `code` if it lies in one of
    their subtrees (else 404), or their first organisation."""
    if code:
        return visible_organisation(user, code=code)
    return visible_organisation(user, pk=own_organisations(user)[0].pk)


def may_edit_rules(user):
    return user.is_authenticated and user.is_superuser


def editors_of(organisation_ids):
    """{organisation id: [user, …]} of the organisations' editors groups (one query for
    the groups, one for their users)."""
    groups = dict(
        OrganisationAccess.objects.filter(organisation_id__in=organisation_ids).values_list(
            "editors_id", "organisation_id"
        )
    )
    found = {pk: [] for pk in organisation_ids}
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__in=list(groups))
        .order_by("username")
        .values_list("groups", "pk", "username", "first_name", "last_name", "email")
    )
    for group, pk, username, first, last, email in users:
        if group in groups:
            found[groups[group]].append(
                {
                    "id": pk,
                    "username": username,
                    "name": f"{last}{first}" or username,
                    "email": email,
                }
            )
    return found
