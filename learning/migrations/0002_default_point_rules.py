"""The default point rules (editable in the admin afterwards)."""

from django.db import migrations

RULES = [
    # code, name, points, daily cap, minutes
    ("lesson_done", "学完一节微课", 10, 50, 0),
    ("listen", "收听有声读物", 2, 20, 5),
    ("daily_login", "每日登录", 1, 1, 0),
    ("quiz", "答题", 1, 20, 0),
]


def add_rules(apps, schema_editor):
    PointRule = apps.get_model("learning", "PointRule")
    for code, name, points, cap, minutes in RULES:
        PointRule.objects.get_or_create(
            code=code,
            defaults={"name": name, "points": points, "daily_cap": cap, "minutes": minutes},
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
