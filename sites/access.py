"""Per-organisation editorial isolation: groups, page permissions and a media collection.

Each organisation gets `<code>:editors` (add/change pages) and `<code>:reviewers`
(add/change/publish), both with admin access, with permissions on the organisation's own
page only, so they reach its subtree and nothing beside or above it. Its collection sits
under the parent organisation's collection, so upper organisations see their subtree's
media and siblings never see each other's. Few permission rows per group keep the admin
explorer fast (wagtail/wagtail#14593).
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from .models import OrganisationAccess

EDITORS, REVIEWERS = "editors", "reviewers"
ROLES = (EDITORS, REVIEWERS)
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page"],
}
COLLECTION_PERMISSIONS = {
    # Branch teams are small: editors see and edit all of their organisation's media.
    EDITORS: ["add_{model}", "change_{model}", "choose_{model}"],
    REVIEWERS: ["add_{model}", "change_{model}", "choose_{model}", "delete_{model}"],
}
MEDIA_MODELS = [("wagtailimages", "image"), ("wagtaildocs", "document")]


def group_name(code, role):
    return f"{code}:{role}"


def _permissions():
    """{codename: Permission} for everything the two roles hold."""
    codenames = {"access_admin"}
    for names in PAGE_PERMISSIONS.values():
        codenames.update(names)
    for templates in COLLECTION_PERMISSIONS.values():
        for _, model in MEDIA_MODELS:
            codenames.update(t.format(model=model) for t in templates)
    perms = Permission.objects.filter(codename__in=codenames).select_related("content_type")
    wanted_apps = {"wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs"}
    return {p.codename: p for p in perms if p.content_type.app_label in wanted_apps}


def ensure_access(organisations, progress=None):
    """Create whatever groups, collections and permission rows are missing.

    Works on many organisations at once with a fixed number of queries for the checks;
    organisations must be ordered parents first. Returns how many organisations got
    something new.
    """
    organisations = list(organisations)
    if not organisations:
        return 0
    steplen = organisations[0].steplen
    access_by_org = {
        a.organisation_id: a
        for a in OrganisationAccess.objects.select_related("collection").filter(
            organisation__in=[o.pk for o in organisations]
        )
    }
    # Tree path of an organisation -> its collection, for nesting new collections.
    collection_by_path = {
        a.organisation.path: a.collection
        for a in OrganisationAccess.objects.select_related("organisation", "collection").filter(
            organisation__path__in={o.path[:-steplen] for o in organisations}
        )
    }
    groups_by_name = {
        g.name: g
        for g in Group.objects.filter(
            name__in=[group_name(o.code, r) for o in organisations for r in ROLES]
        )
    }
    root_collection = Collection.get_first_root_node()
    changed = 0
    for org in organisations:
        access = access_by_org.get(org.pk)
        if access is None:
            changed += 1
            groups = {
                role: groups_by_name.get(group_name(org.code, role))
                or Group.objects.create(name=group_name(org.code, role))
                for role in ROLES
            }
            parent_collection = collection_by_path.get(org.path[:-steplen], root_collection)
            access = OrganisationAccess.objects.create(
                organisation=org,
                editors=groups[EDITORS],
                reviewers=groups[REVIEWERS],
                collection=parent_collection.add_child(name=f"{org.title}（{org.code}）"),
            )
            access_by_org[org.pk] = access
        collection_by_path[org.path] = access.collection
        if progress:
            progress.update(1)
    _ensure_permission_rows(list(access_by_org.values()), _permissions())
    from .signals import organisations_ready

    organisations_ready.send(sender=OrganisationAccess, organisations=organisations)
    return changed


def _ensure_permission_rows(accesses, perms):
    group_ids = [a.editors_id for a in accesses] + [a.reviewers_id for a in accesses]
    have_page = set(
        GroupPagePermission.objects.filter(group_id__in=group_ids).values_list(
            "group_id", "page_id", "permission_id"
        )
    )
    have_collection = set(
        GroupCollectionPermission.objects.filter(group_id__in=group_ids).values_list(
            "group_id", "collection_id", "permission_id"
        )
    )
    have_group_perm = set(
        Group.permissions.through.objects.filter(
            group_id__in=group_ids, permission=perms["access_admin"]
        ).values_list("group_id", flat=True)
    )
    page_rows, collection_rows, admin_rows = [], [], []
    for access in accesses:
        for role in ROLES:
            group_id = access.editors_id if role == EDITORS else access.reviewers_id
            if group_id not in have_group_perm:
                admin_rows.append(
                    Group.permissions.through(group_id=group_id, permission=perms["access_admin"])
                )
            for codename in PAGE_PERMISSIONS[role]:
                key = (group_id, access.organisation_id, perms[codename].pk)
                if key not in have_page:
                    page_rows.append(
                        GroupPagePermission(
                            group_id=group_id,
                            page_id=access.organisation_id,
                            permission=perms[codename],
                        )
                    )
            for template in COLLECTION_PERMISSIONS[role]:
                for _, model in MEDIA_MODELS:
                    perm = perms[template.format(model=model)]
                    if (group_id, access.collection_id, perm.pk) not in have_collection:
                        collection_rows.append(
                            GroupCollectionPermission(
                                group_id=group_id,
                                collection_id=access.collection_id,
                                permission=perm,
                            )
                        )
    Group.permissions.through.objects.bulk_create(admin_rows, batch_size=2000)
    GroupPagePermission.objects.bulk_create(page_rows, batch_size=2000)
    GroupCollectionPermission.objects.bulk_create(collection_rows, batch_size=2000)
