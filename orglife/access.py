"""What organisations' groups may do in 组织生活: editors keep their organisation's
meeting records (add, change, delete), reviewers read them. Which records is the subtree
rule (orglife/visibility.py); granted when organisations get their groups."""

from django.contrib.auth.models import Group, Permission
from django.dispatch import receiver

from sites.models import OrganisationAccess
from sites.signals import organisations_ready

ROLE_PERMISSIONS = {
    "editors": [
        "add_meetingrecord",
        "change_meetingrecord",
        "delete_meetingrecord",
        "view_meetingrecord",
    ],
    "reviewers": ["view_meetingrecord"],
}


@receiver(organisations_ready)
def grant_orglife_permissions(organisations, **kwargs):
    accesses = OrganisationAccess.objects.filter(organisation__in=[o.pk for o in organisations])
    grant_role_permissions(
        accesses.values_list("editors_id", "reviewers_id"), Permission, Group.permissions.through
    )


def grant_role_permissions(group_pairs, permission_model, through_model):
    """Give each (editors group id, reviewers group id) pair its ROLE_PERMISSIONS rows
    that are missing, in bulk. The models are passed in, so that the migration granting
    the groups of existing organisations (0003) uses the same code with its historical
    models."""
    pairs = list(group_pairs)
    perms = dict(
        permission_model.objects.filter(
            content_type__app_label="orglife", codename__in=ROLE_PERMISSIONS["editors"]
        ).values_list("codename", "pk")
    )
    if not pairs or not perms:
        return
    groups = {"editors": [e for e, _r in pairs], "reviewers": [r for _e, r in pairs]}
    have = set(
        through_model.objects.filter(
            group_id__in=groups["editors"] + groups["reviewers"], permission_id__in=perms.values()
        ).values_list("group_id", "permission_id")
    )
    through_model.objects.bulk_create(
        through_model(group_id=group_id, permission_id=perms[codename])
        for role, codenames in ROLE_PERMISSIONS.items()
        for group_id in groups[role]
        for codename in codenames
        if (group_id, perms[codename]) not in have
    )
