"""The e-map (党建电子地图): its marks from the stored score table or, before the nightly
run, from the tallies; organisations without coordinates listed apart; the page and the
API only within the user's subtree; the demo city's outline and the demo organisations
inside their districts."""

import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oversight import map_data, scores
from oversight.access import scope_for
from oversight.models import OrganisationScore
from oversight.status import status_of
from sites import demo as sites_demo
from sites.models import OrganisationPage
from tests.content.factories import ArticleFactory
from tests.factories import UserFactory
from tests.orglife.factories import role_user
from tests.sites.factories import OrganisationFactory, column

from .conftest import BRANCH, SIBLING, STREET

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 20)
OUTLINE = Path(__file__).resolve().parents[2] / "oversight/static/oversight/jiangcheng.geojson"
PLACES = {
    "home": ("39.140000", "117.200000"),
    "da": ("39.150000", "117.190000"),
    STREET: ("39.160000", "117.170000"),
    BRANCH: ("39.161000", "117.171000"),
    SIBLING: ("39.100000", "117.230000"),
    # da-s2 has none: listed, not mapped.
}


@pytest.fixture
def mapped(aged_tree, at):
    """aged_tree with coordinates (not da-s2); the branch posted on 5 October 2026, the
    clock then stands at 20 October."""
    for code, (lat, lon) in PLACES.items():
        OrganisationPage.objects.filter(pk=aged_tree[code].pk).update(
            latitude=Decimal(lat), longitude=Decimal(lon)
        )
    at(2026, 10, 5)
    page = ArticleFactory(parent=column(aged_tree[BRANCH], "news"), title="十月支部动态")
    page.save_revision().publish()
    at(2026, 10, 20)
    return aged_tree


def by_code(data):
    return {m.code: m for m in data.marks + data.unmapped}


def test_marks_carry_each_organisations_status_and_the_unmapped_are_listed_apart(mapped):
    data = map_data.marks(mapped["da"], TODAY)
    assert data.source == map_data.LIVE  # no stored rows yet
    assert [m.code for m in data.marks] == ["da", STREET, BRANCH, SIBLING]
    assert [m.code for m in data.unmapped] == ["da-s2"]
    found = by_code(data)
    for code in ["da", STREET, "da-s2", BRANCH, SIBLING]:
        assert found[code].status == status_of(mapped[code], TODAY).status, code
    assert found[BRANCH].status == OrganisationScore.OVERDUE  # September was missed
    assert found[SIBLING].status == OrganisationScore.ZOMBIE  # quiet since 2025
    branch = found[BRANCH]
    assert (branch.latitude, branch.longitude) == (39.161, 117.171)
    assert branch.parent == mapped[STREET].title and branch.kind == "branch"
    assert branch.last_update == datetime.date(2026, 10, 5) and branch.days_quiet == 15
    assert branch.dashboard_url == reverse("oversight_dashboard") + f"?org={BRANCH}"
    assert branch.site_url
    assert found[SIBLING].last_update is None and found[SIBLING].days_quiet > 600
    assert data.scope.code == "da" and data.scope.parent == mapped["home"].title
    assert data.bbox == [117.17, 39.1, 117.23, 39.161]
    counts = data.counts()
    assert counts[OrganisationScore.ZOMBIE] >= 1 and sum(counts.values()) == 5


def test_the_stored_rows_of_the_month_are_what_the_map_shows(mapped):
    scores.refresh(mapped["da"], TODAY)
    OrganisationScore.objects.filter(
        organisation=mapped[BRANCH], period="month", starts=datetime.date(2026, 10, 1)
    ).update(status=OrganisationScore.DUE, score=77.5, compliance=0.25)
    data = map_data.marks(mapped["da"], TODAY)
    assert data.source == map_data.STORED
    branch = by_code(data)[BRANCH]
    assert (branch.status, branch.score, branch.compliance) == ("due", 77.5, 25.0)
    # Another month's rows are not this month's: computed on the fly again.
    later = map_data.marks(mapped["da"], datetime.date(2026, 11, 2))
    assert later.source == map_data.LIVE


def test_nobody_gets_the_map_of_another_subtree(mapped):
    editor = role_user(STREET, "editors")
    assert scope_for(editor, STREET).code == STREET
    assert scope_for(editor, BRANCH).code == BRANCH
    for other in ["da-s2", "da", SIBLING, "nowhere"]:
        with pytest.raises(Http404):
            scope_for(editor, other)


def count_queries(scope):
    map_data.marks(scope, TODAY)  # warms the site index after provisioning
    with CaptureQueriesContext(connection) as queries:
        data = map_data.marks(scope, TODAY)
    return len(queries), len(data.marks) + len(data.unmapped)


def test_marks_take_a_constant_number_of_queries(mapped):
    small_live, small = count_queries(mapped["da"])
    extra = OrganisationFactory.create_batch(6, parent=mapped[STREET], kind="branch")
    OrganisationPage.objects.filter(pk__in=[o.pk for o in extra]).update(
        latitude=Decimal("39.15"), longitude=Decimal("117.18")
    )
    big_live, big = count_queries(mapped["da"])
    assert big == small + 6
    assert big_live == small_live
    scores.refresh(mapped["da"], TODAY)
    stored, _ = count_queries(mapped["da"])
    assert stored <= 3  # the organisations, the scope's parent, the stored rows


# --- the page and the API -------------------------------------------------------------


def test_the_map_page_embeds_the_marks_and_lists_the_unmapped(mapped, client):
    client.force_login(role_user("da", "editors"))
    response = client.get("/admin/oversight/map/")
    assert response.status_code == 200
    html = response.content.decode()
    embedded = html.split('id="omap-data" type="application/json">')[1]
    data = json.loads(embedded.split("</script>")[0])
    assert {m["code"]: m["status"] for m in data["marks"]} == {
        m.code: m.status for m in map_data.marks(mapped["da"]).marks
    }
    assert data["scope"]["code"] == "da"
    assert [m["code"] for m in data["unmapped"]] == ["da-s2"]
    assert 'data-testid="unmapped"' in html and mapped["da-s2"].title in html
    assert "/static/oversight/map.js" in html and "jiangcheng.geojson" in html
    # Nothing from outside: every script and stylesheet is the portal's own.
    for attribute in ('src="http', 'href="http', "//cdn", "tile"):
        assert attribute not in html.split("<main")[1].split("</main>")[0]


def test_the_map_page_shows_a_subtree_below_and_404s_outside(mapped, client):
    client.force_login(role_user(STREET, "editors"))
    assert client.get(f"/admin/oversight/map/?org={BRANCH}").status_code == 200
    for other in ["da", "da-s2", SIBLING, "no-such-org", "%00<script>"]:
        assert client.get("/admin/oversight/map/", {"org": other}).status_code == 404, other
    client.force_login(UserFactory(username="nobody-special"))
    assert client.get("/admin/oversight/map/").status_code in (302, 403)


def test_the_api_answers_the_subtree_in_json_and_errors_in_json(mapped, client):
    url = "/api/v2/oversight/map/"
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"]
    client.force_login(UserFactory(username="member-only"))
    forbidden = client.get(url)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    client.force_login(role_user(STREET, "editors"))
    own = client.get(url)
    assert own.status_code == 200 and own["Cache-Control"] == "private"
    body = own.json()
    assert body["scope"]["code"] == STREET and body["source"] == "live"
    assert [m["code"] for m in body["marks"]] == [STREET, BRANCH]
    assert body["marks"][1]["status"] == "overdue"
    assert client.get(url, {"org": BRANCH}).json()["scope"]["code"] == BRANCH
    for other in ["da", SIBLING, "x" * 63]:
        answer = client.get(url, {"org": other})
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    too_long = client.get(url, {"org": "x" * 64})
    assert too_long.status_code == 400 and "error" in too_long.json()


# --- the outline and the demo's coordinates -------------------------------------------


def inside(point, ring):
    """Ray casting: whether (lon, lat) lies inside the closed ring."""
    x, y = point
    found = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            found = not found
    return found


def outline():
    features = json.loads(OUTLINE.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["code"]: f for f in features}


def test_the_outline_is_the_city_and_its_three_districts():
    features = outline()
    assert set(features) == {"jiangcheng", "donghu", "xishan", "nanjiang"}
    assert {f["properties"]["name"] for f in features.values()} == {
        "江城市",
        "东湖区",
        "西山区",
        "南江区",
    }
    for feature in features.values():
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) >= 6
        for lon, lat in ring:
            assert 117.14 <= lon <= 117.26 and 39.07 <= lat <= 39.19
    # The districts tile the city: a district's points lie in the city, in no other.
    city = features["jiangcheng"]["geometry"]["coordinates"][0]
    for code in ["donghu", "xishan", "nanjiang"]:
        west, east, south, north = sites_demo.PLACES[code]
        centre = ((west + east) / 2, (south + north) / 2)
        assert inside(centre, city)
        others = [c for c in ["donghu", "xishan", "nanjiang"] if c != code]
        for other in others:
            assert not inside(centre, features[other]["geometry"]["coordinates"][0])


def test_every_demo_organisation_lies_inside_its_own_district():
    features = outline()
    rng = random.Random(2026)
    codes = ["jiangcheng"] + [row.code for row in sites_demo.demo_rows()]
    for code in codes:
        lat, lon = sites_demo.demo_coordinates(code, rng)
        district = code.split("-")[0]
        ring = features[district if district in features else "jiangcheng"]["geometry"]
        assert inside((float(lon), float(lat)), ring["coordinates"][0]), code
    # Each district's whole placing rectangle, not only the points drawn today.
    for code, (west, east, south, north) in sites_demo.PLACES.items():
        ring = features[code]["geometry"]["coordinates"][0] if code in features else None
        ring = ring or features["jiangcheng"]["geometry"]["coordinates"][0]
        for i in range(11):
            for j in range(11):
                point = (west + (east - west) * i / 10, south + (north - south) * j / 10)
                assert inside(point, ring), (code, point)


def test_demo_coordinates_take_two_draws_as_before():
    rng, same = random.Random(7), random.Random(7)
    sites_demo.demo_coordinates("donghu-hp", rng)
    same.random(), same.random()
    assert rng.random() == same.random()


def test_a_big_subtree_with_a_missing_row_is_not_computed_per_request(mapped, monkeypatch):
    scores.refresh(mapped["da"], TODAY)
    OrganisationScore.objects.filter(organisation=mapped[BRANCH]).delete()
    monkeypatch.setattr(map_data, "LIVE_LIMIT", 2)
    data = map_data.marks(mapped["da"], TODAY)
    assert data.source == map_data.STORED
    assert by_code(data)[BRANCH].status == OrganisationScore.NEW  # no figures until tonight
    stored = OrganisationScore.objects.get(
        organisation=mapped[SIBLING], period="month", starts=datetime.date(2026, 10, 1)
    )
    assert by_code(data)[SIBLING].status == stored.status
