"""Each column offers only the page types that belong in it (sites/column_types.py), by its
purpose, through the admin's own views: 支部动态 → 文章 and 风采展示, 通知公告 → 通知 (the
chooser skipped), 党务公开 → 公开事项, 本支部文件 → 文件; structural types (栏目, 文件栏目,
学习园地, organisations) only for superusers. Provisioning and the data migration set the
purposes."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from content.models import ArticlePage, DirectiveIndexPage
from sites.column_types import PAGE_TYPES, STRUCTURAL, offered
from sites.models import ColumnPage
from sites.skeleton import _parse_columns
from tests.factories import UserFactory
from tests.sites.factories import column


@pytest.fixture
def branch(org_tree):
    return org_tree["da-s1-b1"]


@pytest.fixture
def editor(branch):
    return UserFactory(username="types-editor", groups=[f"{branch.code}:editors"])


def add_subpage(client, page):
    return client.get(reverse("wagtailadmin_pages:add_subpage", args=[page.pk]))


def offered_types(response):
    assert response.status_code == 200
    return {f"{app}.{model}" for _, app, model, _ in response.context["page_types"]}


def add_url(app, model, parent):
    return reverse("wagtailadmin_pages:add", args=[app, model, parent.pk])


def test_provisioning_gives_each_column_its_purpose(branch):
    news = column(branch, "news")
    assert news.purpose == "news"
    below = ColumnPage.objects.descendant_of(news).values_list("purpose", flat=True)
    assert set(below) == {"news"}  # 两学一做 › 学习方案 … inherit it
    assert column(branch, "notices").purpose == "notices"
    assert column(branch, "disclosure").purpose == "disclosure"
    assert column(branch, "directives").purpose == "files"
    assert column(branch, "topics").purpose == "files"
    assert column(branch, "profile").purpose == "general"


def test_news_offers_exactly_articles_and_albums_to_a_branch_editor(
    client, branch, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    news = column(branch, "news")
    with django_assert_max_num_queries(30):
        response = add_subpage(client, news)
    assert offered_types(response) == {"content.articlepage", "content.albumindexpage"}
    labels = {str(name) for name, *_ in response.context["page_types"]}
    assert labels == {"文章", "风采展示"}
    # and in a column below it
    lxyz = ColumnPage.objects.child_of(news).get(slug="lxyz")
    assert offered_types(add_subpage(client, lxyz)) == {
        "content.articlepage",
        "content.albumindexpage",
    }


@pytest.mark.parametrize(
    "slug, app, model",
    [
        ("notices", "content", "noticepage"),
        ("disclosure", "content", "disclosurepage"),
        ("directives", "content", "directivepage"),
    ],
)
def test_a_column_with_one_type_goes_straight_to_its_form(client, branch, editor, slug, app, model):
    client.force_login(editor)
    col = column(branch, slug)
    response = add_subpage(client, col)
    assert response.status_code == 302
    assert response["Location"] == add_url(app, model, col)
    assert client.get(response["Location"]).status_code == 200


def test_structural_types_are_refused_to_editors_even_by_url(client, branch, editor):
    client.force_login(editor)
    news = column(branch, "news")
    before = ColumnPage.objects.count()
    for app, model in [("orgs", "columnpage"), ("content", "directiveindexpage")]:
        assert client.get(add_url(app, model, news)).status_code in (302, 403)
        response = client.post(add_url(app, model, news), {"title": "新栏目", "slug": "x"})
        assert response.status_code in (302, 403)
    assert ColumnPage.objects.count() == before
    # An article where notices go is refused too.
    assert client.get(add_url("content", "articlepage", column(branch, "notices"))).status_code in (
        302,
        403,
    )
    # The organisation page takes only structural types: nothing to add there.
    assert add_subpage(client, branch).status_code in (302, 403)


def test_superusers_are_offered_the_structural_types(client, branch):
    client.force_login(UserFactory(username="types-root", is_superuser=True))
    offered_here = offered_types(add_subpage(client, column(branch, "news")))
    assert {"orgs.columnpage", "content.directiveindexpage", "content.articlepage"} <= (
        offered_here
    )
    assert "orgs.organisationpage" in offered_types(add_subpage(client, branch))


def test_the_rule_outside_a_request_holds_nothing_back(branch):
    news = column(branch, "news")
    assert ColumnPage.can_create_at(news)  # provisioning, the shell: no acting user
    assert DirectiveIndexPage.can_create_at(news)


def test_one_table_for_the_rule():
    assert PAGE_TYPES["news"][0] == ArticlePage._meta.label
    assert not (set(label for types in PAGE_TYPES.values() for label in types) & STRUCTURAL)
    root = UserFactory.build(is_superuser=True)
    assert offered("orgs.ColumnPage", "news", root)
    assert offered("content.NoticePage", "news", None)


def test_the_data_migration_sets_purposes_from_the_skeleton_slugs(branch):
    news = column(branch, "news")
    ColumnPage.objects.descendant_of(branch).update(purpose="general")
    migration = importlib.import_module("sites.migrations.0006_column_purpose")
    migration.set_purposes(apps, None)
    assert set(
        ColumnPage.objects.descendant_of(news, inclusive=True).values_list("purpose", flat=True)
    ) == {"news"}
    assert column(branch, "notices").purpose == "notices"
    assert column(branch, "disclosure").purpose == "disclosure"
    library = ColumnPage.objects.child_of(column(branch, "topics")).get(slug="central")
    assert library.purpose == "files" and column(branch, "directives").purpose == "files"
    assert column(branch, "profile").purpose == "general"


def test_a_skeleton_purpose_is_checked_and_inherited():
    [news] = _parse_columns(
        [
            {
                "slug": "news",
                "title": "动态",
                "purpose": "news",
                "children": [{"slug": "a", "title": "甲"}],
            }
        ],
        "test.yaml",
    )
    assert news.purpose == "news" and news.children[0].purpose == "news"
    with pytest.raises(ImproperlyConfigured, match="unknown purpose"):
        _parse_columns([{"slug": "x", "title": "乙", "purpose": "gossip"}], "test.yaml")


def test_only_superusers_see_the_purpose_in_a_columns_form(client, branch, editor):
    url = reverse("wagtailadmin_pages:edit", args=[column(branch, "news").pk])
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200 and 'name="purpose"' not in response.content.decode()
    client.force_login(UserFactory(username="types-root-2", is_superuser=True))
    assert 'name="purpose"' in client.get(url).content.decode()
