"""The full 组织生活记录 admin: the list tells apart organisations of the same name by the
one above them, the type has no blank choice on a new record, and the tallies follow an
edit that changes only attendance rows."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from orglife.models import Attendance, MeetingType, OrgLifeTally

from .conftest import OWN, SIBLING
from .factories import MeetingRecordFactory, attend, meeting_type, record_form, role_user

pytestmark = pytest.mark.django_db
BASE = "/admin/snippets/orglife/meetingrecord"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_list_names_each_organisation_with_the_one_above(org_tree, records):
    html = signed_in(role_user("da", "editors")).get(f"{BASE}/").content.decode()
    for code in (OWN, SIBLING):
        org = org_tree[code]
        above = org.get_parent().title
        assert f"{above} › {org.title}" in html


def test_a_new_records_type_starts_at_the_first_with_no_blank_choice(org_tree):
    html = signed_in(role_user(OWN, "editors")).get(f"{BASE}/add/").content.decode()
    select = re.search(r'<select name="meeting_type".*?</select>', html, re.S).group(0)
    assert "---------" not in select and 'value=""' not in select
    first = MeetingType.objects.first()
    assert re.search(rf'<option value="{first.pk}" selected>', select)


def test_the_tallies_follow_an_edit_of_attendance_rows_only(org_tree, branch_members):
    branch = org_tree[OWN]
    li1, li2 = branch_members["own"]
    record = MeetingRecordFactory(organisation=branch, meeting_type=meeting_type("dyh"))
    rows = [attend(record, li1), attend(record, li2)]
    tally = OrgLifeTally.objects.get(organisation=branch, meeting_type=record.meeting_type)
    assert (tally.expected, tally.present) == (2, 2)
    data = record_form(
        branch,
        [(li1, "present", ""), (li2, "leave", "生病")],
        topic=record.topic,
        held_at=timezone.localtime(record.held_at).strftime("%Y-%m-%d %H:%M"),
        place=record.place,
        host=record.host,
    )
    data["attendances-INITIAL_FORMS"] = 2
    for n, row in enumerate(rows):
        data[f"attendances-{n}-id"] = row.pk
    response = signed_in(role_user(OWN, "editors")).post(f"{BASE}/edit/{record.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Attendance.objects.get(pk=rows[1].pk).status == "leave"
    tally.refresh_from_db()
    assert (tally.meetings, tally.expected, tally.present) == (1, 2, 1)


def test_the_inspect_view_shows_the_minutes_as_text_not_markup(org_tree):
    record = MeetingRecordFactory(organisation=org_tree[OWN], minutes="<p>学习党章。</p>")
    html = signed_in(role_user(OWN, "editors")).get(f"{BASE}/inspect/{record.pk}/")
    assert "<p>学习党章。</p>" in html.content.decode()
    assert "&lt;p&gt;" not in html.content.decode()
