"""Directives are stored once and shown on every site below the issuer (the cascade)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageViewRestriction

from content.cascade import directives_for
from content.models import DirectiveIndexPage, PinnedDirective
from tests.content.factories import DirectiveFactory, library, own_column
from tests.sites.factories import OrganisationFactory, column


def titles(queryset):
    return {d.title for d in queryset}


def test_a_branch_sees_the_library_and_its_ancestors_never_a_sibling(deep, directives):
    branch = deep["da-s1-c1-b1"]
    assert titles(directives_for(branch)) == {
        "central文件",
        "province文件",
        "city文件",
        "da文件",
        "da-s1文件",
        "da-s1-c1文件",
    }
    assert titles(directives_for(branch, "central")) == {"central文件"}
    assert titles(directives_for(branch, "district")) == {"da文件"}
    assert titles(directives_for(branch, "branch")) == {"da-s1-c1-b1文件"}
    other_district = deep["db-s1"]
    assert titles(directives_for(other_district)) == {
        "central文件",
        "province文件",
        "city文件",
        "db文件",
    }
    assert directives["db"].level == "district"
    assert directives["db"].issuing_organisation_id == deep["db"].pk


def test_columns_on_every_site_show_the_cascade_newest_first(deep, directives, client):
    newer = DirectiveFactory(
        parent=library(deep["home"], "central"),
        title="最新中央文件",
        issued_at=datetime.date.today() + datetime.timedelta(days=1),
    )
    for code in ["da", "da-s1", "da-s1-c1", "da-s1-c1-b1", "db", "db-s1"]:
        text = client.get("/topics/central/", HTTP_HOST=f"{code}.localhost").content.decode()
        assert text.index("最新中央文件") < text.index("central文件"), code
    superiors = client.get("/topics/superiors/", HTTP_HOST="da-s1-c1-b1.localhost")
    text = superiors.content.decode()
    assert "da-s1文件" in text and "db文件" not in text and "da-s1-c2文件" not in text
    assert newer.live


def test_drafts_and_private_directives_never_show(deep, directives, client):
    draft = DirectiveFactory(parent=library(deep["home"], "city"), title="城市草稿", live=False)
    private = DirectiveFactory(parent=library(deep["home"], "city"), title="内部文件")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    shown = titles(directives_for(deep["da-s1-c1-b1"], "city"))
    assert shown == {"city文件"}
    text = client.get("/topics/city/", HTTP_HOST="da-s1-c1-b1.localhost").content.decode()
    assert "城市草稿" not in text and "内部文件" not in text
    assert draft.pk and private.pk


def test_cascade_page_query_count_is_constant_in_the_number_of_sites(
    deep, directives, client, django_assert_max_num_queries
):
    def render():
        return client.get("/topics/superiors/", HTTP_HOST="da-s1-c1-b1.localhost")

    render()
    with django_assert_max_num_queries(20) as captured:
        render()
    before = len(captured.captured_queries)
    districts = OrganisationFactory.create_batch(25, kind="district")
    for n in range(5):
        DirectiveFactory(parent=own_column(districts[n]))
        DirectiveFactory(parent=library(deep["home"], "central"))
    render()
    with django_assert_max_num_queries(before):
        assert render().status_code == 200


def test_directives_are_written_only_in_the_library_or_the_own_column(deep):
    from content.models import DirectivePage

    assert DirectivePage.can_create_at(library(deep["home"], "central"))
    assert DirectivePage.can_create_at(own_column(deep["da-s1"]))
    branch_central = DirectiveIndexPage.objects.descendant_of(deep["da-s1-c1-b1"]).get(
        level="central"
    )
    assert not DirectivePage.can_create_at(branch_central)
    superiors = DirectiveIndexPage.objects.child_of(column(deep["da"], "topics")).get(level="")
    assert not DirectivePage.can_create_at(superiors)
    with pytest.raises(ValidationError):
        DirectiveFactory(parent=branch_central)


def test_pin_with_a_study_note_only_for_visible_directives(deep, directives, client):
    branch = deep["da-s1-c1-b1"]
    pin = PinnedDirective(organisation=branch, directive=directives["central"], note="逐段学习")
    pin.full_clean()
    pin.save()
    home = client.get("/", HTTP_HOST="da-s1-c1-b1.localhost").content.decode()
    assert "置顶" in home and "逐段学习" in home and "central文件" in home
    sibling = PinnedDirective(organisation=branch, directive=directives["db"], note="x")
    with pytest.raises(ValidationError):
        sibling.full_clean()


def test_directive_page_and_print_view(deep, directives, client):
    url = "/topics/central/" + directives["central"].slug + "/"
    page = client.get(url, HTTP_HOST="localhost")
    assert page.status_code == 200 and "central文件" in page.content.decode()
    assert "?view=print" in page.content.decode()
    printed = client.get(url, {"view": "print"}, HTTP_HOST="localhost").content.decode()
    assert "（打印版）" in printed and 'id="site-nav"' not in printed


def test_a_moved_directive_takes_its_new_place(deep, directives):
    directive = directives["da-s1"]
    target = own_column(deep["da-s1-c2"])
    assert directive.can_move_to(target)
    assert not directive.can_move_to(library(deep["home"], "central").get_parent())
    directive.move(target, pos="last-child")
    directive.refresh_from_db()
    assert (directive.level, directive.issuing_organisation_id) == (
        "community",
        deep["da-s1-c2"].pk,
    )
    assert "da-s1文件" not in titles(directives_for(deep["da-s1-c1-b1"]))


def test_branch_home_links_every_directive_column(deep, directives, client):
    text = client.get("/", HTTP_HOST="da-s1-c1-b1.localhost").content.decode()
    for path in ["/topics/", "/directives/", "/topics/superiors/"]:
        assert f'href="{path}"' in text, path
    topics = client.get("/topics/", HTTP_HOST="da-s1-c1-b1.localhost").content.decode()
    for path in ["/topics/central/", "/topics/province/", "/topics/city/"]:
        assert f'href="{path}"' in topics, path
