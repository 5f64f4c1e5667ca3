"""监督 → 消息, 已发送 and the 待办 panel in the Django test client: each user sees their
own messages and the reminders of organisations in their subtree only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.message_views import todo_of
from oversight.models import Delivery, Reminder
from oversight.reminders import send_reminders

from .conftest import BRANCH, DISTRICT, SIBLING, STREET

pytestmark = pytest.mark.django_db

LIST = "/admin/oversight/messages/"
SENT = "/admin/oversight/messages/sent/"


@pytest.fixture
def reminded(aged_tree, editors, at):
    at(2026, 10, 26)
    send_reminders(datetime.date(2026, 10, 26))
    return aged_tree


def delivery_of(user, **lookup):
    return Delivery.objects.filter(user=user, **lookup).select_related("reminder").first()


def test_the_list_shows_the_users_own_messages_newest_first_unread_in_bold(
    reminded, editors, client
):
    client.force_login(editors[BRANCH])
    mine = Delivery.objects.filter(user=editors[BRANCH])
    first = mine.select_related("reminder").first()
    Delivery.objects.filter(pk=first.pk).update(read_at=datetime.datetime.now(datetime.UTC))
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"未读 {mine.count() - 1} 条" in html
    assert html.count('data-testid="message"') == mine.count()
    assert html.count("data-unread") == mine.count() - 1
    assert f"<strong>{first.reminder.subject}</strong>" not in html
    unread = mine.filter(read_at__isnull=True).select_related("reminder").first()
    assert f"<strong>{unread.reminder.subject}</strong>" in html
    # Another organisation's messages are not among them.
    street_only = Reminder.objects.filter(organisation=reminded[STREET]).first()
    assert street_only.subject not in html


def test_opening_a_message_marks_it_read_and_anothers_is_404(reminded, editors, client):
    client.force_login(editors[BRANCH])
    delivery = delivery_of(editors[BRANCH])
    response = client.get(f"{LIST}{delivery.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert delivery.reminder.body.splitlines()[0][:20] in html
    assert delivery.reminder.link.replace("&", "&amp;") in html
    delivery.refresh_from_db()
    assert delivery.read_at is not None
    theirs = delivery_of(editors[STREET])
    assert client.get(f"{LIST}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(f"{LIST}999999/").status_code == 404


def test_mark_all_read_touches_only_the_users_own(reminded, editors, client):
    client.force_login(editors[BRANCH])
    assert client.get(f"{LIST}read-all/").status_code == 405
    response = client.post(f"{LIST}read-all/", follow=True)
    assert response.status_code == 200
    assert "未读 0 条" in response.content.decode()
    assert not Delivery.objects.filter(user=editors[BRANCH], read_at__isnull=True).exists()
    assert Delivery.objects.filter(user=editors[STREET], read_at__isnull=True).exists()


def test_an_organisation_sees_what_it_was_sent_with_each_email_state(reminded, editors, client):
    branch, sibling = reminded[BRANCH], reminded[SIBLING]
    Delivery.objects.filter(user=editors[BRANCH]).update(
        email_state=Delivery.FAILED, attempts=2, error="SMTPDataError: 451"
    )
    client.force_login(editors[BRANCH])
    html = client.get(SENT).content.decode()  # their own organisation by default
    count = Reminder.objects.filter(organisation=branch).count()
    assert html.count('data-testid="delivery"') == count
    assert "发送失败" in html and "已尝试 2 次" in html and "SMTPDataError: 451" in html
    assert client.get(f"{SENT}?org={sibling.pk}").status_code == 404
    assert client.get(f"{SENT}?org={reminded[STREET].pk}").status_code == 404
    assert client.get(f"{SENT}?org=abc").status_code == 404
    # The street above sees the branch's; the sibling's editor, without an address: 无邮箱.
    client.force_login(editors[STREET])
    assert client.get(f"{SENT}?org={branch.pk}").status_code == 200
    assert client.get(f"{SENT}?org={sibling.pk}").status_code == 404
    client.force_login(editors[DISTRICT])
    html = client.get(f"{SENT}?org={sibling.pk}").content.decode()
    assert 'data-state="none"' in html and "无邮箱" in html


def test_someone_who_oversees_nothing_gets_a_403_for_the_sent_list(reminded, client):
    from tests.factories import UserFactory

    outsider = UserFactory(username="outsider", is_staff=True)
    from django.contrib.auth.models import Permission

    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    assert client.get(SENT).status_code == 403
    html = client.get(LIST).content.decode()
    assert "暂无消息" in html


def test_the_todo_panel_shows_the_live_status_what_is_due_and_the_unread_count(
    reminded, editors, client
):
    client.force_login(editors[BRANCH])
    html = client.get("/admin/").content.decode()
    assert 'data-testid="todo-panel"' in html
    unread = Delivery.objects.filter(user=editors[BRANCH]).count()
    assert f"消息：未读 {unread} 条" in html
    assert 'data-status="zombie"' in html and "僵尸网页" in html
    assert "「支部动态每月更新」还差 1 次，还剩 6 天" in html
    assert "「支部动态每月更新」2026年9月未完成" in html
    assert (
        f"quick-publish/?org={reminded[BRANCH].pk}" in html or f"?org={reminded[BRANCH].pk}" in html
    )
    assert (
        reminded[SIBLING].title
        not in html.split('data-testid="todo-panel"')[1].split("</section>")[0]
    )


def test_the_todo_panel_costs_a_handful_of_queries(reminded):
    with CaptureQueriesContext(connection) as queries:
        todo = todo_of(reminded[BRANCH])
    assert todo["items"] and len(queries) <= 15


def test_no_todo_panel_for_someone_without_organisation_or_messages(aged_tree, client):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory(username="reader")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert 'data-testid="todo-panel"' not in client.get("/admin/").content.decode()


def test_an_upper_organisations_todo_tells_how_its_subtree_fares(aged_tree, editors, client, at):
    from oversight import scores

    at(2026, 10, 26)
    scores.refresh(None)
    client.force_login(editors[DISTRICT])
    html = client.get("/admin/").content.decode()
    below = html.split('data-testid="todo-below"', 1)[1].split("</p>", 1)[0]
    # The district, two streets and two branches: none has published since 2025.
    assert "本级及下属 5 个组织：僵尸 5 个，逾期 0 个" in below
    assert f"/admin/oversight/?org={aged_tree[DISTRICT].code}" in below
    client.force_login(editors[BRANCH])
    assert 'data-testid="todo-below"' not in client.get("/admin/").content.decode()
