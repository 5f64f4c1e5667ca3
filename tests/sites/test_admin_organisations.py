"""Organisations created or edited in the Wagtail admin follow the same rules as the CSV."""

import re

from django.contrib.auth.models import Group
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from sites.models import ColumnPage, OrganisationPage
from sites.skeleton import skeleton_for
from tests.factories import UserFactory


def org_form(**fields):
    data = {
        "title": "新街道",
        "code": "da-s9",
        "kind": "street",
        "slug": "da-s9",
        "member_count": 10,
        "probationary_member_count": 0,
        "activist_count": 0,
        "leaders": inline_formset([]),
        "pinned_directives": inline_formset([]),
        "comments": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


def test_admin_created_organisation_gets_site_columns_and_groups(org_tree, client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    district = org_tree["da"]
    response = client.post(f"/admin/pages/add/orgs/organisationpage/{district.pk}/", org_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    street = OrganisationPage.objects.get(code="da-s9")
    assert Site.objects.get(root_page=street).hostname == "da-s9.localhost"
    assert ColumnPage.objects.child_of(street).count() == len(skeleton_for("street"))
    assert Group.objects.filter(name__in=["da-s9:editors", "da-s9:reviewers"]).count() == 2


def test_admin_refuses_a_kind_that_does_not_fit_the_parent(org_tree, client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    district = org_tree["da"]
    before = Page.objects.count()
    response = client.post(
        f"/admin/pages/add/orgs/organisationpage/{district.pk}/",
        org_form(kind="branch", code="da-b9", slug="da-b9"),
    )
    assert response.status_code == 200
    assert "区委下不能直接设立党支部" in response.content.decode()
    assert Page.objects.count() == before


def test_branch_editor_explorer_starts_at_their_branch(org_tree, client):
    user = UserFactory(username="b1", groups=["da-s1-b1:editors"])
    client.force_login(user)
    home = client.get("/admin/pages/")
    assert home.status_code in (200, 302)
    explorer = client.get(f"/admin/pages/{org_tree['da-s1-b1'].pk}/")
    assert explorer.status_code == 200
    assert "支部动态" in explorer.content.decode()
    sibling = client.get(f"/admin/pages/{org_tree['da-s2-b1'].pk}/")
    # Wagtail sends them back to the top of what they may explore: their own branch.
    assert sibling.status_code == 302
    assert sibling["Location"] == f"/admin/pages/{org_tree['da-s1-b1'].pk}/"


def site_checkboxes(html):
    return re.findall(r'<input[^>]*name="site"[^>]*value="(\d+)"', html)


def test_explorer_site_filter_offers_only_nearby_sites(org_tree, client):
    client.force_login(UserFactory(username="b1", groups=["da-s1-b1:editors"]))
    html = client.get(f"/admin/pages/{org_tree['da-s1-b1'].pk}/").content.decode()
    own_site = Site.objects.get(root_page=org_tree["da-s1-b1"])
    assert site_checkboxes(html) == [str(own_site.pk)]

    client.force_login(UserFactory(username="d", groups=["da:editors"]))
    html = client.get(f"/admin/pages/{org_tree['da'].pk}/").content.decode()
    expected = Site.objects.filter(root_page__in=[org_tree[c] for c in ("da", "da-s1", "da-s2")])
    assert sorted(site_checkboxes(html)) == sorted(str(s.pk) for s in expected)

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    html = client.get(f"/admin/pages/{org_tree['home'].pk}/").content.decode()
    expected = Site.objects.filter(root_page__in=[org_tree["home"], org_tree["da"]])
    assert sorted(site_checkboxes(html)) == sorted(str(s.pk) for s in expected)
