"""Organisations provisioned before 组织生活 existed: their editors and reviewers groups get
the record permissions now (provisioning grants them to new ones, orglife.access)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_existing_groups(apps, schema_editor):
    from orglife.access import grant_role_permissions

    # The permission rows are made after migrating (post_migrate); make them now.
    app_config = apps.get_app_config("orglife")
    if getattr(app_config, "models_module", None) is None:  # historical apps: no module
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    accesses = apps.get_model("orgs", "OrganisationAccess").objects
    grant_role_permissions(
        accesses.values_list("editors_id", "reviewers_id"),
        apps.get_model("auth", "Permission"),
        apps.get_model("auth", "Group").permissions.through,
    )


class Migration(migrations.Migration):
    dependencies = [("orglife", "0002_meeting_types"), ("orgs", "0006_column_purpose")]

    operations = [migrations.RunPython(grant_existing_groups, migrations.RunPython.noop)]
