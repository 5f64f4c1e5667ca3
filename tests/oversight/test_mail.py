"""Reminder email through a real SMTP server on 127.0.0.1 (aiosmtpd): exactly once across
reruns and a crash, retried — never lost, never duplicated — when the server refuses or
times out."""

import datetime

import pytest
from django.utils import timezone

from oversight import mail, nightly, schedule
from oversight.models import Delivery, Reminder

from .conftest import BRANCH, SIBLING, STREET

pytestmark = pytest.mark.django_db

OCT_26 = datetime.date(2026, 10, 26)
BRANCH_MAIL = f"{BRANCH}@example.org"


def test_the_nightly_run_emails_each_editor_their_reminders_once(
    aged_tree, editors, smtp_server, at
):
    at(2026, 10, 26)
    nightly.run(OCT_26)
    reminders = Reminder.objects.filter(organisation=aged_tree[BRANCH])
    mine = smtp_server.to(BRANCH_MAIL)
    assert len(mine) == reminders.count() > 0
    assert {m["subject"] for m in mine} == set(reminders.values_list("subject", flat=True))
    news = next(m for m in mine if m["subject"].startswith("「支部动态每月更新」本月"))
    assert "至少需要 1 次，目前 0 次" in news["body"]
    assert "http://" in news["body"] and f"?org={aged_tree[BRANCH].pk}" in news["body"]
    # The street editor got its digest; the sibling's editor has no address: no mail.
    assert any("周汇总" in m["subject"] for m in smtp_server.to(f"{STREET}@example.org"))
    assert all(m["to"] != [""] for m in smtp_server.messages)
    assert set(
        Delivery.objects.filter(user=editors[SIBLING]).values_list("email_state", flat=True)
    ) == {Delivery.NO_ADDRESS}
    # Every message carries the delivery's own Message-ID.
    ids = {m["message_id"] for m in smtp_server.messages}
    assert len(ids) == len(smtp_server.messages)
    delivery = Delivery.objects.filter(email_state=Delivery.SENT).first()
    assert mail.message_id(delivery.pk) in ids
    # Run again (the same night, the next one): nothing new is sent.
    count = len(smtp_server.messages)
    nightly.run(OCT_26)
    at(2026, 10, 27)
    nightly.run(datetime.date(2026, 10, 27))
    assert len(smtp_server.messages) == count
    assert not Delivery.objects.exclude(
        email_state__in=[Delivery.SENT, Delivery.NO_ADDRESS]
    ).exists()


def test_a_crash_between_making_and_emailing_sends_each_mail_exactly_once(
    aged_tree, editors, smtp_server, at, monkeypatch
):
    at(2026, 10, 26)

    def crash(*args, **kwargs):
        raise RuntimeError("工作进程被终止")

    monkeypatch.setattr(mail, "send_pending", crash)
    with pytest.raises(RuntimeError):
        nightly.run(OCT_26)
    assert Reminder.objects.exists() and smtp_server.messages == []
    monkeypatch.undo()
    nightly.run(OCT_26)  # the next worker runs the day again
    nightly.run(OCT_26)
    subjects = [m["subject"] for m in smtp_server.to(BRANCH_MAIL)]
    assert (
        len(subjects)
        == len(set(subjects))
        == Reminder.objects.filter(organisation=aged_tree[BRANCH]).count()
    )


@pytest.mark.parametrize("answer", ["554 5.7.1 拒收", "451 4.3.0 请稍后再试"])
def test_a_refusing_server_leaves_the_deliveries_to_retry_never_lost_or_doubled(
    aged_tree, editors, smtp_server, at, answer
):
    at(2026, 10, 26)
    smtp_server.answer = answer
    nightly.run(OCT_26)
    assert smtp_server.messages == []
    emailed = Delivery.objects.exclude(email_state=Delivery.NO_ADDRESS)
    assert set(emailed.values_list("email_state", "attempts")) == {(Delivery.FAILED, 1)}
    failed = emailed.first()
    assert "SMTPDataError" in failed.error and failed.next_try_at > timezone.now()
    # Not due yet: a sweep sends nothing.
    assert mail.send_pending().sent == 0
    # The server recovers; ten minutes later the retries go out, once.
    smtp_server.answer = None
    at(2026, 10, 26, 11)
    report = mail.send_pending()
    assert report.sent == emailed.count() == len(smtp_server.messages)
    assert mail.send_pending().sent == 0
    assert set(emailed.values_list("email_state", "attempts", "error")) == {(Delivery.SENT, 1, "")}
    assert (
        len(smtp_server.to(BRANCH_MAIL))
        == Reminder.objects.filter(organisation=aged_tree[BRANCH]).count()
    )


def test_a_server_that_times_out_is_retried_with_backoff_and_gives_up_visibly(
    aged_tree, editors, silent_server, at, settings
):
    settings.PORTAL_OVERSIGHT_MAIL_ATTEMPTS = 3
    at(2026, 10, 26)
    nightly.run(OCT_26)
    emailed = Delivery.objects.exclude(email_state=Delivery.NO_ADDRESS)
    assert set(emailed.values_list("email_state", "attempts")) == {(Delivery.FAILED, 1)}
    assert (
        "timed out" in emailed.first().error.lower() or "timeout" in emailed.first().error.lower()
    )
    first_retry = emailed.first().next_try_at
    assert first_retry - timezone.now() == datetime.timedelta(seconds=mail.backoff(1))
    at(2026, 10, 26, 11)
    mail.send_pending()
    second = emailed.first()
    assert second.attempts == 2
    assert second.next_try_at - timezone.now() == datetime.timedelta(seconds=mail.backoff(2))
    at(2026, 10, 26, 12)
    mail.send_pending()
    at(2026, 10, 27, 12)
    assert mail.send_pending().failed == 0  # out of attempts: no fourth try
    assert set(emailed.values_list("email_state", "attempts")) == {(Delivery.FAILED, 3)}
    assert not mail.has_due()


def test_a_sent_delivery_is_never_sent_again(aged_tree, editors, smtp_server, at):
    at(2026, 10, 26)
    nightly.run(OCT_26)
    count = len(smtp_server.messages)
    # Even made due again by hand, a sent delivery is not picked.
    Delivery.objects.update(next_try_at=timezone.now() - datetime.timedelta(days=1))
    assert mail.send_pending().sent == 0
    assert len(smtp_server.messages) == count


def test_without_email_host_mails_are_files_under_the_var_dir(
    aged_tree, editors, at, settings, tmp_path
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    at(2026, 10, 26)
    nightly.run(OCT_26)
    written = "".join(p.read_text() for p in (tmp_path / "mail").iterdir())
    assert (
        written.count("Message-ID: <oversight-delivery-")
        == Delivery.objects.filter(email_state=Delivery.SENT).count()
        > 0
    )


def test_the_periodic_run_queues_the_sweep_only_while_deliveries_are_due(
    aged_tree, editors, at, monkeypatch
):
    from oversight import tasks

    queued = []
    monkeypatch.setattr(schedule, "schedule_once", lambda task: queued.append(task) or task)
    at(2026, 10, 26)
    assert schedule.queue_mail() is False
    from oversight.reminders import send_reminders

    send_reminders(OCT_26)
    assert schedule.queue_mail() is True and queued == [tasks.send_mail]
    # The immediate backend of the tests runs nothing inside the periodic signal.
    queued.clear()
    schedule._mail_sweep(sender=None)
    assert queued == []


def test_the_email_settings_come_from_the_environment(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import portal.settings.base as base

    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_PORT", "587")
    monkeypatch.setenv("EMAIL_USE_TLS", "true")
    reloaded = importlib.reload(base)
    try:
        assert reloaded.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
        assert (reloaded.EMAIL_PORT, reloaded.EMAIL_USE_TLS, reloaded.EMAIL_TIMEOUT) == (
            587,
            True,
            10,
        )
        monkeypatch.setenv("EMAIL_USE_SSL", "true")
        with pytest.raises(ImproperlyConfigured, match="只能开启一个"):
            importlib.reload(base)
        monkeypatch.setenv("EMAIL_USE_SSL", "false")
        monkeypatch.setenv("EMAIL_PORT", "0")
        with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
            importlib.reload(base)
    finally:
        for name in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
            monkeypatch.delenv(name, raising=False)
        importlib.reload(base)


def test_two_worker_runs_of_the_day_and_a_sweep_send_each_mail_once(
    aged_tree, editors, smtp_server, at
):
    from oversight import tasks

    at(2026, 10, 26)
    tasks.run_day.enqueue(OCT_26.isoformat())
    tasks.run_day.enqueue(OCT_26.isoformat())  # a second worker, or a rerun after a crash
    result = tasks.send_mail.enqueue()
    assert result.return_value == {"sent": 0, "failed": 0, "none": 0}
    subjects = [m["subject"] for m in smtp_server.to(BRANCH_MAIL)]
    assert (
        len(subjects)
        == len(set(subjects))
        == Reminder.objects.filter(organisation=aged_tree[BRANCH]).count()
    )
