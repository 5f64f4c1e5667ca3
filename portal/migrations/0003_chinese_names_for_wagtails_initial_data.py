"""Wagtail's initial migration writes English data that the admin then shows as is: the
tree's root page and root collection "Root" (page choosers, breadcrumbs, the collection
filter of the image, document and media libraries, site history), the placeholder page
"Welcome to your new Wagtail site!" (its deletion by portal.setup stays in the history)
and the groups "Editors" and "Moderators" (the users and groups lists). Nothing of ours
uses those groups (each organisation has its own `<code>:editors` / `<code>:reviewers`,
sites/access.py), but a site may have put people in them, so they are renamed, not
deleted. Only the untouched English names are changed; reversible."""

from django.db import migrations

PAGES = {  # (depth, English title) -> Chinese title
    (1, "Root"): "根目录",
    (2, "Welcome to your new Wagtail site!"): "Wagtail 占位首页",
}
COLLECTIONS = {"Root": "根目录"}  # depth 1
GROUPS = {"Editors": "编辑", "Moderators": "审核员"}


def rename(apps, names_of_pages, names_of_collections, names_of_groups):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    for (depth, old), new in names_of_pages.items():
        Page.objects.filter(depth=depth, title=old).update(title=new, draft_title=new)
    for old, new in names_of_collections.items():
        Collection.objects.filter(depth=1, name=old).update(name=new)
    for old, new in names_of_groups.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)


def forwards(apps, schema_editor):
    rename(apps, PAGES, COLLECTIONS, GROUPS)


def backwards(apps, schema_editor):
    rename(
        apps,
        {(depth, new): old for (depth, old), new in PAGES.items()},
        {new: old for old, new in COLLECTIONS.items()},
        {new: old for old, new in GROUPS.items()},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_content_locales"),
        ("wagtailcore", "0094_alter_page_locale"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
