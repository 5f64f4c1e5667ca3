"""The nightly run: every organisation's status and score rows for the day, then the
reminders and the weekly digests, then their email (oversight/mail.py). Queued once a day
by the periodic task (oversight/schedule.py); safe to run again for the same day (the
scores replace the current rows, reminders are made once per key, a sent email is never
sent again), so a run cut short by a crash is simply run again by the next worker."""

from django.utils import timezone

from .models import DailyRun
from .scores import refresh


def run(day=None, progress=None):
    from .mail import send_pending
    from .reminders import send_reminders

    day = day or timezone.localdate()
    organisations = refresh(None, day, progress=progress)
    made = send_reminders(day)
    send_pending()
    DailyRun.objects.update_or_create(
        day=day,
        defaults={
            "finished_at": timezone.now(),
            "organisations": organisations,
            "reminders": made,
        },
    )
    return organisations, made
