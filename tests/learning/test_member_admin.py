"""Members and evaluations in the admin keep to the reviewer's subtree on every view:
listing, export, edit, copy, delete (one and bulk), history, usage, the chooser. Outside
it, 404 (or absent from a list); inside, the view works (no TypeError on history/usage)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.models import Evaluation, MemberProfile
from tests.factories import UserFactory
from tests.learning.factories import MemberFactory
from tests.shared_data import shared_fixture

OWN, SIBLING = "da-s1-b1", "da-s2-b1"
MODELS = {"memberprofile": "member", "evaluation": "evaluation"}
OBJECT_VIEWS = ["edit", "copy", "delete", "history", "history-results", "usage"]


@shared_fixture
def members(org_tree):
    """A member with a phone and an evaluation in each of two sibling streets' branches."""
    made = {}
    for n, code in enumerate([OWN, SIBLING]):
        user = MemberFactory(branch=org_tree[code], name=f"党员《{code}》", phone=f"1380000000{n}")
        made[code] = {
            "member": user.member,
            "evaluation": Evaluation.objects.create(member=user.member, year=2026, score=90),
        }
    return made


@pytest.fixture
def reviewer(client, org_tree):
    """A reviewer of street da-s1 (so of branch da-s1-b1, not of da-s2-b1), signed in,
    who may also delete (reviewers may not by default), to see deleting keep to the
    subtree too."""
    user = UserFactory(username="rev-da-s1", groups=["da-s1:reviewers"])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="learning", codename__in=[f"delete_{m}" for m in MODELS]
        )
    )
    client.force_login(user)
    return user


def object_url(model, view, pk):
    return f"/admin/snippets/learning/{model}/{view}/{pk}/"


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("view", OBJECT_VIEWS)
def test_object_views_answer_inside_and_404_outside(client, members, reviewer, model, view):
    own = members[OWN][MODELS[model]]
    sibling = members[SIBLING][MODELS[model]]
    assert client.get(object_url(model, view, own.pk)).status_code == 200
    response = client.get(object_url(model, view, sibling.pk))
    assert response.status_code == 404
    assert SIBLING not in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("query", ["", "?export=csv", "?export=xlsx", "results/?q=党员"])
def test_listings_and_exports_show_only_the_subtree(client, members, reviewer, model, query):
    response = client.get(f"/admin/snippets/learning/{model}/{query}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "xlsx" not in query:
        text = body.decode("utf-8-sig")
        assert f"党员《{OWN}》" in text and f"党员《{SIBLING}》" not in text
        assert "13800000001" not in text


@pytest.mark.parametrize("model", MODELS)
def test_the_chooser_lists_and_returns_only_the_subtree(client, members, reviewer, model):
    base = f"/admin/snippets/choose/learning/{model}/"
    listing = client.get(f"{base}results/", {"q": ""}).content.decode()
    assert f"党员《{OWN}》" in listing and f"党员《{SIBLING}》" not in listing
    own, sibling = (members[code][MODELS[model]] for code in (OWN, SIBLING))
    assert client.get(f"{base}chosen/{own.pk}/").status_code == 200
    assert client.get(f"{base}chosen/{sibling.pk}/").status_code == 404
    multiple = client.get(f"{base}chosen-multiple/", {"id": [own.pk, sibling.pk]})
    assert f"党员《{SIBLING}》" not in multiple.content.decode()


def test_bulk_delete_leaves_a_siblings_member(client, members, reviewer):
    own, sibling = members[OWN]["member"], members[SIBLING]["member"]
    url = f"/admin/bulk/learning/memberprofile/delete/?id={own.pk}&id={sibling.pk}"
    client.post(url)
    assert list(MemberProfile.objects.values_list("pk", flat=True)) == [sibling.pk]
    assert not MemberProfile.objects.filter(pk=own.pk).exists()


def test_a_delete_post_outside_is_404_and_deletes_nothing(client, members, reviewer):
    sibling = members[SIBLING]["member"]
    response = client.post(f"/admin/snippets/learning/memberprofile/delete/{sibling.pk}/")
    assert response.status_code == 404 and MemberProfile.objects.filter(pk=sibling.pk).exists()


def test_a_superuser_reaches_every_member(client, members):
    client.force_login(UserFactory(username="root", is_superuser=True))
    for code in (OWN, SIBLING):
        member = members[code]["member"]
        assert client.get(object_url("memberprofile", "history", member.pk)).status_code == 200


def test_the_scoped_listing_costs_the_same_queries_for_more_members(
    client, org_tree, members, reviewer, django_assert_num_queries
):
    url = "/admin/snippets/learning/memberprofile/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        MemberFactory(branch=org_tree[OWN], name=f"又一位党员{n}", phone=f"1390000100{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    text = response.content.decode()
    assert all(f"又一位党员{n}" in text for n in range(5))


def test_adding_a_member_makes_their_account_and_keeps_to_the_subtree(client, members, reviewer):
    """The add view saved a member without the account every member has (a server error);
    a branch outside the subtree is refused."""
    add = "/admin/snippets/learning/memberprofile/add/"
    for code, name in [(OWN, "新党员甲"), (SIBLING, "新党员乙")]:
        branch = members[code]["member"].branch
        client.post(add, {"name": name, "phone": "13900000009", "branch": branch.pk})
    added = MemberProfile.objects.get(name="新党员甲")
    assert added.user.username == "13900000009" and not added.user.has_usable_password()
    assert not MemberProfile.objects.filter(name="新党员乙").exists()


def test_the_member_choosers_have_no_create_url(client, members, reviewer):
    """Without a creation form the chooser has no "Create" tab; its URL answered with a
    server error."""
    for model in MODELS:
        response = client.post(f"/admin/snippets/choose/learning/{model}/create/", {})
        assert response.status_code == 404


def test_the_translation_editors_snippets_api_keeps_to_the_subtree(client, members, reviewer):
    """wagtail-localize's snippets API listed every member by name to anyone with admin
    access, and answered for any of them by id."""
    api = "/admin/localize/api/snippets/learning/memberprofile/"
    listing = client.get(api)
    assert listing.status_code == 200
    assert {item["title"] for item in listing.json()} == {f"党员《{OWN}》"}
    assert client.get(f"{api}{members[OWN]['member'].pk}/").status_code == 200
    assert client.get(f"{api}{members[SIBLING]['member'].pk}/").status_code == 404
    client.force_login(UserFactory(username="ed-da-s1", groups=["da-s1:editors"]))
    assert client.get(api).json() == []
