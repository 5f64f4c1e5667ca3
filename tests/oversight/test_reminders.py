"""Reminders made by the nightly run: what they say, once per organisation × key."""

import datetime

import pytest

from oversight import nightly
from oversight.models import DailyRun, Delivery, Reminder
from oversight.reminders import send_reminders
from tests.content.factories import ArticleFactory
from tests.sites.factories import column

from .conftest import BRANCH, DISTRICT, SIBLING, STREET

pytestmark = pytest.mark.django_db

OCT_26 = datetime.date(2026, 10, 26)  # a Monday, 6 days before October ends


def keys_of(org):
    return set(Reminder.objects.filter(organisation=org).values_list("key", flat=True))


def test_a_due_and_a_missed_rule_make_one_reminder_each_with_a_link_to_act(aged_tree, editors, at):
    at(2026, 10, 26)
    made = send_reminders(OCT_26)
    assert made > 0
    branch = aged_tree[BRANCH]
    news = Reminder.objects.get(
        organisation=branch, key__endswith=":2026-10-01:due", subject__contains="支部动态每月更新"
    )
    assert news.kind == Reminder.RULE_DUE
    assert news.subject == "「支部动态每月更新」本月尚未完成，还剩 6 天（截至 10月31日）"
    assert branch.title in news.body and "至少需要 1 次，目前 0 次" in news.body
    assert news.link == f"/admin/kitchen/quick-publish/?org={branch.pk}" or news.link.endswith(
        f"?org={branch.pk}"
    )
    missed = Reminder.objects.get(
        organisation=branch, key=news.key.replace("2026-10-01:due", "2026-09-01:overdue")
    )
    assert missed.kind == Reminder.RULE_OVERDUE
    assert missed.subject == "「支部动态每月更新」2026年9月未完成，已逾期"
    # Meetings are acted on by 快速记录.
    meeting = Reminder.objects.get(
        organisation=branch, subject__startswith="「组织生活每月记录」本月"
    )
    assert "quick-record" in meeting.link or "quick_record" in meeting.link
    # One delivery per editor of the organisation, nobody else's.
    users = set(Delivery.objects.filter(reminder=news).values_list("user__username", flat=True))
    assert users == {f"editor-{BRANCH}"}


def test_a_rule_met_this_month_is_not_reminded(aged_tree, editors, at):
    at(2026, 10, 5)
    ArticleFactory(
        parent=column(aged_tree[BRANCH], "news"), title="十月动态"
    ).save_revision().publish()
    at(2026, 10, 26)
    send_reminders(OCT_26)
    subjects = set(
        Reminder.objects.filter(organisation=aged_tree[BRANCH]).values_list("subject", flat=True)
    )
    assert not any(s.startswith("「支部动态每月更新」本月") for s in subjects)
    assert any(
        s.startswith("「支部动态每月更新」本月")
        for s in set(
            Reminder.objects.filter(organisation=aged_tree[SIBLING]).values_list(
                "subject", flat=True
            )
        )
    )


def test_nothing_is_due_in_mid_month_for_an_organisation_without_missed_periods(
    aged_tree, editors, at
):
    at(2026, 10, 12)
    for month in (9, 10):
        at(2026, month, 3)
        ArticleFactory(
            parent=column(aged_tree[BRANCH], "news"), title=f"{month}月"
        ).save_revision().publish()
    at(2026, 10, 12)
    send_reminders(datetime.date(2026, 10, 12))
    assert not any(
        "支部动态每月更新" in k
        for k in Reminder.objects.filter(organisation=aged_tree[BRANCH]).values_list(
            "subject", flat=True
        )
    )


def test_a_rerun_makes_nothing_twice(aged_tree, editors, at):
    at(2026, 10, 26)
    first = send_reminders(OCT_26)
    reminders, deliveries = Reminder.objects.count(), Delivery.objects.count()
    assert first == reminders > 0
    assert send_reminders(OCT_26) == 0
    at(2026, 10, 27)
    assert send_reminders(datetime.date(2026, 10, 27)) == 0  # same periods, same keys
    assert (Reminder.objects.count(), Delivery.objects.count()) == (reminders, deliveries)


def test_an_editor_who_joins_later_gets_the_reminders_still_current(aged_tree, editors, at):
    from tests.factories import UserFactory

    at(2026, 10, 26)
    send_reminders(OCT_26)
    late = UserFactory(username="late", email="late@example.org", groups=[f"{BRANCH}:editors"])
    at(2026, 10, 27)
    send_reminders(datetime.date(2026, 10, 27))
    theirs = Delivery.objects.filter(user=late)
    assert theirs.count() == Reminder.objects.filter(organisation=aged_tree[BRANCH]).count()


def test_an_organisation_without_editors_gets_no_reminder(aged_tree, at):
    at(2026, 10, 26)
    assert send_reminders(OCT_26) == 0
    assert not Reminder.objects.exists()


def test_a_user_without_an_email_address_has_the_state_none(aged_tree, editors, at):
    at(2026, 10, 26)
    send_reminders(OCT_26)
    states = set(
        Delivery.objects.filter(user=editors[SIBLING]).values_list("email_state", flat=True)
    )
    assert states == {Delivery.NO_ADDRESS}


def digest(org):
    return Reminder.objects.filter(organisation=org, kind=Reminder.DIGEST)


def test_the_weekly_digest_lists_each_overdue_organisation_of_the_subtree(aged_tree, editors, at):
    at(2026, 9, 20)
    ArticleFactory(
        parent=column(aged_tree[SIBLING], "news"), title="九月"
    ).save_revision().publish()
    at(2026, 10, 26)
    send_reminders(OCT_26)
    street = digest(aged_tree[STREET]).get()
    assert street.key == "digest:2026-W44"
    # The street's digest: its branch (quiet since 2025: 僵尸), named with its street.
    assert f"{aged_tree[STREET].title} {aged_tree[BRANCH].title}" in street.body
    assert "僵尸网页" in street.body and "「支部动态每月更新」2026年9月未完成" in street.body
    assert aged_tree[SIBLING].title not in street.body  # another street's
    district = digest(aged_tree[DISTRICT]).get()
    # The sibling posted in September: overdue for its quarter and meetings, not 僵尸.
    sibling_line = next(
        line for line in district.body.splitlines() if aged_tree[SIBLING].title in line
    )
    assert "僵尸" not in sibling_line and "36 天无公开更新" in sibling_line
    assert "「支部动态每月更新」" not in sibling_line
    assert "「党务公开每季度更新」2026年第三季度未完成" in sibling_line
    assert aged_tree[BRANCH].title in district.body
    assert district.body.count("·") == 4  # both branches and both streets are overdue
    assert district.link.endswith(f"?org={aged_tree[DISTRICT].pk}")
    # Branches get no digest.
    assert not digest(aged_tree[BRANCH]).exists()


def test_the_digest_is_made_by_the_first_run_of_a_week_only(aged_tree, editors, at):
    at(2026, 10, 27)  # a Tuesday: the worker was down on Monday
    nightly.run(datetime.date(2026, 10, 27))
    assert digest(aged_tree[STREET]).count() == 1
    at(2026, 10, 28)
    nightly.run(datetime.date(2026, 10, 28))
    assert digest(aged_tree[STREET]).count() == 1
    at(2026, 11, 2)  # next Monday
    nightly.run(datetime.date(2026, 11, 2))
    assert set(digest(aged_tree[STREET]).values_list("key", flat=True)) == {
        "digest:2026-W44",
        "digest:2026-W45",
    }
    assert DailyRun.objects.filter(finished_at__isnull=False).count() == 3


def test_relays_are_reminded_before_and_after_their_deadline(aged_tree, editors, at):
    from tests.content.factories import DirectiveFactory, own_column

    at(2026, 10, 20)
    directive = DirectiveFactory(
        parent=own_column(aged_tree[DISTRICT]),
        title="学习贯彻某精神",
        study_deadline=datetime.date(2026, 10, 22),
    )
    send_reminders(datetime.date(2026, 10, 20))
    due = Reminder.objects.get(organisation=aged_tree[BRANCH], key=f"relay:{directive.pk}:due")
    assert due.subject == "传达学习《学习贯彻某精神》将于 10月22日 到期，还剩 2 天"
    assert f"directive={directive.pk}" in due.link
    at(2026, 10, 25)
    send_reminders(datetime.date(2026, 10, 25))
    overdue = Reminder.objects.get(
        organisation=aged_tree[BRANCH], key=f"relay:{directive.pk}:overdue"
    )
    assert overdue.subject == "传达学习《学习贯彻某精神》已逾期 3 天（截止 10月22日）"
    assert not Reminder.objects.filter(
        organisation=aged_tree[STREET], key__startswith="relay:"
    ).exists()  # streets owe no relay record


def test_a_zombie_site_is_reminded_once_a_month_while_it_stays_quiet(aged_tree, editors, at):
    at(2026, 10, 5)
    ArticleFactory(parent=column(aged_tree[BRANCH], "news"), title="动态").save_revision().publish()
    at(2026, 10, 26)
    send_reminders(OCT_26)
    send_reminders(OCT_26)
    zombie = Reminder.objects.get(organisation=aged_tree[SIBLING], kind=Reminder.ZOMBIE)
    assert zombie.key == "zombie:2026-10"
    assert zombie.subject.startswith("本站已 ") and "僵尸网页" in zombie.subject
    assert "quick-publish" in zombie.link
    assert not Reminder.objects.filter(organisation=aged_tree[BRANCH], kind=Reminder.ZOMBIE)
    at(2026, 11, 2)
    send_reminders(datetime.date(2026, 11, 2))
    assert set(
        Reminder.objects.filter(organisation=aged_tree[SIBLING], kind=Reminder.ZOMBIE).values_list(
            "key", flat=True
        )
    ) == {"zombie:2026-10", "zombie:2026-11"}
