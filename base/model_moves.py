"""Migration operations for models that move from one app to another and keep their tables.

The models' state moves with SeparateDatabaseAndState (the tables stay, no row is
touched). Two things outside the tables name the app and move here:

- content types (app_label, model): renamed in place, so every permission, group
  assignment, log entry, reference-index row and Wagtail task or task state that points
  at them keeps pointing at the same row;
- queued background tasks (django-tasks' `task_path`), so work queued before the move
  still runs after it.
"""

from django.db import migrations


def relabel_content_types(old_app, new_app, model_names):
    """A RunPython operation: content types of `model_names` go from `old_app` to
    `new_app` (and back when the migration is reversed)."""

    def move(apps, from_app, to_app):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for name in model_names:
            old = ContentType.objects.filter(app_label=from_app, model=name).first()
            if old is None:
                continue  # a database that never had the model: nothing to carry over
            # A content type made for the new label before this ran (nothing refers to it
            # yet) gives way to the one everything refers to.
            ContentType.objects.filter(app_label=to_app, model=name).delete()
            old.app_label = to_app
            old.save(update_fields=["app_label"])

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, old_app, new_app),
        lambda apps, schema_editor: move(apps, new_app, old_app),
    )


def rename_task_paths(paths):
    """A RunPython operation: queued and finished django-tasks rows of `paths`
    ({old dotted path: new}) take the new path (and the old one when reversed)."""

    def rename(apps, mapping):
        DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
        for old, new in mapping.items():
            DBTaskResult.objects.filter(task_path=old).update(task_path=new)

    return migrations.RunPython(
        lambda apps, schema_editor: rename(apps, paths),
        lambda apps, schema_editor: rename(apps, {new: old for old, new in paths.items()}),
    )
