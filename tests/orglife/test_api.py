"""/api/v2/orglife/records/: the admin's visibility rule (own, parent and above see; a
sibling or a child organisation's editor gets 404 by id; members see nothing; anonymous
401), the filters, a constant number of queries per page, and the schema."""

import datetime

import pytest
from django.utils import timezone
from openapi_spec_validator import validate

from orglife.models import Attendance, RecordPhoto
from sites.models import OrganisationAccess
from tests.content.factories import DirectiveFactory, library
from tests.factories import ImageFactory, UserFactory
from tests.learning.factories import MemberFactory

from .conftest import OWN, PARENT, SIBLING, TOP
from .factories import MeetingRecordFactory, attend, meeting_type, role_user

pytestmark = pytest.mark.django_db

LIST = "/api/v2/orglife/records/"


def detail(record):
    return f"{LIST}{record.pk}/"


def sign_in(client, who, org_tree):
    """`who`: (role, organisation code), "member", "superuser" or "anonymous"."""
    if who == "anonymous":
        return
    if who == "member":
        client.force_login(MemberFactory(branch=org_tree[OWN], name="普通党员"))
    elif who == "superuser":
        client.force_login(UserFactory(username="root", is_superuser=True))
    else:
        client.force_login(role_user(who[1], who[0]))


# who -> which records (by organisation code) they see
SEES = {
    ("editors", OWN): {OWN},
    ("reviewers", OWN): {OWN},
    ("editors", SIBLING): {SIBLING},
    ("editors", PARENT): {OWN, PARENT},  # the parent sees its child's record
    ("reviewers", PARENT): {OWN, PARENT},
    ("editors", TOP): {OWN, SIBLING, PARENT},
    "member": set(),
    "superuser": {OWN, SIBLING, PARENT},
}


@pytest.mark.parametrize("who", SEES)
def test_the_list_and_each_record_follow_the_admins_visibility(client, records, org_tree, who):
    sign_in(client, who, org_tree)
    listed = client.get(LIST).json()
    assert {r["organisation"]["code"] for r in listed["results"]} == SEES[who]
    assert listed["count"] == len(SEES[who])
    for code, record in records.items():
        response = client.get(detail(record))
        expected = 200 if code in SEES[who] else 404
        assert response.status_code == expected, (code, response.content)
        if expected == 404:
            assert response.json()["error"]["code"] == "not_found"
            assert record.topic not in response.content.decode()


def test_a_branch_editor_asking_for_the_street_above_or_a_sibling_gets_404(
    client, records, org_tree
):
    client.force_login(role_user(OWN, "editors"))  # the child of PARENT
    for code in (PARENT, SIBLING):
        response = client.get(detail(records[code]))
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = client.get(LIST, {"org": SIBLING})
    assert response.status_code == 200 and response.json()["results"] == []


def test_anonymous_gets_the_apis_401_json(client, records):
    for url in (LIST, detail(records[OWN])):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["error"] == {"code": "unauthorized", "message": "请先登录"}


def test_the_fields_of_a_list_item_and_of_a_record(client, records, org_tree, branch_members):
    record = records[OWN]
    li, er = branch_members["own"]
    attend(record, li)
    attend(record, er, Attendance.LEAVE, "出差")
    directive = DirectiveFactory(
        parent=library(org_tree["home"], "city"), title="市里的文件", doc_number="市〔2026〕3号"
    )
    record.directives.add(directive)
    record.minutes = "<p>领学原文。</p>"
    record.resolutions = "撰写心得"
    record.save()
    collection = OrganisationAccess.objects.get(organisation=org_tree[OWN]).collection
    RecordPhoto.objects.create(
        record=record, image=ImageFactory(collection=collection), caption="会议现场"
    )
    client.force_login(role_user(PARENT, "editors"))
    item = next(r for r in client.get(LIST).json()["results"] if r["id"] == record.pk)
    assert item["organisation"] == {
        "id": org_tree[OWN].pk,
        "code": OWN,
        "name": org_tree[OWN].title,
        "parent": org_tree[PARENT].title,
    }
    assert item["type"] == {"code": "wyh", "name": "支部委员会"}
    assert item["attendance"] == {"expected": 2, "present": 1, "leave": 1, "absent": 0}
    assert item["topic"] == record.topic and item["place"] == "党员活动室"
    assert item["held_at"].endswith("+08:00")
    assert "attendees" not in item and "minutes" not in item
    full = client.get(detail(record)).json()
    assert full["attendees"] == [
        {
            "member_id": li.pk,
            "name": "李一",
            "status": "present",
            "status_label": "出席",
            "reason": "",
        },
        {
            "member_id": er.pk,
            "name": "李二",
            "status": "leave",
            "status_label": "请假",
            "reason": "出差",
        },
    ]
    assert full["minutes"] == "<p>领学原文。</p>" and full["resolutions"] == "撰写心得"
    (found,) = full["directives"]
    assert found["id"] == directive.pk and found["doc_number"] == "市〔2026〕3号"
    assert found["url"].startswith("http")
    (photo,) = full["photos"]
    assert photo["caption"] == "会议现场" and photo["url"].startswith("http://")
    assert photo["url"].endswith(".webp") and photo["thumbnail_url"] and photo["width"]


def test_filters_by_organisation_type_year_and_month(client, org_tree):
    branch = org_tree[OWN]
    march = timezone.make_aware(datetime.datetime(2025, 3, 10, 9))
    MeetingRecordFactory(
        organisation=branch, topic="三月党课", held_at=march, meeting_type=meeting_type("dk")
    )
    MeetingRecordFactory(organisation=branch, topic="三月支委会", held_at=march)
    MeetingRecordFactory(organisation=branch, topic="五月支委会", held_at=march.replace(month=5))
    MeetingRecordFactory(organisation=org_tree[PARENT], topic="街道的会", held_at=march)
    client.force_login(role_user(TOP, "editors"))

    def topics(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return {r["topic"] for r in response.json()["results"]}

    assert topics(org=OWN) == {"三月党课", "三月支委会", "五月支委会"}
    assert topics(org=str(branch.pk)) == topics(org=OWN)
    assert topics(org=PARENT) == {"三月党课", "三月支委会", "五月支委会", "街道的会"}
    assert topics(type="dk") == {"三月党课"}
    assert topics(year="2025", month="3", org=OWN) == {"三月党课", "三月支委会"}
    assert topics(year="2024") == set()
    assert topics(month="5") == {"五月支委会"}


@pytest.mark.parametrize(
    "params, status, code",
    [
        ({"org": "nowhere"}, 404, "unknown_org"),
        ({"org": "999999"}, 404, "unknown_org"),
        ({"type": "tea"}, 400, "bad_type"),
        ({"org": "da\x00"}, 400, "invalid"),
        ({"type": "茶话会"}, 400, "invalid"),
        ({"year": "1999"}, 400, "bad_year"),
        ({"month": "13"}, 400, "bad_month"),
        ({"month": "x"}, 400, "invalid"),
        ({"page": "9"}, 404, "page_out_of_range"),
    ],
)
def test_bad_parameters_are_json_4xx(client, records, params, status, code):
    client.force_login(role_user(TOP, "editors"))
    response = client.get(LIST, params)
    assert response.status_code == status and response.json()["error"]["code"] == code


def test_a_record_id_out_of_range_is_a_json_4xx(client, records):
    client.force_login(role_user(TOP, "editors"))
    assert client.get(f"{LIST}99999999999999/").status_code == 400
    assert client.get(f"{LIST}424242/").status_code == 404


def many(org_tree, count, members):
    for n in range(count):
        record = MeetingRecordFactory(organisation=org_tree[OWN], topic=f"批量{n}")
        for member in members:
            attend(record, member)


def test_a_page_costs_the_same_queries_at_two_sizes(
    client, records, org_tree, branch_members, django_assert_num_queries
):
    client.force_login(role_user(TOP, "editors"))
    client.get(LIST)  # the session's first use
    with django_assert_num_queries(6) as small:
        assert client.get(LIST).json()["count"] == 3
    many(org_tree, 8, branch_members["own"])
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(LIST).json()["count"] == 11


def test_a_record_costs_the_same_queries_whatever_its_attendance(
    client, records, org_tree, branch_members, django_assert_num_queries
):
    client.force_login(role_user(OWN, "editors"))
    record = records[OWN]
    client.get(detail(record))
    with django_assert_num_queries(9) as few:
        client.get(detail(record))
    for n in range(6):
        attend(record, MemberFactory(branch=org_tree[OWN], name=f"党员{n}").member)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(detail(record)).json()["attendees"]) == 6


def test_the_schema_documents_both_operations_with_examples(client, db):
    schema = client.get("/api/schema/").json()
    validate(schema)
    listing = schema["paths"]["/api/v2/orglife/records/"]["get"]
    one = schema["paths"]["/api/v2/orglife/records/{record_id}/"]["get"]
    assert (
        {"200", "400", "401", "404"} <= set(listing["responses"]) <= set(one["responses"]) | {"400"}
    )
    names = {p["name"] for p in listing["parameters"]}
    assert {"org", "type", "year", "month", "page"} <= names
    components = schema["components"]["schemas"]
    assert components["RecordOut"]["examples"][0]["type"]["code"] == "dyh"
    assert components["RecordDetail"]["examples"][0]["attendees"][1]["status"] == "leave"
