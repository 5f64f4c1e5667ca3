import datetime

import pytest
from django.utils import timezone

from tests.content.factories import DirectiveFactory, library, own_column
from tests.learning.factories import MemberFactory
from tests.shared_data import shared_fixture
from tests.sites.factories import provision_tree

from .factories import MeetingRecordFactory, meeting_type, studied

OWN, SIBLING, PARENT, TOP = "da-s1-b1", "da-s2-b1", "da-s1", "da"


@shared_fixture
def records(org_tree):
    """One record in the branch da-s1-b1, one in its sibling da-s2-b1 and one in its
    street da-s1."""
    return {
        code: MeetingRecordFactory(organisation=org_tree[code], topic=f"{code}的会议")
        for code in (OWN, SIBLING, PARENT)
    }


@shared_fixture
def branch_members(org_tree):
    """Two members of da-s1-b1 and one of its sibling da-s2-b1 (MemberProfiles)."""
    return {
        "own": [MemberFactory(branch=org_tree[OWN], name=name).member for name in ("李一", "李二")],
        "sibling": MemberFactory(branch=org_tree[SIBLING], name="赵三").member,
    }


@pytest.fixture
def own_record(records):
    return records[OWN]


# --- 传达学习 (tests/orglife/test_relay.py) ------------------------------------------------

# A district with two streets of two branches each, and a community between one street
# and its branches; the district's sibling rb has a street with a branch of its own.
RELAY_CSV = """code,parent_code,name,kind
ra,,甲区,district
ra-s1,ra,甲区一街道,street
ra-s1-b1,ra-s1,第一支部,branch
ra-s1-b2,ra-s1,第二支部,branch
ra-s2,ra,甲区二街道,street
ra-s2-c1,ra-s2,二街道一社区,community
ra-s2-c1-b1,ra-s2-c1,第一支部,branch
ra-s2-c1-b2,ra-s2-c1,第二支部,branch
rb,,乙区,district
rb-s1,rb,乙区一街道,street
rb-s1-b1,rb-s1,乙区第一支部,branch
"""
RELAY_BRANCHES = ["ra-s1-b1", "ra-s1-b2", "ra-s2-c1-b1", "ra-s2-c1-b2"]


@shared_fixture
def relay_tree(home):
    """RELAY_CSV below the test city; every organisation by code, the city as "home"."""
    return provision_tree(RELAY_CSV, home)


@shared_fixture
def relay_world(relay_tree):
    """The district ra's directive (deadline in 10 days) relayed by three of its four
    branches (ra-s2-c1-b2 has not); a city directive whose deadline passed 4 days ago,
    relayed by ra-s1-b1 only; a directive without a deadline."""
    today = timezone.localdate()
    district = DirectiveFactory(
        parent=own_column(relay_tree["ra"]),
        title="区委关于学习贯彻的通知",
        study_deadline=today + datetime.timedelta(days=10),
    )
    city = DirectiveFactory(
        parent=library(relay_tree["home"], "city"),
        title="市委文件",
        study_deadline=today - datetime.timedelta(days=4),
    )
    plain = DirectiveFactory(parent=library(relay_tree["home"], "city"), title="无期限文件")
    relays = {}
    for code in RELAY_BRANCHES[:3]:
        record = MeetingRecordFactory(
            organisation=relay_tree[code], meeting_type=meeting_type("relay"), topic=f"传达{code}"
        )
        studied(record, district)
        relays[code] = record
    studied(relays["ra-s1-b1"], city)
    return {"district": district, "city": city, "plain": plain, "relays": relays}
