"""传达学习 of directives: each branch's status, the coverage an issuer and the levels
below it see, the directive page's own status for editors, the admin's 传达学习情况 and
the relay API — with the same visibility everywhere, in a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from orglife import relay
from tests.sites.factories import provision_tree

from .conftest import RELAY_BRANCHES
from .factories import MeetingRecordFactory, studied

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


# --- statuses ----------------------------------------------------------------------------


def test_a_branch_with_a_record_has_relayed_it(relay_tree, relay_world):
    found = relay.status(relay_world["district"], relay_tree["ra-s1-b1"])
    assert found.state == relay.REPORTED
    assert found.record == relay_world["relays"]["ra-s1-b1"] and not found.late


def test_a_branch_without_one_has_days_left_until_the_deadline(relay_tree, relay_world):
    found = relay.status(relay_world["district"], relay_tree["ra-s2-c1-b2"])
    assert (found.state, found.days, found.record) == (relay.DUE, 10, None)
    on_the_day = relay.status(
        relay_world["district"], relay_tree["ra-s2-c1-b2"], today=today() + datetime.timedelta(10)
    )
    assert (on_the_day.state, on_the_day.days) == (relay.DUE, 0)


def test_after_the_deadline_it_is_overdue_by_so_many_days(relay_tree, relay_world):
    found = relay.status(relay_world["city"], relay_tree["ra-s1-b2"])
    assert (found.state, found.days) == (relay.OVERDUE, 4)


def test_a_record_after_the_deadline_counts_late(relay_tree, relay_world):
    record = MeetingRecordFactory(organisation=relay_tree["ra-s1-b2"], topic="补学")
    studied(record, relay_world["city"])
    found = relay.status(relay_world["city"], relay_tree["ra-s1-b2"])
    assert found.state == relay.REPORTED and found.late and found.record == record


def test_the_relay_type_is_the_record_shown(relay_tree, relay_world):
    earlier = MeetingRecordFactory(
        organisation=relay_tree["ra-s1-b1"],
        held_at=timezone.now() - datetime.timedelta(days=9),
        topic="支委会顺带学习",
    )
    studied(earlier, relay_world["district"])
    found = relay.status(relay_world["district"], relay_tree["ra-s1-b1"])
    assert found.record == relay_world["relays"]["ra-s1-b1"]


def test_nothing_is_owed_without_a_deadline_above_a_branch_or_outside(relay_tree, relay_world):
    assert relay.status(relay_world["plain"], relay_tree["ra-s1-b1"]) is None
    assert relay.status(relay_world["district"], relay_tree["ra-s1"]) is None  # a street
    assert relay.status(relay_world["district"], relay_tree["rb-s1-b1"]) is None  # elsewhere


# --- coverage ----------------------------------------------------------------------------


def counts(tally):
    return (tally.owing, tally.reported, tally.due, tally.overdue, tally.percent)


def test_three_of_four_branches_reported_is_75_percent(relay_tree, relay_world):
    coverage = relay.Coverage(relay_world["district"], relay_tree["ra"])
    assert counts(coverage.total) == (4, 3, 1, 0, 75)
    assert [(c.code, counts(t)) for c, t in coverage.children] == [
        ("ra-s1", (2, 2, 0, 0, 100)),
        ("ra-s2", (2, 1, 1, 0, 50)),
    ]
    missing = coverage.missing_page(1)
    assert [(m.organisation.code, m.full_name, m.parent) for m in missing] == [
        ("ra-s2-c1-b2", "甲区二街道 / 二街道一社区 / 第二支部", "二街道一社区")
    ]


def test_one_overdue_and_drilling_down(relay_tree, relay_world):
    city = relay.Coverage(relay_world["city"], relay_tree["home"])
    assert counts(city.total) == (5, 1, 0, 4, 20)  # rb-s1-b1 owes the city's directive too
    street = relay.Coverage(relay_world["district"], relay_tree["ra-s2"])
    assert counts(street.total) == (2, 1, 1, 0, 50)
    assert [(c.code, counts(t)) for c, t in street.children] == [
        ("ra-s2-c1", (2, 1, 1, 0, 50))
    ]
    branch = relay.Coverage(relay_world["district"], relay_tree["ra-s2-c1-b2"])
    assert counts(branch.total) == (1, 0, 1, 0, 0) and branch.children == []


def test_the_list_of_directives_with_their_counts(relay_tree, relay_world):
    directives = list(relay.directives_with_deadline(relay_tree["ra"]))
    assert directives == [relay_world["district"], relay_world["city"]]
    tallies = relay.tallies_for(directives, relay_tree["ra"])
    assert counts(tallies[relay_world["district"].pk]) == (4, 3, 1, 0, 75)
    assert counts(tallies[relay_world["city"].pk]) == (4, 1, 0, 3, 25)
    # The sibling district sees its own branch only, and not ra's directive at all.
    assert relay_world["district"] not in relay.directives_with_deadline(relay_tree["rb"])


def grow(tree, branches):
    """`branches` more branches under ra-s1, and as many under a new community of ra-s2;
    half of each relay the district's directive."""
    rows = ["code,parent_code,name,kind", "ra-s2-c9,ra-s2,新社区,community"]
    for n in range(branches):
        rows.append(f"ra-s1-x{n},ra-s1,新支部{n},branch")
        rows.append(f"ra-s2-c9-x{n},ra-s2-c9,新支部{n},branch")
    return provision_tree("\n".join(rows) + "\n", tree["home"])


def measure(django_assert_num_queries, directive, scope, queries):
    with django_assert_num_queries(queries):
        coverage = relay.Coverage(directive, scope)
        coverage.total, coverage.children
        list(coverage.missing_page(1))


@pytest.mark.parametrize("grown", [0, 30])
def test_coverage_takes_the_same_queries_at_any_size(
    relay_tree, relay_world, django_assert_num_queries, grown
):
    directive = relay_world["district"]
    orgs = grow(relay_tree, grown) if grown else relay_tree
    for n in range(0, grown, 2):
        record = MeetingRecordFactory(organisation=orgs[f"ra-s1-x{n}"], topic=f"传达{n}")
        studied(record, directive)
    scope = orgs["ra"]
    # the counts grouped by child, the children, the missing page's count, the page,
    # the names above them
    measure(django_assert_num_queries, directive, scope, 5)
    coverage = relay.Coverage(directive, scope)
    assert coverage.total.owing == 4 + 2 * grown
    assert coverage.total.reported == 3 + grown // 2
