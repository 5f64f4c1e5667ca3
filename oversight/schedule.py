"""When the nightly run happens: the periodic task (kitchen.tasks.run_schedules, every
PORTAL_SCHEDULE_INTERVAL seconds) asks on each run; the first run of a local day at or
after PORTAL_OVERSIGHT_HOUR queues the day's run, once — the DailyRun row made in the same
transaction is what all workers agree on, not a timer in one process."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from kitchen.tasks import schedule_once, schedules_ran

from .models import DailyRun


def queue_day(now=None):
    """Queue today's run unless it was queued already; returns whether it did."""
    now = timezone.localtime(now)
    if now.hour < settings.PORTAL_OVERSIGHT_HOUR:
        return False
    day = now.date()
    if DailyRun.objects.filter(day=day).exists():
        return False
    from .tasks import run_day

    try:
        with transaction.atomic():
            DailyRun.objects.create(day=day)
            transaction.on_commit(lambda: run_day.enqueue(day.isoformat()))
    except IntegrityError:  # another worker queued it meanwhile
        return False
    return True


@receiver(schedules_ran)
def _periodic(sender, **kwargs):
    from .tasks import run_day

    # A backend that runs tasks at once (the test settings) would run the whole night's
    # work inside the periodic task; the worker's database backend queues it.
    if run_day.get_backend().supports_defer:
        queue_day()


def queue_mail(now=None):
    """Queue the email sweep when a delivery is due and no sweep is queued; returns
    whether it did."""
    from .mail import has_due
    from .tasks import send_mail

    if not has_due(now):
        return False
    return schedule_once(send_mail) is not None


@receiver(schedules_ran)
def _mail_sweep(sender, **kwargs):
    from .tasks import send_mail

    # As above: the immediate backend (tests) would send inside the periodic task.
    if send_mail.get_backend().supports_defer:
        queue_mail()
