"""Background work of 组织生活 (django-tasks; `manage.py db_worker`)."""

from django_tasks import task


@task()
def build_handbook(build_id):
    """Build a large year's 工作手册 (orglife/handbook_builds.py), writing its progress to
    the HandbookBuild row the status page polls."""
    from .handbook_builds import build_now

    build_now(build_id)
