"""Organisations provisioned before 组织生活 existed: their editors and reviewers groups get
the record permissions now (provisioning grants them to new ones, orglife.access)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_existing_groups(apps, schema_editor):
    from orglife.access import ROLE_PERMISSIONS

    # The permission rows are made after migrating (post_migrate); make them now.
    app_config = apps.get_app_config("orglife")
    if getattr(app_config, "models_module", None) is None:  # historical apps: no module
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    Through = apps.get_model("auth", "Group").permissions.through
    OrganisationAccess = apps.get_model("orgs", "OrganisationAccess")
    perms = dict(
        Permission.objects.filter(
            content_type__app_label="orglife", codename__in=ROLE_PERMISSIONS["editors"]
        ).values_list("codename", "pk")
    )
    accesses = list(OrganisationAccess.objects.values_list("editors_id", "reviewers_id"))
    if not accesses or not perms:
        return
    groups = {"editors": [e for e, _r in accesses], "reviewers": [r for _e, r in accesses]}
    have = set(
        Through.objects.filter(permission_id__in=perms.values()).values_list(
            "group_id", "permission_id"
        )
    )
    Through.objects.bulk_create(
        Through(group_id=group_id, permission_id=perms[codename])
        for role, codenames in ROLE_PERMISSIONS.items()
        for group_id in groups[role]
        for codename in codenames
        if (group_id, perms[codename]) not in have
    )


class Migration(migrations.Migration):
    dependencies = [("orglife", "0002_meeting_types"), ("orgs", "0006_column_purpose")]

    operations = [migrations.RunPython(grant_existing_groups, migrations.RunPython.noop)]
