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
    accesses = list(
        OrganisationAccess.objects.filter(organisation__in=[o.pk for o in organisations])
    )
    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="orglife", codename__in=ROLE_PERMISSIONS["editors"]
        )
    }
    if not accesses or not perms:
        return
    groups = {
        "editors": [a.editors_id for a in accesses],
        "reviewers": [a.reviewers_id for a in accesses],
    }
    have = set(
        Group.permissions.through.objects.filter(
            group_id__in=groups["editors"] + groups["reviewers"], permission__in=perms.values()
        ).values_list("group_id", "permission_id")
    )
    Group.permissions.through.objects.bulk_create(
        Group.permissions.through(group_id=group_id, permission=perms[codename])
        for role, codenames in ROLE_PERMISSIONS.items()
        for group_id in groups[role]
        for codename in codenames
        if (group_id, perms[codename].pk) not in have
    )
