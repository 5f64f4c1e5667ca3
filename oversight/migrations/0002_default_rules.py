"""The default update rules (the Ziyang "手机+党支部" practice and 三会一课) and score
weights. Editable in the admin afterwards (监督 → 更新规则 / 积分权重)."""

from django.db import migrations

# kind, name, subject, purpose, meeting type code, months, minimum, remind days
RULES = [
    ("branch", "支部动态每月更新", "column", "news", None, 1, 1, 7),
    ("branch", "党务公开每季度更新", "column", "disclosure", None, 3, 1, 15),
    ("branch", "组织生活每月记录", "meeting", "", None, 1, 1, 7),
    ("branch", "支部党员大会每季度一次", "meeting", "", "dyh", 3, 1, 15),
    ("branch", "支部委员会每月一次", "meeting", "", "wyh", 1, 1, 7),
    ("branch", "党小组会每月一次", "meeting", "", "xzh", 1, 1, 7),
    ("branch", "党课每季度一次", "meeting", "", "dk", 3, 1, 15),
    ("community", "社区动态每月更新", "column", "news", None, 1, 1, 7),
    ("community", "党务公开每季度更新", "column", "disclosure", None, 3, 1, 15),
    ("street", "街道动态每月更新", "column", "news", None, 1, 1, 7),
    ("street", "党务公开每季度更新", "column", "disclosure", None, 3, 1, 15),
    ("district", "区委动态每月更新", "column", "news", None, 1, 1, 7),
]
# part, weight, target
WEIGHTS = [("compliance", 40, 0), ("relay", 25, 0), ("attendance", 20, 0), ("study", 15, 30)]


def add_defaults(apps, schema_editor):
    UpdateRule = apps.get_model("oversight", "UpdateRule")
    ScoreWeight = apps.get_model("oversight", "ScoreWeight")
    MeetingType = apps.get_model("orglife", "MeetingType")
    types = dict(MeetingType.objects.values_list("code", "pk"))
    for order, (kind, name, subject, purpose, type_code, months, minimum, remind) in enumerate(
        RULES
    ):
        UpdateRule.objects.get_or_create(
            kind=kind,
            name=name,
            defaults={
                "subject": subject,
                "purpose": purpose,
                "meeting_type_id": types.get(type_code) if type_code else None,
                "period_months": months,
                "minimum": minimum,
                "remind_days": remind,
                "order": order,
            },
        )
    for part, weight, target in WEIGHTS:
        ScoreWeight.objects.get_or_create(part=part, defaults={"weight": weight, "target": target})


def remove_defaults(apps, schema_editor):
    apps.get_model("oversight", "UpdateRule").objects.filter(
        name__in=[r[1] for r in RULES]
    ).delete()
    apps.get_model("oversight", "ScoreWeight").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_initial"),
        ("orglife", "0002_meeting_types"),
    ]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
