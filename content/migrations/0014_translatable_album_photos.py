"""AlbumPhoto becomes translatable with its page (wagtail-localize): each row gets a
translation key and its page's locale. Rows of translations made before keep the copies
they have; the next sync of the translation replaces them by translations of the source's
rows."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    Row = apps.get_model("content", "AlbumPhoto")
    Page = apps.get_model("wagtailcore", "Page")
    rows = list(Row.objects.values_list("pk", "page_id"))
    locales = dict(
        Page.objects.filter(pk__in={page for _pk, page in rows}).values_list("pk", "locale_id")
    )
    for pk, page in rows:
        Row.objects.filter(pk=pk).update(translation_key=uuid.uuid4(), locale_id=locales[page])


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0013_date_indexes"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="albumphoto",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="albumphoto",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="albumphoto",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="albumphoto",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterUniqueTogether(
            name="albumphoto",
            unique_together={("translation_key", "locale")},
        ),
    ]
