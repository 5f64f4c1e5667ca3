"""Wagtail's own "Moderators approval" workflow (made by its migration 0048 and assigned to
the root page) shows in English in the admin and covers every page outside our
assignments, translated trees among them. Our pages go through 三审 or 一审
(kitchen/workflows.py): remove it, its task unless another workflow uses it, and any
assignment on the root page. (kitchen.workflows.remove_default_workflow does the same
for databases that get the workflow back later; this migration keeps its own copy so it
never depends on code that changes.)"""

from django.db import migrations

DEFAULT_WORKFLOW = "Moderators approval"


def forwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowPage.objects.filter(page__depth=1).delete()
    for workflow in Workflow.objects.filter(name=DEFAULT_WORKFLOW):
        task_ids = list(
            WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True)
        )
        workflow.delete()
        used = WorkflowTask.objects.filter(task_id__in=task_ids).values_list("task_id", flat=True)
        Task.objects.filter(pk__in=task_ids, name=DEFAULT_WORKFLOW).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kitchen", "0003_quick_publish_choice"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
