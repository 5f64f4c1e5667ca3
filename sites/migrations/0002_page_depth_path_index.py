"""An index on wagtailcore_page (depth, path) for "children of X" at 100,000+ pages.

Wagtail/treebeard select children with a path prefix plus depth; with only the path
index, the children of the portal home (depth 2) meant walking every page's index entry.
With (depth, path) it is one tight range. See sites/tree.py.
"""

from django.db import migrations

INDEX = "orgs_page_depth_path_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailcore_page (depth, path)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
