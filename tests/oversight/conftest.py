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
