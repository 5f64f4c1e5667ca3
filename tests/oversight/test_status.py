"""Status and compliance of organisations from the tallies, on a frozen clock."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from oversight.models import OrganisationScore, UpdateRule
from oversight.status import DUE, MET, NOT_YET, OPEN, Facts, evaluate, status_of
from tests.content.factories import ArticleFactory, DirectiveFactory, own_column
from tests.orglife.factories import MeetingRecordFactory, meeting_type
from tests.sites.factories import column

from .conftest import BRANCH, SIBLING

pytestmark = pytest.mark.django_db


def publish_news(org, title="支部动态"):
    page = ArticleFactory(parent=column(org, "news"), title=title)
    page.save_revision().publish()
    return page


def rule_state(status, name):
    return next(r for r in status.rules if r.rule.name == name)


def test_a_branch_quiet_for_61_days_is_a_zombie_and_59_is_not(aged_tree, at):
    at(2026, 9, 1)
    publish_news(aged_tree[BRANCH])
    quiet_59 = status_of(aged_tree[BRANCH], today=datetime.date(2026, 10, 30))
    quiet_61 = status_of(aged_tree[BRANCH], today=datetime.date(2026, 11, 1))
    assert quiet_59.days_quiet == 59 and quiet_59.status != OrganisationScore.ZOMBIE
    assert quiet_61.days_quiet == 61 and quiet_61.status == OrganisationScore.ZOMBIE


def test_a_branch_that_posted_this_month_meets_its_news_rule(aged_tree, at):
    at(2026, 10, 5)
    publish_news(aged_tree[BRANCH])
    own = status_of(aged_tree[BRANCH], today=datetime.date(2026, 10, 20))
    sibling = status_of(aged_tree[SIBLING], today=datetime.date(2026, 10, 20))
    assert rule_state(own, "支部动态每月更新").state == MET
    assert rule_state(sibling, "支部动态每月更新").state == OPEN  # 11 days left, reminded at 7
    late = status_of(aged_tree[SIBLING], today=datetime.date(2026, 10, 26))
    assert rule_state(late, "支部动态每月更新").state == DUE
    assert late.status == OrganisationScore.ZOMBIE  # it never posted since 2025


def test_a_missed_period_makes_the_branch_overdue_until_a_period_is_met(aged_tree, at):
    at(2026, 10, 3)
    publish_news(aged_tree[BRANCH])
    status = status_of(aged_tree[BRANCH], today=datetime.date(2026, 10, 10))
    missed = {r.rule.name for r in status.missed}
    # Nothing in September and nothing in the third quarter.
    assert {"支部动态每月更新", "党务公开每季度更新", "组织生活每月记录"} <= missed
    assert status.status == OrganisationScore.OVERDUE
    assert "支部动态每月更新" not in {r.rule.name for r in status.due}


def test_meeting_rules_count_records_of_their_type(aged_tree, at):
    at(2026, 10, 8)
    MeetingRecordFactory(organisation=aged_tree[BRANCH], meeting_type=meeting_type("wyh"))
    status = status_of(aged_tree[BRANCH], today=datetime.date(2026, 10, 9))
    assert rule_state(status, "支部委员会每月一次").state == MET
    assert rule_state(status, "组织生活每月记录").state == MET  # any type counts
    assert rule_state(status, "党小组会每月一次").state == OPEN


def test_a_new_branch_is_not_late_on_day_one(org_tree):
    status = status_of(org_tree[BRANCH])
    assert not status.missed and not status.due
    assert all(r.state in (NOT_YET, MET) for r in status.rules)
    assert status.status == OrganisationScore.NEW


def test_relays_due_soon_and_overdue_concern_branches_that_have_no_record(aged_tree, at):
    at(2026, 10, 8)
    soon = DirectiveFactory(
        parent=own_column(aged_tree["da"]),
        title="两天后截止",
        study_deadline=datetime.date(2026, 10, 10),
    )
    DirectiveFactory(
        parent=own_column(aged_tree["da"]),
        title="已过期",
        study_deadline=datetime.date(2026, 10, 1),
    )
    record = MeetingRecordFactory(
        organisation=aged_tree[SIBLING], meeting_type=meeting_type("relay")
    )
    record.directives.add(soon)
    record.save()
    own = status_of(aged_tree[BRANCH], today=datetime.date(2026, 10, 8))
    sibling = status_of(aged_tree[SIBLING], today=datetime.date(2026, 10, 8))
    street = status_of(aged_tree["da-s1"], today=datetime.date(2026, 10, 8))
    assert [r.title for r in own.relays_due] == ["两天后截止"]
    assert [r.title for r in own.relays_overdue] == ["已过期"]
    assert [r.title for r in sibling.relays] == ["已过期"]
    assert street.relays == []  # streets relay through their branches


@pytest.mark.parametrize("months", [0, -1, 5, 13])
def test_a_rule_with_a_period_that_does_not_tile_the_year_is_refused(months):
    rule = UpdateRule(name="坏规则", kind="branch", subject="column", purpose="news")
    rule.period_months = months
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "周期须为 1、2、3、4、6 或 12 个月" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        rule.save()


def test_facts_are_read_in_the_same_number_of_queries_for_any_subtree(
    deep, aged_tree, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for scope in (aged_tree[BRANCH], aged_tree["home"]):
        with CaptureQueriesContext(connection) as queries:
            facts = Facts.load(scope)
            statuses = [evaluate(org, facts) for org in facts.orgs]
        assert statuses
        counts.append(len(queries))
    assert counts[0] == counts[1]
