from django.db import migrations

TYPES = [
    ("dyh", "支部党员大会", False),
    ("wyh", "支部委员会", False),
    ("xzh", "党小组会", False),
    ("dk", "党课", False),
    ("ztdr", "主题党日", False),
    ("zzshh", "组织生活会", False),
    ("mzpy", "民主评议党员", False),
    ("jtxx", "集体学习", False),
    ("relay", "传达学习", True),
]


def add_types(apps, schema_editor):
    MeetingType = apps.get_model("orglife", "MeetingType")
    for order, (code, name, is_relay) in enumerate(TYPES, start=1):
        MeetingType.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "is_relay": is_relay}
        )


def remove_types(apps, schema_editor):
    apps.get_model("orglife", "MeetingType").objects.filter(
        code__in=[code for code, _, _ in TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("orglife", "0001_initial")]

    operations = [migrations.RunPython(add_types, remove_types)]
