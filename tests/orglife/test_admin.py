"""组织生活记录 in the admin: the list holds what the user may see, a record outside
answers 404 on every view of one record, the levels above inspect but do not edit, and
the form refuses bad input in Chinese without writing anything."""

import datetime

import pytest
from django.utils import timezone

from orglife.models import Attendance, MeetingRecord, OrgLifeTally
from tests.content.factories import DirectiveFactory, own_column

from .conftest import OWN, PARENT, SIBLING
from .factories import MeetingRecordFactory, meeting_type, record_form, role_user

pytestmark = pytest.mark.django_db

BASE = "/admin/snippets/orglife/meetingrecord"
OBJECT_VIEWS = ["edit", "delete", "inspect", "history", "usage"]


def signed_in(client, code, role="editors"):
    user = role_user(code, role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("view", OBJECT_VIEWS)
def test_a_siblings_record_is_404_on_every_view(client, records, view):
    signed_in(client, OWN)
    assert client.get(f"{BASE}/{view}/{records[OWN].pk}/").status_code == 200
    response = client.get(f"{BASE}/{view}/{records[SIBLING].pk}/")
    assert response.status_code == 404
    assert f"{SIBLING}的会议" not in response.content.decode()


def test_a_branch_editor_gets_404_for_the_street_above(client, records):
    signed_in(client, OWN)
    assert client.get(f"{BASE}/inspect/{records[PARENT].pk}/").status_code == 404


def test_the_list_holds_the_users_subtree(client, records):
    signed_in(client, PARENT)
    html = client.get(f"{BASE}/").content.decode()
    assert f"{OWN}的会议" in html and f"{PARENT}的会议" in html
    assert f"{SIBLING}的会议" not in html


@pytest.mark.parametrize(("code", "role"), [(PARENT, "editors"), (OWN, "reviewers")])
def test_upper_editors_and_reviewers_inspect_but_do_not_edit(client, records, code, role):
    signed_in(client, code, role)
    record = records[OWN]
    inspect = client.get(f"{BASE}/inspect/{record.pk}/")
    assert inspect.status_code == 200 and record.topic in inspect.content.decode()
    assert client.get(f"{BASE}/edit/{record.pk}/").status_code in (302, 403)
    client.post(f"{BASE}/delete/{record.pk}/")
    assert MeetingRecord.objects.filter(pk=record.pk).exists()


def test_the_list_filters_by_type_month_and_organisation(client, records, org_tree):
    signed_in(client, "da", "editors")
    MeetingRecordFactory(organisation=org_tree[OWN], meeting_type=meeting_type("dk"), topic="党课")
    html = client.get(f"{BASE}/", {"meeting_type": meeting_type("dk").pk}).content.decode()
    assert "党课" in html and f"{OWN}的会议" not in html
    html = client.get(f"{BASE}/", {"organisation": org_tree[PARENT].pk}).content.decode()
    assert f"{OWN}的会议" in html and f"{SIBLING}的会议" not in html
    month = timezone.localtime(records[OWN].held_at).month
    other = month % 12 + 1
    assert f"{OWN}的会议" in client.get(f"{BASE}/", {"month": month}).content.decode()
    assert f"{OWN}的会议" not in client.get(f"{BASE}/", {"month": other}).content.decode()


def test_the_organisation_filter_names_no_sibling(client, records):
    signed_in(client, OWN)
    assert "二街道第一支部" not in client.get(f"{BASE}/").content.decode()


def test_the_list_query_count_is_constant(client, records, org_tree):
    signed_in(client, "da")
    client.get(f"{BASE}/")  # warm up (site index, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"{BASE}/")
    MeetingRecordFactory.create_batch(10, organisation=org_tree[SIBLING])
    with CaptureQueriesContext(connection) as many:
        client.get(f"{BASE}/")
    assert len(many) == len(few)


def test_an_editor_adds_a_record_with_attendees(client, org_tree, branch_members):
    user = signed_in(client, OWN)
    one, two = branch_members["own"]
    response = client.post(
        f"{BASE}/add/",
        record_form(org_tree[OWN], [(one, "present", ""), (two, "leave", "出差")]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    record = MeetingRecord.objects.get(topic="学习党章")
    assert record.created_by == user
    assert sorted(record.attendances.values_list("status", flat=True)) == ["leave", "present"]
    tally = OrgLifeTally.objects.get(organisation=org_tree[OWN])
    assert (tally.meetings, tally.expected, tally.present) == (1, 2, 1)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        # not among the choices (only the branch's members are offered), so Django's own
        # message; the model refuses it too (test_validation.py)
        ("sibling_member", "选择一个有效的选项"),
        ("leave_without_reason", "请假须填写原因"),
        ("future", "会议时间不能晚于现在"),
        # likewise: only directives that reach the organisation are offered
        ("directive", "选择一个有效的选项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    client, org_tree, branch_members, bad, message
):
    signed_in(client, OWN)
    one = branch_members["own"][0]
    attendees, fields = [(one, "present", "")], {}
    if bad == "sibling_member":
        attendees.append((branch_members["sibling"], "present", ""))
    elif bad == "leave_without_reason":
        attendees = [(one, "leave", "")]
    elif bad == "future":
        later = timezone.localtime() + datetime.timedelta(days=2)
        fields["held_at"] = later.strftime("%Y-%m-%d %H:%M")
    else:
        directive = DirectiveFactory(parent=own_column(org_tree[SIBLING]), title="兄弟文件")
        fields["directives"] = [directive.pk]
    response = client.post(f"{BASE}/add/", record_form(org_tree[OWN], attendees, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MeetingRecord.objects.filter(topic="学习党章").exists()
    assert not Attendance.objects.exists()
    assert not OrgLifeTally.objects.filter(organisation=org_tree[OWN]).exists()


def test_a_photo_from_a_siblings_collection_is_refused_on_adding(client, org_tree):
    from sites.models import OrganisationAccess
    from tests.factories import ImageFactory

    signed_in(client, OWN)
    sibling = OrganisationAccess.objects.get(organisation=org_tree[SIBLING]).collection
    image = ImageFactory(collection=sibling, title="兄弟的照片")
    data = record_form(org_tree[OWN])
    data.update(
        {
            "photos-TOTAL_FORMS": 1,
            "photos-0-image": image.pk,
            "photos-0-caption": "",
            "photos-0-ORDER": 0,
            "photos-0-id": "",
            "photos-0-DELETE": "",
        }
    )
    response = client.post(f"{BASE}/add/", data)
    assert response.status_code == 200
    assert "照片须来自本组织的媒体库" in response.content.decode()
    assert not MeetingRecord.objects.filter(topic="学习党章").exists()
