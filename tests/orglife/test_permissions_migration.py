"""Groups of organisations provisioned before 组织生活 get the record permissions from the
migration orglife 0003 (new organisations get them when provisioned)."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Permission

from orglife.access import ROLE_PERMISSIONS
from sites.models import OrganisationAccess

pytestmark = pytest.mark.django_db

migration = importlib.import_module("orglife.migrations.0003_grant_existing_groups")


def codenames(group):
    return set(
        group.permissions.filter(content_type__app_label="orglife").values_list(
            "codename", flat=True
        )
    )


def test_the_migration_grants_what_provisioning_would(org_tree):
    access = OrganisationAccess.objects.get(organisation=org_tree["da-s1-b1"])
    provisioned = codenames(access.editors), codenames(access.reviewers)
    assert provisioned == (set(ROLE_PERMISSIONS["editors"]), set(ROLE_PERMISSIONS["reviewers"]))
    # An organisation from before 组织生活: its groups hold none of them.
    for group in (access.editors, access.reviewers):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="orglife"))
    migration.grant_existing_groups(global_apps, None)
    assert (codenames(access.editors), codenames(access.reviewers)) == provisioned
    # Running it again adds nothing twice.
    migration.grant_existing_groups(global_apps, None)
    assert access.editors.permissions.filter(content_type__app_label="orglife").count() == len(
        ROLE_PERMISSIONS["editors"]
    )
