"""Background work of the learning library (django-tasks; `manage.py db_worker`)."""

from django_tasks import task


@task()
def process_media(media_id):
    """Probe an uploaded lesson video or audio, make its poster and web rendition."""
    from .processing import process

    process(media_id)
