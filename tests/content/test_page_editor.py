"""The page editor does not save drafts by itself: Wagtail 8's autosave is off
(WAGTAIL_AUTOSAVE_INTERVAL = 0), so opening a chooser or typing saves nothing until the
editor presses a button."""

from bs4 import BeautifulSoup
from django.urls import reverse

from tests.content.factories import ArticleFactory
from tests.factories import UserFactory
from tests.sites.factories import column


def editor_form(html):
    return BeautifulSoup(html, "html.parser").select_one("form[data-edit-form]")


def test_the_editor_forms_have_no_autosave(client, org_tree):
    branch = org_tree["da-s1-b1"]
    news = column(branch, "news")
    article = ArticleFactory(parent=news, title="支部动态一则")
    client.force_login(UserFactory(username="autosave-editor", groups=["da-s1-b1:editors"]))
    revisions = article.revisions.count()
    for url in (
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        reverse("wagtailadmin_pages:add", args=["content", "articlepage", news.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        form = editor_form(response.content.decode())
        controllers = form["data-controller"].split()
        assert "w-unsaved" in controllers  # the editor's own form
        assert "w-autosave" not in controllers
        assert "w-autosave" not in form.get("data-action", "")
        assert form.get("data-w-autosave-interval-value") is None
    assert article.revisions.count() == revisions
