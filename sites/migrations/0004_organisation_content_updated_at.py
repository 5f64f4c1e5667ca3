from django.db import migrations, models


class Migration(migrations.Migration):
    # Filled for existing trees by content's 0012 (the item types are content's).
    dependencies = [
        ("orgs", "0003_code_unique_per_locale"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisationpage",
            name="content_updated_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="最近更新"
            ),
        ),
    ]
