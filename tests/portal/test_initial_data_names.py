"""Wagtail's initial data in Chinese (portal migration 0003): the root page and root
collection every chooser and library shows, and the two groups Wagtail creates."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.models import Collection, Page

migration = import_module("portal.migrations.0003_chinese_names_for_wagtails_initial_data")

pytestmark = pytest.mark.django_db


def test_the_root_page_root_collection_and_wagtails_groups_have_chinese_names():
    assert Page.get_first_root_node().title == "根目录"
    assert Collection.get_first_root_node().name == "根目录"
    names = set(Group.objects.values_list("name", flat=True))
    assert {"编辑", "审核员"} <= names
    assert not {"Editors", "Moderators", "Root"} & names


def test_renaming_goes_back_and_never_takes_a_name_already_in_use():
    migration.backwards(apps, None)
    assert Page.get_first_root_node().title == "Root"
    assert Collection.get_first_root_node().name == "Root"
    assert Group.objects.filter(name__in=["Editors", "Moderators"]).count() == 2
    Group.objects.create(name="编辑")  # someone's own group
    migration.forwards(apps, None)
    assert Page.get_first_root_node().title == "根目录"
    assert Group.objects.filter(name="Editors").exists()  # left as it was, no clash
    assert Group.objects.filter(name="审核员").exists()
