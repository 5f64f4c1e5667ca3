import datetime

import pytest
import time_machine
from django.utils import timezone

from sites.models import OrganisationPage
from tests.shared_data import shared_fixture

BRANCH, SIBLING, STREET, DISTRICT = "da-s1-b1", "da-s2-b1", "da-s1", "da"
FOUNDED = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)


@shared_fixture
def aged_tree(org_tree):
    """org_tree (tests/sites/factories.py TREE_CSV) founded on 2025-01-01: its rules
    apply from then on."""
    OrganisationPage.objects.update(first_published_at=FOUNDED)
    return org_tree


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
