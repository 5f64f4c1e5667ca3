"""The email of reminders: pending and due-for-retry Deliveries sent with Django's email
framework (EMAIL_* settings; without EMAIL_HOST the file backend writes them under
var/mail/), one connection per batch.

- Each message has a Message-ID derived from the delivery id, so a receiving system can
  drop a copy (a crash between the server accepting a mail and the row being marked sent
  is the one case where a mail may be handed over twice).
- Sent → `sent` with `sent_at`; a delivery already sent is never picked again.
- The server refuses or times out → `failed`, attempts + 1, `next_try_at` after a backoff
  (5 minutes, doubling, at most 6 hours), the error kept; picked again when due until
  PORTAL_OVERSIGHT_MAIL_ATTEMPTS attempts, then it stays `failed` (visible in the sent list).
- No address → `none`.
- A delivery is claimed (its `next_try_at` moved ahead) before it is sent, so two workers
  sweeping at once do not both send it."""

import datetime
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from .models import Delivery

BATCH = 100
CLAIM = datetime.timedelta(minutes=10)  # how long a claimed delivery is left to its sender
BACKOFF_BASE, BACKOFF_CAP = 300, 6 * 3600  # seconds
ERRORS = (smtplib.SMTPException, OSError)  # refusals; refused connections and timeouts


def max_attempts():
    return settings.PORTAL_OVERSIGHT_MAIL_ATTEMPTS


def backoff(attempts):
    """Seconds to wait after the `attempts`-th failure."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))


def message_id(delivery_id):
    domain = settings.PORTAL_DOMAIN or "localhost"
    return f"<oversight-delivery-{delivery_id}@{domain}>"


def absolute(link):
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link


def due(now=None):
    """Deliveries to email now: pending, or failed with attempts left and their retry due."""
    now = now or timezone.now()
    return Delivery.objects.filter(
        Q(email_state=Delivery.PENDING)
        | Q(email_state=Delivery.FAILED, attempts__lt=max_attempts()),
        next_try_at__lte=now,
    )


def has_due(now=None):
    return due(now).exists()


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    no_address: int = 0


def send_pending(now=None, limit=None):
    """Email every due delivery, batch after batch; returns a Report."""
    report = Report()
    done = set()
    while limit is None or report.sent + report.failed < limit:
        now_ = now or timezone.now()
        batch = list(
            due(now_)
            .exclude(pk__in=done)
            .select_related("reminder")
            .order_by("next_try_at", "pk")[:BATCH]
        )
        if not batch:
            break
        done.update(d.pk for d in batch)
        send_batch(batch, now_, report)
    return report


def claim(delivery, now):
    """Move the delivery's next try ahead, unless another sender did it first."""
    claimed = Delivery.objects.filter(
        pk=delivery.pk,
        next_try_at=delivery.next_try_at,
        email_state__in=[Delivery.PENDING, Delivery.FAILED],
    ).update(next_try_at=now + CLAIM)
    return claimed == 1


def send_batch(batch, now, report):
    mine = []
    for delivery in batch:
        if not delivery.email:
            Delivery.objects.filter(pk=delivery.pk).update(email_state=Delivery.NO_ADDRESS)
            report.no_address += 1
        elif claim(delivery, now):
            mine.append(delivery)
    if not mine:
        return
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except ERRORS as error:
        for delivery in mine:
            failed(delivery, now, error)
            report.failed += 1
        return
    try:
        for delivery in mine:
            try:
                connection.send_messages([message(delivery, connection)])
            except ERRORS as error:
                failed(delivery, now, error)
                report.failed += 1
                _reset(connection)
            else:
                Delivery.objects.filter(pk=delivery.pk).update(
                    email_state=Delivery.SENT, sent_at=timezone.now(), error=""
                )
                report.sent += 1
    finally:
        try:
            connection.close()
        except ERRORS:  # pragma: no cover - closing a broken connection
            pass


def _reset(connection):
    """After an error the SMTP session may be unusable: the next message opens a new one."""
    try:
        connection.close()
    except ERRORS:
        pass
    try:
        connection.open()
    except ERRORS:
        pass


def message(delivery, connection):
    reminder = delivery.reminder
    body = reminder.body
    link = absolute(reminder.link)
    if link:
        body = f"{body}\n\n{link}"
    return EmailMessage(
        subject=reminder.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        connection=connection,
        headers={"Message-ID": message_id(delivery.pk)},
    )


def failed(delivery, now, error):
    attempts = delivery.attempts + 1
    text = f"{type(error).__name__}: {error}"[:300]
    Delivery.objects.filter(pk=delivery.pk).update(
        email_state=Delivery.FAILED,
        attempts=attempts,
        next_try_at=now + datetime.timedelta(seconds=backoff(attempts)),
        error=text,
    )
