"""Background work of live streaming (django-tasks; `manage.py db_worker`)."""

from django_tasks import task


@task()
def make_replay(event_id):
    """Turn an ended live event's recording into its replay lesson (replay.py)."""
    from .replay import make_replay as run

    lesson = run(event_id)
    return lesson.pk if lesson else None
