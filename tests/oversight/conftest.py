import datetime

import pytest
import time_machine
from django.utils import timezone

from sites.models import OrganisationPage
from tests.conftest import FOUNDED  # noqa: F401 (the tests import it from here)

BRANCH, SIBLING, STREET, DISTRICT = "da-s1-b1", "da-s2-b1", "da-s1", "da"
# aged_tree (org_tree founded on FOUNDED) is in tests/conftest.py: the oversight browser
# tests use it too.


@pytest.fixture
def at():
    """at(2026, 10, 5): the clock frozen at 10:00 local time of that day (time-machine),
    for the rest of the test or the `with` block."""
    travellers = []

    def travel(year, month, day, hour=10):
        moment = timezone.make_aware(datetime.datetime(year, month, day, hour))
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)
        return traveller

    yield travel
    for traveller in reversed(travellers):
        traveller.stop()


# --- reminders and their email (tests/oversight/test_reminders.py, test_mail.py,
# test_messages.py) ---------------------------------------------------------------------


class Inbox:
    """What a real SMTP server on 127.0.0.1 received; `answer` (e.g. "554 拒收" or
    "451 稍后再试") makes it refuse every message's data instead."""

    def __init__(self):
        self.messages = []
        self.answer = None

    async def handle_DATA(self, server, session, envelope):
        if self.answer:
            return self.answer
        import email
        from email.policy import default

        parsed = email.message_from_bytes(envelope.original_content, policy=default)
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "subject": str(parsed["Subject"]).strip(),  # the folded header unfolds with a space
                "body": parsed.get_body(("plain",)).get_content(),
                "message_id": str(parsed["Message-ID"]),
            }
        )
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["to"]]


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on a free port of 127.0.0.1, with the email settings pointing
    at it; yields its Inbox."""
    from aiosmtpd.controller import Controller

    from base.ports import free_port

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


@pytest.fixture
def silent_server(settings):
    """A TCP server on 127.0.0.1 that accepts connections and never speaks (an SMTP server
    that times out); the email settings point at it with a 1-second timeout."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    yield listener
    listener.close()


@pytest.fixture
def editors(aged_tree):
    """An editor with an email address for the branch, its street and the district, and
    one without an address for the sibling branch: {code: user}."""
    from tests.factories import UserFactory

    made = {}
    for code in (BRANCH, STREET, DISTRICT):
        made[code] = UserFactory(
            username=f"editor-{code}", email=f"{code}@example.org", groups=[f"{code}:editors"]
        )
    made[SIBLING] = UserFactory(username=f"editor-{SIBLING}", groups=[f"{SIBLING}:editors"])
    return made


# --- the dashboard, ranking and API (tests/oversight/test_dashboard.py, test_api.py) ----

WATCHED_DAY = (2026, 10, 12)


@pytest.fixture
def watched(aged_tree, at):
    """aged_tree on 12 October 2026: the branch da-s1-b1 posted two news items on
    10 October (and one in May), its sibling da-s2-b1 never posted (僵尸, with an editor
    and a phone number); the stored rows are computed."""
    from orglife.models import PublishTally
    from oversight import scores
    from tests.orglife.factories import role_user

    at(*WATCHED_DAY)
    branch = aged_tree[BRANCH]
    for month, updates, last in ((10, 2, 10), (5, 1, 3)):
        PublishTally.objects.create(
            organisation=branch,
            organisation_path=branch.path,
            month=datetime.date(2026, month, 1),
            purpose="news",
            updates=updates,
            last_at=timezone.make_aware(datetime.datetime(2026, month, last, 9)),
        )
    OrganisationPage.objects.filter(code=SIBLING).update(contact_phone="028-12345678")
    role_user(SIBLING, "editors", email="quiet@example.org", first_name="静", last_name="王")
    scores.refresh(aged_tree["home"])
    return aged_tree


@pytest.fixture
def signed_in(client):
    """signed_in("da", "editors"): the client signed in as an editor of `da`."""
    from tests.orglife.factories import role_user

    def sign(code, role="editors"):
        client.force_login(role_user(code, role))
        return client

    return sign
