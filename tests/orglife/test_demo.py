"""The demo's year of records: the 三会一课 rhythm, attendance, a 传达学习, tallies that
agree with a rebuild, and nothing made twice."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from orglife.demo import ensure_orglife_demo
from orglife.models import MeetingRecord, OrgLifeTally
from tests.content.factories import DirectiveFactory, library
from tests.learning.factories import MemberFactory

from .conftest import OWN, SIBLING

pytestmark = pytest.mark.django_db


def test_a_year_in_the_rhythm_made_once(org_tree):
    for n, code in enumerate((OWN, SIBLING)):
        MemberFactory(branch=org_tree[code], name=f"党员{n}")
    DirectiveFactory(parent=library(org_tree["home"], "city"), title="市委文件")
    now = timezone.make_aware(datetime.datetime(2026, 11, 20, 12))
    made = ensure_orglife_demo(org_tree["home"], now=now, codes=[OWN, SIBLING])
    assert ensure_orglife_demo(org_tree["home"], now=now, codes=[OWN, SIBLING]) == 0
    own = MeetingRecord.objects.filter(organisation=org_tree[OWN])
    counts = {
        code: own.filter(meeting_type__code=code).count()
        for code in ("wyh", "xzh", "ztdr", "dyh", "dk", "relay")
    }
    # Dec 2025 … Nov 2026: monthly ones every month, quarterly ones in Dec, Mar, Jun, Sep.
    assert counts == {"wyh": 12, "xzh": 12, "ztdr": 12, "dyh": 4, "dk": 4, "relay": 1}
    assert made == 2 * sum(counts.values())
    assert not own.filter(held_at__gt=now).exists()
    relay = own.get(meeting_type__code="relay")
    assert [d.title for d in relay.directives.all()] == ["市委文件"]
    assert relay.attendances.count() == 1
    out = io.StringIO()
    call_command("rebuild_orglife_tallies", "--check", stdout=out, verbosity=0)
    assert "不一致 0 处" in out.getvalue()
    assert OrgLifeTally.objects.filter(organisation=org_tree[OWN]).count() > 12


def test_the_demo_city_has_records_its_branch_editor_sees(demo):
    from django.contrib.auth import get_user_model

    from orglife.visibility import records_visible_to

    users = get_user_model().objects
    branch = records_visible_to(users.get(username="branch_editor"))
    district = records_visible_to(users.get(username="district_editor"))
    # Monthly, this month's too once its day has come.
    assert branch.filter(meeting_type__code="wyh").count() in (11, 12)
    assert {r.organisation.code for r in district} == {
        "donghu-hp-yh-d1",
        "donghu-hp-yh-d2",
        "donghu-hp-jx-d1",
        "donghu-xf-yh-d1",
    }
    assert branch.filter(meeting_type__code="relay").exists()
    out = io.StringIO()
    call_command("rebuild_orglife_tallies", "--check", stdout=out, verbosity=0)
    assert "不一致 0 处" in out.getvalue()


def test_the_demo_district_sees_who_has_and_has_not_relayed(demo, client):
    from django.contrib.auth import get_user_model

    from orglife import relay
    from sites.models import OrganisationPage

    district = OrganisationPage.originals().get(code="donghu")
    newest, earlier = relay.directives_with_deadline(district)[:2]
    tallies = relay.tallies_for([newest, earlier], district)
    assert (tallies[newest.pk].reported, tallies[newest.pk].due) == (3, 5)
    assert (tallies[earlier.pk].reported, tallies[earlier.pk].overdue) == (1, 7)
    missing = relay.Coverage(newest, district).missing_page(1)
    assert "donghu-xf-yh-d1" in [m.organisation.code for m in missing]
    client.force_login(get_user_model().objects.get(username="district_editor"))
    page = client.get("/admin/orglife/relay/").content.decode()
    assert newest.title in page and "3/8（37%）" in page
