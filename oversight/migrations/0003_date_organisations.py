"""Organisations provisioned before provisioning dated them (first_published_at empty)
count as set up today: their update rules apply from the next whole period, so none is
late the day this is installed."""

from django.db import migrations
from django.utils import timezone


def date_organisations(apps, schema_editor):
    apps.get_model("orgs", "OrganisationPage").objects.filter(
        first_published_at__isnull=True
    ).update(first_published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("oversight", "0002_default_rules"), ("orgs", "0006_column_purpose")]

    operations = [migrations.RunPython(date_organisations, migrations.RunPython.noop)]
