"""Background work of 监督 (django-tasks; the worker runs it)."""

import datetime

from django_tasks import task


@task()
def run_day(day):
    """The nightly run of `day` (ISO date): statuses and scores of every organisation,
    then the reminders and digests they call for (oversight/nightly.py)."""
    from .nightly import run

    run(datetime.date.fromisoformat(day))


@task()
def refresh_subtree(organisation_id):
    """Recompute the current rows of one organisation's subtree (the dashboard's 立即刷新)."""
    from sites.models import OrganisationPage

    from .scores import refresh

    scope = OrganisationPage.objects.filter(pk=organisation_id).first()
    if scope is not None:
        refresh(scope)


@task()
def send_mail():
    """Email the reminders whose delivery is due (new ones, and retries after a refusing
    or silent SMTP server); the periodic run queues it while some are due."""
    from .mail import send_pending

    report = send_pending()
    return {"sent": report.sent, "failed": report.failed, "none": report.no_address}
