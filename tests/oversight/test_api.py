"""/api/v2/oversight/…: the dashboard's figures for a big screen — the same isolation as
the admin (401, 403, 404 JSON), 400 for bad parameters, constant queries, the schema."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from oversight import scores
from sites.models import OrganisationPage
from tests.factories import UserFactory
from tests.sites.factories import provision_tree

from .conftest import BRANCH, DISTRICT, FOUNDED, SIBLING, STREET

pytestmark = pytest.mark.django_db
API = "/api/v2/oversight"
ENDPOINTS = ["summary", "ranking", "trend", "zombies"]


def error_of(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_anonymous_gets_401_json(watched, client, name):
    error_of(client.get(f"{API}/{name}/"), 401)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_user_of_no_organisation_gets_403_json(watched, client, name):
    client.force_login(UserFactory(username="reader"))
    assert error_of(client.get(f"{API}/{name}/"), 403)["code"] == "forbidden"


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize("code", [DISTRICT, "da-s2", SIBLING, "nosuch"])
def test_outside_the_subtree_is_404_json(watched, signed_in, name, code):
    response = signed_in(STREET).get(f"{API}/{name}/", {"org": code})
    assert error_of(response, 404)["code"] == "not_found"


def test_the_summary_has_the_scope_and_its_children(watched, signed_in):
    body = signed_in(DISTRICT).get(f"{API}/summary/").json()
    assert body["organisation"]["organisation"]["code"] == DISTRICT
    assert body["computing"] is False and body["computed_at"].startswith("2026-10-12")
    assert [c["organisation"]["code"] for c in body["children"]] == [STREET, "da-s2"]
    assert body["children_by_status"] == {"ok": 0, "due": 0, "overdue": 0, "zombie": 2}
    street = signed_in(DISTRICT).get(f"{API}/summary/", {"org": STREET}).json()
    (branch,) = street["children"]
    assert branch["organisation"]["code"] == BRANCH and branch["last_update"] == "2026-10-10"
    assert branch["days_quiet"] == 2 and branch["status"] == "overdue"
    # On 12 October only 支部动态 is met; the other monthly rules, missed in September,
    # are in arrears and count against October from its first day.
    assert (branch["rules_met"], branch["rules_due"], branch["compliance"]) == (1, 4, 25.0)
    assert branch["score"] == 25.0 and branch["status_label"] == "逾期"


def test_the_summary_filters_and_sorts(watched, signed_in):
    client = signed_in(DISTRICT)
    zombies = client.get(f"{API}/summary/", {"org": "da-s2", "status": "zombie"}).json()
    assert [c["organisation"]["code"] for c in zombies["children"]] == [SIBLING]
    best = client.get(f"{API}/summary/", {"sort": "-score"}).json()["children"]
    assert [c["organisation"]["code"] for c in best] == [STREET, "da-s2"]
    # A kind: every organisation of that kind in the subtree, not only the children.
    branches = client.get(f"{API}/summary/", {"kind": "branch"}).json()["children"]
    assert [c["organisation"]["code"] for c in branches] == [BRANCH, SIBLING]
    none = client.get(f"{API}/summary/", {"org": "da-s2", "kind": "street"}).json()["children"]
    assert none == []


@pytest.mark.parametrize(
    "name, params, code",
    [
        ("summary", {"status": "stale"}, "bad_status"),
        ("summary", {"kind": "planet"}, "bad_kind"),
        ("summary", {"sort": "random"}, "bad_sort"),
        ("summary", {"org": "a b"}, None),
        ("ranking", {"period": "week"}, "bad_period"),
        ("ranking", {"month": "2026-13"}, "bad_month"),
        ("ranking", {"month": "13-2026"}, "bad_month"),
        ("ranking", {"month": "2099-01"}, "bad_month"),
        ("ranking", {"limit": "0"}, "bad_limit"),
        ("zombies", {"page": "0"}, "bad_page"),
    ],
)
def test_bad_parameters_are_400_json(watched, signed_in, name, params, code):
    error = error_of(signed_in(DISTRICT).get(f"{API}/{name}/", params), 400)
    if code:
        assert error["code"] == code


def test_the_ranking_by_month_and_year(watched, signed_in):
    client = signed_in(DISTRICT)
    body = client.get(f"{API}/ranking/").json()
    assert (body["period"], body["starts"], body["count"]) == ("month", "2026-10-01", 2)
    first, second = body["results"]
    assert (first["rank"], first["organisation"]["code"], first["score"]) == (1, BRANCH, 25.0)
    assert first["parent"] == "甲区一街道" and second["organisation"]["code"] == SIBLING
    september = client.get(f"{API}/ranking/", {"month": "2026-09"}).json()
    assert september["starts"] == "2026-09-01" and september["count"] == 2
    year = client.get(f"{API}/ranking/", {"period": "year", "month": "2026-09"}).json()
    assert year["starts"] == "2026-01-01" and year["count"] == 2
    assert len(client.get(f"{API}/ranking/", {"limit": 1}).json()["results"]) == 1


def test_the_trend_and_the_zombies(watched, signed_in):
    client = signed_in(DISTRICT)
    months = client.get(f"{API}/trend/").json()["months"]
    assert len(months) == 12 and months[-1]["month"] == "2026-10-01"
    assert months[-1]["updates"] == 2 and months[-6]["updates"] == 1
    assert months[0]["compliance"] is None and months[-1]["compliance"] is not None
    body = client.get(f"{API}/zombies/").json()
    assert body["count"] == 4 and body["pages"] == 1
    sibling = next(z for z in body["results"] if z["organisation"]["code"] == SIBLING)
    assert sibling["contact_phone"] == "028-12345678" and sibling["parent"] == "甲区二街道"
    assert sibling["editors"] == [{"name": "王静", "email": "quiet@example.org"}]
    assert error_of(client.get(f"{API}/zombies/", {"page": 2}), 404)["code"] == "page_out_of_range"


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_constant_queries_at_two_tree_sizes(watched, signed_in):
    client = signed_in(DISTRICT)
    urls = [f"{API}/{name}/" for name in ENDPOINTS]
    for url in urls:
        client.get(url)
    small = [queries_of(client, url) for url in urls]
    rows = ["code,parent_code,name,kind"]
    for n in range(20):
        rows += [f"da-n{n},da,新街道{n},street", f"da-n{n}-b,da-n{n},新支部{n},branch"]
    provision_tree("\n".join(rows) + "\n", watched["home"])
    OrganisationPage.objects.update(first_published_at=FOUNDED)
    scores.refresh(watched["home"])
    assert len(client.get(f"{API}/summary/").json()["children"]) == 22
    assert client.get(f"{API}/zombies/").json()["count"] > 20  # two pages now
    assert [queries_of(client, url) for url in urls] == small


def test_the_schema_documents_the_endpoints_in_chinese(client, db):
    schema = client.get("/api/schema/").json()
    validate(schema)
    for name in ENDPOINTS:
        operation = schema["paths"][f"{API}/{name}/"]["get"]
        assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
        assert operation["tags"] == ["监督"] and any(
            "\u4e00" <= c <= "\u9fff" for c in operation["description"]
        )
    summary = schema["paths"][f"{API}/summary/"]["get"]
    status = next(p for p in summary["parameters"] if p["name"] == "status")
    assert "僵尸" in status["description"]


def test_a_fresh_install_computes_the_summary(aged_tree, at, signed_in):
    at(2026, 10, 12)
    body = signed_in(DISTRICT).get(f"{API}/summary/").json()
    assert body["computing"] is False and len(body["children"]) == 2
    assert all(c["computed"] for c in body["children"])
    assert datetime.date.fromisoformat(body["computed_at"][:10]) == datetime.date(2026, 10, 12)
