"""Organisation scores from known tallies, stored per period; closed periods keep their
figures when the rules change later."""

import datetime

import pytest

from learning.models import PointTally
from orglife.models import OrgLifeTally, PublishTally
from oversight import scores
from oversight.models import OrganisationScore, UpdateRule
from oversight.status import Facts
from tests.content.factories import DirectiveFactory, own_column
from tests.learning.factories import MemberFactory
from tests.orglife.factories import MeetingRecordFactory, meeting_type

from .conftest import BRANCH, SIBLING, STREET

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def october(aged_tree, at):
    """Known tallies of October 2026 for the branch da-s1-b1: two news items, a
    支部委员会 with 8 of 10 present, a 传达学习 of the district's directive (deadline
    15 October), and two members with 30 and 15 study points."""
    branch = aged_tree[BRANCH]
    at(2026, 10, 12)
    PublishTally.objects.create(
        organisation=branch,
        organisation_path=branch.path,
        month=OCTOBER,
        purpose="news",
        updates=2,
    )
    OrgLifeTally.objects.create(
        organisation=branch,
        organisation_path=branch.path,
        month=OCTOBER,
        meeting_type=meeting_type("wyh"),
        meetings=1,
        expected=10,
        present=8,
    )
    directive = DirectiveFactory(
        parent=own_column(aged_tree["da"]), study_deadline=datetime.date(2026, 10, 15)
    )
    relay = MeetingRecordFactory(organisation=branch, meeting_type=meeting_type("relay"))
    relay.directives.add(directive)
    relay.save()
    for name, points in (("甲", 30), ("乙", 15)):
        user = MemberFactory(branch=branch, name=name)
        PointTally.objects.create(
            user=user,
            branch=branch,
            branch_path=branch.path,
            period="month",
            starts=OCTOBER,
            points=points,
        )
    return aged_tree


def rows_of(tree, today):
    facts = Facts.load(tree["home"], today)
    return {row.organisation_id: row for row in scores.compute(facts, "month", OCTOBER)}


def test_a_branch_score_is_the_weighted_mean_of_its_rates(october):
    rows = rows_of(october, datetime.date(2026, 10, 31))
    branch = rows[october[BRANCH].pk]
    # Monthly branch rules ending in October: news ✓, any record ✓, 支部委员会 ✓, 党小组会 ✗.
    assert (branch.rules_due, branch.rules_met) == (4, 3)
    assert (branch.relay_owed, branch.relay_done) == (1, 1)
    assert (branch.expected, branch.present) == (10, 8)
    assert (branch.points, branch.members) == (45, 2)
    assert (branch.compliance, branch.relay, branch.attendance, branch.study) == (
        0.75,
        1.0,
        0.8,
        0.75,
    )
    # (40 × 0.75 + 25 × 1 + 20 × 0.8 + 15 × 0.75) / 100
    assert branch.score == pytest.approx(82.25, abs=0.06)


def test_a_part_with_nothing_to_measure_is_left_out(october):
    sibling = rows_of(october, datetime.date(2026, 10, 31))[october[SIBLING].pk]
    assert (sibling.rules_due, sibling.rules_met, sibling.relay_owed) == (4, 0, 1)
    assert sibling.attendance is None and sibling.study is None
    assert sibling.score == 0.0


def test_an_upper_organisation_adds_up_its_subtree(october):
    street = rows_of(october, datetime.date(2026, 10, 31))[october[STREET].pk]
    # Its own 街道动态 rule (missed) and the branch's four.
    assert (street.rules_due, street.rules_met) == (5, 3)
    assert (street.relay_owed, street.relay_done, street.expected, street.present) == (1, 1, 10, 8)
    assert street.orgs_total == 2
    assert street.score == pytest.approx((40 * 0.6 + 25 + 16 + 11.25) / 100 * 100, abs=0.06)


def test_a_closed_month_is_final_and_keeps_its_figures_when_rules_change(october, at):
    at(2026, 11, 2)
    scores.refresh(None)
    closed = OrganisationScore.objects.get(
        organisation=october[BRANCH], period="month", starts=OCTOBER
    )
    assert closed.final and closed.rules_met == 3
    UpdateRule.objects.filter(name="支部动态每月更新").update(minimum=5)
    at(2026, 11, 3)
    scores.refresh(None)
    again = OrganisationScore.objects.get(pk=closed.pk)
    assert (again.final, again.rules_met, again.score) == (True, 3, closed.score)
    november = OrganisationScore.objects.get(
        organisation=october[BRANCH], period="month", starts=datetime.date(2026, 11, 1)
    )
    assert not november.final
    assert OrganisationScore.objects.filter(period="year", starts=datetime.date(2026, 1, 1)).count()


def test_an_open_period_counts_only_once_met_or_when_its_rule_is_in_arrears(october, at):
    """On 4 November: the branch met its October rules but 党小组会, so only that one, in
    arrears, counts against November before anything is met; the sibling missed all of
    October, so all four count (0 %), not nothing (no score)."""
    facts = Facts.load(october["home"], datetime.date(2026, 11, 4))
    rows = {
        row.organisation_id: row
        for row in scores.compute(facts, "month", datetime.date(2026, 11, 1))
    }
    branch, sibling = rows[october[BRANCH].pk], rows[october[SIBLING].pk]
    assert (branch.rules_due, branch.rules_met) == (1, 0)
    assert (sibling.rules_due, sibling.rules_met, sibling.compliance) == (4, 0, 0.0)
