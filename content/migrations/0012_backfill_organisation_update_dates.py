"""Date every existing organisation's 最近更新 (orgs.OrganisationPage.content_updated_at):
the newest publish of a live article, notice, disclosure item or album below it, the
types whose publishing sites.updates follows from now on."""

from django.db import migrations

STEPLEN = 4  # treebeard's steplen, as Wagtail's page paths use it
ITEM_MODELS = ("ArticlePage", "NoticePage", "DisclosurePage", "AlbumPage")


def backfill(apps, schema_editor):
    OrganisationPage = apps.get_model("orgs", "OrganisationPage")
    org_ids = dict(OrganisationPage.objects.values_list("path", "pk"))
    latest = {}
    for name in ITEM_MODELS:
        items = apps.get_model("content", name).objects.filter(
            live=True, last_published_at__isnull=False
        )
        for path, published in items.values_list("path", "last_published_at").iterator():
            for end in range(STEPLEN, len(path), STEPLEN):
                prefix = path[:end]
                if prefix in org_ids and (prefix not in latest or latest[prefix] < published):
                    latest[prefix] = published
    for path, published in latest.items():
        OrganisationPage.objects.filter(pk=org_ids[path]).update(content_updated_at=published)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0011_article_headline"),
        ("orgs", "0004_organisation_content_updated_at"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
