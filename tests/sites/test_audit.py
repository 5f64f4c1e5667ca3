"""发布审计: an organisation's editors see who published what in their own subtree only,
with Wagtail's filters and export; superusers see everything."""

import pytest

from tests.content.factories import ArticleFactory
from tests.factories import UserFactory
from tests.sites.factories import column

AUDIT = "/admin/audit/"


@pytest.fixture
def published(org_tree):
    publisher = UserFactory(username="publisher", is_superuser=True)
    pages = {}
    for code in ("da-s1", "da-s1-b1", "da-s2", "da"):
        page = ArticleFactory(parent=column(org_tree[code], "news"), title=f"新闻《{code}》")
        page.save_revision(user=publisher).publish(user=publisher)
        pages[code] = page
    return pages


def titles_seen(client, **params):
    response = client.get(AUDIT, params)
    assert response.status_code == 200
    return {code for code in ("da-s1", "da-s1-b1", "da-s2", "da") if f"《{code}》" in response.text}


def test_editors_see_their_subtree_only(client, published):
    client.force_login(UserFactory(username="s1-editor", groups=["da-s1:editors"]))
    assert titles_seen(client) == {"da-s1", "da-s1-b1"}  # not the sibling, not the district
    # Wagtail's own site history would show the district's page (it is on their way down).
    exported = client.get(AUDIT, {"export": "csv"})
    text = b"".join(exported.streaming_content).decode("utf-8")
    assert exported.status_code == 200 and "publisher" in text and "《da-s1》" in text
    assert "《da-s2》" not in text


def test_reviewers_and_superusers(client, published):
    client.force_login(UserFactory(username="b1-reviewer", groups=["da-s1-b1:reviewers"]))
    assert titles_seen(client) == {"da-s1-b1"}
    client.force_login(UserFactory(username="boss", is_superuser=True))
    assert titles_seen(client) == {"da-s1", "da-s1-b1", "da-s2", "da"}


def test_a_user_of_no_organisation_sees_nothing_and_no_menu_item(client, published):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="nobody")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert titles_seen(client) == set()
    assert "发布审计" not in client.get("/admin/").text
