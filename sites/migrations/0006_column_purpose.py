from django.db import migrations, models

STEPLEN = 4  # Wagtail's tree path step
BY_TOP_SLUG = {  # skeleton slug of a top column -> purpose of it and its descendants
    "news": "news",
    "notices": "notices",
    "disclosure": "disclosure",
    "directives": "files",
    "topics": "files",
}


def set_purposes(apps, schema_editor):
    """Existing columns get the purpose of their skeleton column: 支部动态 (news) and
    everything below it news, 通知公告 notices, 党务公开 disclosure, the directive columns
    (文件栏目 anywhere, 本级文件, 专栏专题) files; the rest stays general."""
    ColumnPage = apps.get_model("orgs", "ColumnPage")
    OrganisationPage = apps.get_model("orgs", "OrganisationPage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    directive_column = ContentType.objects.filter(
        app_label="content", model="directiveindexpage"
    ).first()
    organisations = set(OrganisationPage.objects.values_list("path", flat=True))
    columns = list(ColumnPage.objects.values_list("pk", "path", "slug", "content_type_id"))
    slug_at = {path: slug for _, path, slug, _ in columns}
    purposes = {}
    for pk, path, _slug, content_type in columns:
        if directive_column is not None and content_type == directive_column.pk:
            purposes.setdefault("files", []).append(pk)
            continue
        org_end = next(
            (end for end in range(len(path) - STEPLEN, 0, -STEPLEN) if path[:end] in organisations),
            None,
        )
        top_slug = slug_at.get(path[: org_end + STEPLEN]) if org_end else None
        purpose = BY_TOP_SLUG.get(top_slug)
        if purpose:
            purposes.setdefault(purpose, []).append(pk)
    for purpose, pks in purposes.items():
        for start in range(0, len(pks), 2000):
            ColumnPage.objects.filter(pk__in=pks[start : start + 2000]).update(purpose=purpose)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_translatable_leaders"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="columnpage",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("news", "支部动态"),
                    ("notices", "通知公告"),
                    ("disclosure", "党务公开"),
                    ("files", "文件"),
                    ("general", "栏目"),
                ],
                default="general",
                help_text="决定编辑可在本栏目中新建哪些页面：支部动态 → 文章、风采展示；通知公告 → 通知；"
                "党务公开 → 公开事项；文件 → 文件。",
                max_length=16,
                verbose_name="栏目用途",
            ),
        ),
        migrations.RunPython(set_purposes, migrations.RunPython.noop),
    ]
