"""Who sees a meeting record: its organisation's editors and reviewers and those of every
organisation above it; never a sibling, a child organisation's editor, a member or an
anonymous visitor. Only the organisation's own editors may edit."""

import pytest
from django.contrib.auth.models import AnonymousUser

from orglife.visibility import can_edit, records_visible_to
from tests.factories import UserFactory
from tests.learning.factories import MemberFactory

from .conftest import OWN, PARENT, SIBLING, TOP
from .factories import role_user

pytestmark = pytest.mark.django_db

# who -> the organisations whose records they see
SEES = {
    ("editors", OWN): {OWN},
    ("reviewers", OWN): {OWN},
    ("editors", SIBLING): {SIBLING},
    ("editors", PARENT): {OWN, PARENT},
    ("reviewers", PARENT): {OWN, PARENT},
    ("editors", TOP): {OWN, SIBLING, PARENT},
}


@pytest.mark.parametrize(("role", "code"), SEES)
def test_editors_and_reviewers_see_their_subtree_only(records, role, code):
    user = role_user(code, role)
    seen = {r.organisation.code for r in records_visible_to(user)}
    assert seen == SEES[role, code]


def test_a_branch_editor_never_sees_the_street_above(records):
    assert records[PARENT] not in records_visible_to(role_user(OWN, "editors"))


def test_members_and_anonymous_see_nothing(records, org_tree):
    member = MemberFactory(branch=org_tree[OWN], name="王五")
    assert not records_visible_to(member).exists()
    assert not records_visible_to(AnonymousUser()).exists()
    assert not records_visible_to(UserFactory(username="nobody")).exists()


def test_superusers_see_everything(records):
    admin = UserFactory(username="root", is_superuser=True)
    assert records_visible_to(admin).count() == 3


@pytest.mark.parametrize(
    ("role", "code", "allowed"),
    [
        ("editors", OWN, True),
        ("reviewers", OWN, False),
        ("editors", PARENT, False),
        ("editors", SIBLING, False),
    ],
)
def test_only_the_organisations_own_editors_edit(records, role, code, allowed):
    assert can_edit(role_user(code, role), records[OWN]) is allowed


def test_the_query_is_constant_in_the_number_of_records(
    records, org_tree, django_assert_num_queries
):
    from .factories import MeetingRecordFactory

    user = role_user(TOP, "editors")
    with django_assert_num_queries(2):
        list(records_visible_to(user))
    MeetingRecordFactory.create_batch(5, organisation=org_tree[OWN])
    with django_assert_num_queries(2):
        assert len(list(records_visible_to(user))) == 8
