"""传达学习 of directives: each branch's status, the coverage an issuer and the levels
below it see, the directive page's own status for editors, the admin's 传达学习情况 and
the relay API — with the same visibility everywhere, in a constant number of queries."""

import datetime
import re

import pytest
from django.utils import timezone

from orglife import relay
from tests.sites.factories import provision_tree

from ..factories import UserFactory
from .factories import MeetingRecordFactory, role_user, studied

QUERIES_COVERAGE_VIEW = 40  # an upper bound (admin chrome included); it must not vary

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


# --- statuses ----------------------------------------------------------------------------


def test_a_branch_with_a_record_has_relayed_it(relay_tree, relay_world):
    found = relay.status(relay_world["district"], relay_tree["ra-s1-b1"])
    assert found.state == relay.REPORTED
    assert found.record == relay_world["relays"]["ra-s1-b1"] and not found.late


def test_a_branch_without_one_has_days_left_until_the_deadline(relay_tree, relay_world):
    found = relay.status(relay_world["district"], relay_tree["ra-s2-c1-b2"])
    assert (found.state, found.days, found.record) == (relay.DUE, 10, None)
    on_the_day = relay.status(
        relay_world["district"], relay_tree["ra-s2-c1-b2"], today=today() + datetime.timedelta(10)
    )
    assert (on_the_day.state, on_the_day.days) == (relay.DUE, 0)


def test_after_the_deadline_it_is_overdue_by_so_many_days(relay_tree, relay_world):
    found = relay.status(relay_world["city"], relay_tree["ra-s1-b2"])
    assert (found.state, found.days) == (relay.OVERDUE, 4)


def test_a_record_after_the_deadline_counts_late(relay_tree, relay_world):
    record = MeetingRecordFactory(organisation=relay_tree["ra-s1-b2"], topic="补学")
    studied(record, relay_world["city"])
    found = relay.status(relay_world["city"], relay_tree["ra-s1-b2"])
    assert found.state == relay.REPORTED and found.late and found.record == record


def test_the_relay_type_is_the_record_shown(relay_tree, relay_world):
    earlier = MeetingRecordFactory(
        organisation=relay_tree["ra-s1-b1"],
        held_at=timezone.now() - datetime.timedelta(days=9),
        topic="支委会顺带学习",
    )
    studied(earlier, relay_world["district"])
    found = relay.status(relay_world["district"], relay_tree["ra-s1-b1"])
    assert found.record == relay_world["relays"]["ra-s1-b1"]


def test_nothing_is_owed_without_a_deadline_above_a_branch_or_outside(relay_tree, relay_world):
    assert relay.status(relay_world["plain"], relay_tree["ra-s1-b1"]) is None
    assert relay.status(relay_world["district"], relay_tree["ra-s1"]) is None  # a street
    assert relay.status(relay_world["district"], relay_tree["rb-s1-b1"]) is None  # elsewhere


# --- coverage ----------------------------------------------------------------------------


def counts(tally):
    return (tally.owing, tally.reported, tally.due, tally.overdue, tally.percent)


def test_three_of_four_branches_reported_is_75_percent(relay_tree, relay_world):
    coverage = relay.Coverage(relay_world["district"], relay_tree["ra"])
    assert counts(coverage.total) == (4, 3, 1, 0, 75)
    assert [(c.code, counts(t)) for c, t in coverage.children] == [
        ("ra-s1", (2, 2, 0, 0, 100)),
        ("ra-s2", (2, 1, 1, 0, 50)),
    ]
    missing = coverage.missing_page(1)
    assert [(m.organisation.code, m.full_name, m.parent) for m in missing] == [
        ("ra-s2-c1-b2", "甲区二街道 / 二街道一社区 / 第二支部", "二街道一社区")
    ]


def test_one_overdue_and_drilling_down(relay_tree, relay_world):
    city = relay.Coverage(relay_world["city"], relay_tree["home"])
    assert counts(city.total) == (5, 1, 0, 4, 20)  # rb-s1-b1 owes the city's directive too
    street = relay.Coverage(relay_world["district"], relay_tree["ra-s2"])
    assert counts(street.total) == (2, 1, 1, 0, 50)
    assert [(c.code, counts(t)) for c, t in street.children] == [("ra-s2-c1", (2, 1, 1, 0, 50))]
    branch = relay.Coverage(relay_world["district"], relay_tree["ra-s2-c1-b2"])
    assert counts(branch.total) == (1, 0, 1, 0, 0) and branch.children == []


def test_the_list_of_directives_with_their_counts(relay_tree, relay_world):
    directives = list(relay.directives_with_deadline(relay_tree["ra"]))
    assert directives == [relay_world["district"], relay_world["city"]]
    tallies = relay.tallies_for(directives, relay_tree["ra"])
    assert counts(tallies[relay_world["district"].pk]) == (4, 3, 1, 0, 75)
    assert counts(tallies[relay_world["city"].pk]) == (4, 1, 0, 3, 25)
    # The sibling district sees its own branch only, and not ra's directive at all.
    assert relay_world["district"] not in relay.directives_with_deadline(relay_tree["rb"])


def grow(tree, branches):
    """`branches` more branches under ra-s1, and as many under a new community of ra-s2;
    half of each relay the district's directive."""
    rows = ["code,parent_code,name,kind", "ra-s2-c9,ra-s2,新社区,community"]
    for n in range(branches):
        rows.append(f"ra-s1-x{n},ra-s1,新支部{n},branch")
        rows.append(f"ra-s2-c9-x{n},ra-s2-c9,新支部{n},branch")
    return provision_tree("\n".join(rows) + "\n", tree["home"])


def measure(django_assert_num_queries, directive, scope, queries):
    with django_assert_num_queries(queries):
        coverage = relay.Coverage(directive, scope)
        assert coverage.total.owing and coverage.children is not None
        list(coverage.missing_page(1))


def test_coverage_takes_the_same_queries_at_any_size(
    relay_tree, relay_world, django_assert_num_queries
):
    directive, scope = relay_world["district"], relay_tree["ra"]
    # the counts grouped by child, the children, the missing page's count, the page,
    # the names above them
    measure(django_assert_num_queries, directive, scope, 5)
    orgs = grow(relay_tree, 30)
    for n in range(0, 30, 2):
        studied(MeetingRecordFactory(organisation=orgs[f"ra-s1-x{n}"]), directive)
    measure(django_assert_num_queries, directive, scope, 5)
    coverage = relay.Coverage(directive, scope)
    assert (coverage.total.owing, coverage.total.reported) == (64, 18)
    assert len(coverage.children) == 2 and len(coverage.missing_page(1)) == 20


# --- the directive page ------------------------------------------------------------------


def at(org, directive):
    """(host, path) of `directive` inside `org`'s site."""
    issuer = directive.issuing_organisation
    return f"{org.code}.localhost", "/" + directive.url_path[len(issuer.url_path) :]


def page(client, org, directive):
    host, path = at(org, directive)
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return response


def note_of(response):
    from bs4 import BeautifulSoup

    aside = BeautifulSoup(response.content, "html.parser").find("aside", class_="relay-note")
    return " ".join(aside.get_text(" ").split()) if aside else None


def test_a_branch_editor_sees_days_left_and_a_prefilled_new_record(client, relay_tree, relay_world):
    client.force_login(role_user("ra-s2-c1-b2", "editors"))
    response = page(client, relay_tree["ra-s2-c1-b2"], relay_world["district"])
    assert "第二支部 待传达 还剩 10 天" in note_of(response)
    add = relay.add_record_url(relay_world["district"])
    assert add.replace("&", "&amp;") in response.content.decode()
    assert "private" in response["Cache-Control"] and "Cookie" in response["Vary"]
    form = client.get(add).content.decode()
    pk = relay_world["district"].pk
    assert re.search(rf'name="directives" value="{pk}" id="[^"]+" checked', form)
    assert re.search(r'<option value="\d+" selected>传达学习', form)
    assert "传达学习《区委关于学习贯彻的通知》" in form


def test_a_branch_that_relayed_sees_its_record_and_a_reviewer_cannot_add(
    client, relay_tree, relay_world
):
    client.force_login(role_user("ra-s1-b1", "reviewers"))
    response = page(client, relay_tree["ra-s1-b1"], relay_world["city"])
    record = relay_world["relays"]["ra-s1-b1"]
    assert "第一支部 已传达" in note_of(response)
    assert f"/meetingrecord/inspect/{record.pk}/" in response.content.decode()
    client.force_login(role_user("ra-s1-b2", "reviewers"))
    response = page(client, relay_tree["ra-s1-b2"], relay_world["city"])
    assert "逾期 已逾期 4 天" in note_of(response)
    assert "填写传达学习记录" not in note_of(response)


def test_the_district_editor_sees_how_many_branches_have(client, relay_tree, relay_world):
    client.force_login(role_user("ra", "editors"))
    response = page(client, relay_tree["ra"], relay_world["district"])
    assert "甲区 下属支部已传达 3/4（75%） 待传达 1" in note_of(response)
    # Shown at a branch's site the district editor still sees the district (not theirs).
    response = page(client, relay_tree["ra-s1-b1"], relay_world["district"])
    assert note_of(response).startswith("传达学习 甲区 ")


def test_anonymous_visitors_and_members_see_the_page_as_before(
    client, relay_tree, relay_world, monkeypatch
):
    from content import reader_notes
    from tests.learning.factories import MemberFactory

    branch, directive = relay_tree["ra-s2-c1-b2"], relay_world["district"]
    with_note = page(client, branch, directive)
    monkeypatch.setattr(reader_notes, "_directive_notes", [])
    without = page(client, branch, directive)
    assert with_note.content == without.content and note_of(with_note) is None
    assert "private" not in with_note.get("Cache-Control", "")
    client.force_login(MemberFactory(branch=branch, name="党员甲"))
    monkeypatch.undo()
    assert note_of(page(client, branch, directive)) is None


def test_nothing_shows_for_a_directive_without_a_deadline_or_outside(
    client, relay_tree, relay_world
):
    client.force_login(role_user("ra-s1-b1", "editors"))
    assert note_of(page(client, relay_tree["ra-s1-b1"], relay_world["plain"])) is None
    client.force_login(role_user("rb-s1-b1", "editors"))  # the other district's branch
    assert note_of(page(client, relay_tree["ra"], relay_world["district"])) is None


# --- 传达学习情况 in the admin ------------------------------------------------------------


def coverage_url(directive, org):
    from django.urls import reverse

    return reverse("orglife_relay_coverage", args=[directive.pk, org.pk])


def test_the_district_sees_its_directives_with_their_counts(client, relay_tree, relay_world):
    client.force_login(role_user("ra", "editors"))
    text = client.get("/admin/orglife/relay/").content.decode()
    assert text.index("区委关于学习贯彻的通知") < text.index("市委文件")
    assert "3/4（75%）" in text and "1/4（25%）" in text and "无期限文件" not in text


def test_the_coverage_table_the_total_and_who_is_missing(client, relay_tree, relay_world):
    client.force_login(role_user("ra", "editors"))
    response = client.get(coverage_url(relay_world["district"], relay_tree["ra"]))
    text = " ".join(response.content.decode().split())
    assert "区委关于学习贯彻的通知" in text and "75%" in text
    assert "已传达 3 个，共 4 个党支部" in text
    assert "甲区一街道" in text and "甲区二街道" in text
    assert "<td>第二支部</td> <td>甲区二街道 / 二街道一社区</td>" in text
    # Drilling down into a child.
    assert coverage_url(relay_world["district"], relay_tree["ra-s2"]) in text
    street = client.get(coverage_url(relay_world["district"], relay_tree["ra-s2"]))
    assert "二街道一社区" in street.content.decode()


@pytest.mark.parametrize(
    ("role", "code", "target", "status"),
    [
        ("editors", "ra", "ra", 200),  # own
        ("editors", "ra", "ra-s2-c1", 200),  # below
        ("reviewers", "ra-s1", "ra-s1", 200),
        ("editors", "ra-s1", "ra", 404),  # the parent
        ("editors", "ra-s1", "ra-s2", 404),  # a sibling
        ("editors", "rb", "ra", 404),  # another district
    ],
)
def test_coverage_is_seen_within_ones_own_subtree(
    client, relay_tree, relay_world, role, code, target, status
):
    client.force_login(role_user(code, role))
    url = coverage_url(relay_world["district"], relay_tree[target])
    assert client.get(url).status_code == status
    index = client.get("/admin/orglife/relay/", {"org": relay_tree[target].pk})
    assert index.status_code == status


def test_a_directive_not_reaching_the_organisation_or_without_deadline_is_404(
    client, relay_tree, relay_world
):
    client.force_login(role_user("rb", "editors"))
    assert client.get(coverage_url(relay_world["district"], relay_tree["rb"])).status_code == 404
    assert client.get(coverage_url(relay_world["plain"], relay_tree["rb"])).status_code == 404
    assert client.get(coverage_url(relay_world["city"], relay_tree["rb"])).status_code == 200


def test_members_and_anonymous_get_no_coverage(client, relay_tree, relay_world):
    url = coverage_url(relay_world["district"], relay_tree["ra"])
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(UserFactory(username="nobody"))
    assert client.get(url).status_code in (302, 403)


def test_the_coverage_view_takes_the_same_queries_at_any_size(
    client, relay_tree, relay_world, django_assert_max_num_queries
):
    client.force_login(role_user("ra", "editors"))
    url = coverage_url(relay_world["district"], relay_tree["ra"])
    seen = []
    for grown in (0, 30):
        if grown:
            grow(relay_tree, grown)
        client.get(url)  # warm the caches
        with django_assert_max_num_queries(QUERIES_COVERAGE_VIEW) as captured:
            assert client.get(url).status_code == 200
        seen.append(len(captured))
    print(f"coverage view at 4 and 64 branches: {seen} queries")
    assert seen[0] == seen[1]


# --- the API -----------------------------------------------------------------------------


def relay_api(client, directive, **params):
    return client.get(f"/api/v2/directives/{directive.pk}/relay/", params)


def test_the_api_gives_the_callers_coverage(client, relay_tree, relay_world):
    client.force_login(role_user("ra", "reviewers"))
    response = relay_api(client, relay_world["district"])
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    body = response.json()
    assert body["organisation"]["code"] == "ra"
    assert body["total"] == {"owing": 4, "reported": 3, "due": 1, "overdue": 0, "percent": 75}
    assert [(c["organisation"]["code"], c["counts"]["percent"]) for c in body["children"]] == [
        ("ra-s1", 100),
        ("ra-s2", 50),
    ]
    assert body["missing"]["results"] == [
        {
            "code": "ra-s2-c1-b2",
            "name": "第二支部",
            "parent": "二街道一社区",
            "above": "甲区二街道 / 二街道一社区",
        }
    ]
    assert body["directive"]["state"] == "due" and body["directive"]["days"] == 10
    below = relay_api(client, relay_world["district"], org="ra-s2").json()
    assert below["total"]["owing"] == 2


@pytest.mark.parametrize(
    ("code", "directive", "org", "status", "error"),
    [
        ("ra-s1", "district", "ra", 404, "not_found"),  # the parent
        ("ra-s1", "district", "ra-s2", 404, "not_found"),  # a sibling
        ("rb", "district", "", 404, "not_found"),  # does not reach rb
        ("ra", "plain", "", 404, "not_found"),  # no deadline
        ("ra", "district", "", 200, None),
    ],
)
def test_the_api_keeps_to_the_callers_subtree(
    client, relay_tree, relay_world, code, directive, org, status, error
):
    client.force_login(role_user(code, "editors"))
    response = relay_api(client, relay_world[directive], org=org)
    assert response.status_code == status
    if error:
        assert response.json()["error"]["code"] == error


def test_the_api_answers_strangers_and_bad_input_in_json(client, relay_tree, relay_world):
    directive = relay_world["district"]
    anonymous = relay_api(client, directive)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthorized"
    client.force_login(UserFactory(username="nobody"))
    stranger = relay_api(client, directive)
    assert stranger.status_code == 403 and stranger.json()["error"]["code"] == "forbidden"
    client.force_login(role_user("ra", "editors"))
    assert relay_api(client, directive, page=9).json()["error"]["code"] == "page_out_of_range"
    assert relay_api(client, directive, page=0).status_code == 400
    assert client.get("/api/v2/directives/0/relay/").status_code == 400
    assert client.get(f"/api/v2/directives/{10**12}/relay/").status_code == 400
    assert client.get("/api/v2/directives/999999/relay/").status_code == 404
