"""Background work of the screens (django-tasks worker): snapshot rebuilds."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import DisplayGroup
from .snapshots import rebuild


@task()
def rebuild_screen_snapshots(group_ids=None):
    """Rebuild the snapshots of these display groups (all when None)."""
    groups = DisplayGroup.objects.all()
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    return {group.slug: rebuild(group) for group in groups}


def rebuild_stale_snapshots():
    """Hourly, so the 24-hour schedule in every snapshot keeps reaching ahead."""
    stale = timezone.now() - timedelta(hours=1)
    for group in DisplayGroup.objects.filter(
        Q(snapshot_built_at__lt=stale) | Q(snapshot_built_at__isnull=True)
    ):
        rebuild(group)
