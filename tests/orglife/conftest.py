import pytest

from tests.learning.factories import MemberFactory
from tests.shared_data import shared_fixture

from .factories import MeetingRecordFactory

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
