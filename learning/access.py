"""What organisations' groups may do in 学习: editors and reviewers upload and edit lesson
media in their organisation's collection (wagtailmedia checks collection permissions);
reviewers manage their branches' members. Granted when organisations get their groups
(sites' organisations_ready), in bulk."""

from django.contrib.auth.models import Group, Permission
from django.dispatch import receiver
from wagtail.models import GroupCollectionPermission

from sites.models import OrganisationAccess
from sites.signals import organisations_ready

# wagtailmedia checks its own Media model's permissions for custom media models too.
MEDIA = {"editors": ["add", "change"], "reviewers": ["add", "change", "delete"]}
MEMBERS = ["view", "add", "change"]  # members and their yearly evaluations


@receiver(organisations_ready)
def grant_learning_permissions(organisations, **kwargs):
    accesses = list(
        OrganisationAccess.objects.filter(organisation__in=[o.pk for o in organisations])
    )
    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label__in=["learning", "wagtailmedia"],
            codename__in=[f"{a}_media" for a in MEDIA["reviewers"]]
            + [f"{a}_{model}" for a in MEMBERS for model in ("memberprofile", "evaluation")],
        )
    }
    if not accesses or not perms:
        return
    group_ids = [a.editors_id for a in accesses] + [a.reviewers_id for a in accesses]
    have = set(
        GroupCollectionPermission.objects.filter(
            group_id__in=group_ids, permission__in=perms.values()
        ).values_list("group_id", "collection_id", "permission_id")
    )
    have_group = set(
        Group.permissions.through.objects.filter(
            group_id__in=group_ids, permission__in=perms.values()
        ).values_list("group_id", "permission_id")
    )
    collection_rows, group_rows = [], []
    for access in accesses:
        for role, group_id in (("editors", access.editors_id), ("reviewers", access.reviewers_id)):
            for action in MEDIA[role]:
                perm = perms[f"{action}_media"]
                if (group_id, access.collection_id, perm.pk) not in have:
                    collection_rows.append(
                        GroupCollectionPermission(
                            group_id=group_id, collection_id=access.collection_id, permission=perm
                        )
                    )
        for action in MEMBERS:
            for model in ("memberprofile", "evaluation"):
                perm = perms[f"{action}_{model}"]
                if (access.reviewers_id, perm.pk) not in have_group:
                    group_rows.append(
                        Group.permissions.through(group_id=access.reviewers_id, permission=perm)
                    )
    GroupCollectionPermission.objects.bulk_create(collection_rows)
    Group.permissions.through.objects.bulk_create(group_rows)
