"""快速记录 over HTTP: one POST makes the record with its attendance rows and photos (in the
organisation's collection, 图片说明 as alt text) and the tallies; bad input (a future
day, no topic, 请假 without a reason, a file that is not a picture, a member of another
branch) is named in Chinese and writes nothing; the organisation is chosen first by
those who record for several, and remembered; the form is offered where it should be."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from wagtail.images import get_image_model

from orglife.models import Attendance, MeetingRecord, MeetingType, OrgLifeTally, RecordPhoto
from sites.models import OrganisationAccess
from tests.factories import UserFactory
from tests.kitchen.factories import photo_upload

from .conftest import OWN, SIBLING
from .factories import MeetingRecordFactory, meeting_type, role_user

pytestmark = pytest.mark.django_db

URL = "/admin/orglife/quick-record/"
Image = get_image_model()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def branch(org_tree):
    return org_tree[OWN]


@pytest.fixture
def editor(branch):
    return role_user(OWN, "editors")


def quick(org, members, type_code="dyh", topic="学习党章", absent=None, **fields):
    """The form's POST: every member shown; `absent` {member: (status, reason)} unticked."""
    absent = absent or {}
    data = {
        "organisation": org.pk,
        "meeting_type": meeting_type(type_code).pk,
        "date": timezone.localdate().isoformat(),
        "time": "",
        "topic": topic,
        "place": "",
        "minutes": "",
        "member": [m.pk for m in members],
        "present": [m.pk for m in members if m not in absent],
    }
    for member, (status, reason) in absent.items():
        data[f"status-{member.pk}"] = status
        data[f"reason-{member.pk}"] = reason
    data.update(fields)
    return data


def nothing_written(before_images):
    return MeetingRecord.objects.count() == 0 and Image.objects.count() == before_images


def test_one_post_makes_the_record_attendance_photos_and_tallies(branch, editor, branch_members):
    li1, li2 = branch_members["own"]
    data = quick(
        branch,
        [li1, li2],
        absent={li2: ("leave", "出差")},
        minutes="学习了党章第一章。\n讨论了下半年工作。",
        photos=[photo_upload("a.jpg"), photo_upload("b.png", "PNG")],
        photo_caption=["支部党员学习党章", ""],
    )
    response = signed_in(editor).post(URL, data)
    record = MeetingRecord.objects.get(topic="学习党章")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/orglife/quick-record/done/{record.pk}/"
    assert record.organisation == branch and record.created_by == editor
    assert record.meeting_type.code == "dyh"
    assert record.minutes == "<p>学习了党章第一章。</p><p>讨论了下半年工作。</p>"
    rows = {a.member: (a.status, a.reason) for a in record.attendances.all()}
    assert rows == {li1: ("present", ""), li2: ("leave", "出差")}
    photos = list(RecordPhoto.objects.filter(record=record).order_by("sort_order"))
    assert [p.caption for p in photos] == ["支部党员学习党章", "学习党章"]  # topic stands in
    collection = OrganisationAccess.objects.get(organisation=branch).collection
    assert all(p.image.collection == collection for p in photos)
    assert [p.image.description for p in photos] == ["支部党员学习党章", "学习党章"]
    tally = OrgLifeTally.objects.get(organisation=branch, meeting_type=record.meeting_type)
    assert (tally.meetings, tally.expected, tally.present) == (1, 2, 1)
    done = signed_in(editor).get(response["Location"]).content.decode()
    assert "已保存：学习党章" in done and "出席 1 人，请假 1 人，缺席 0 人" in done
    assert "发布公开摘要" in done


def test_the_time_defaults_to_this_hour_today_and_the_type_to_the_first(branch, editor):
    html = signed_in(editor).get(URL).content.decode()
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in html
    assert timezone.localtime().strftime('value="%H:00"') in html
    first = MeetingType.objects.first()
    assert "---------" not in html
    assert re.search(rf'name="meeting_type" value="{first.pk}"[^>]* checked', html)
    signed_in(editor).post(URL, quick(branch, [], time=""))
    held = timezone.localtime(MeetingRecord.objects.get().held_at)
    assert held.date() == timezone.localdate() and held.minute == 0


def test_a_past_day_without_a_time_is_put_at_nine(branch, editor):
    day = timezone.localdate() - datetime.timedelta(days=3)
    signed_in(editor).post(URL, quick(branch, [], date=day.isoformat()))
    held = timezone.localtime(MeetingRecord.objects.get().held_at)
    assert (held.date(), held.hour, held.minute) == (day, 9, 0)


def future(field):
    if field == "date":
        return {"date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}
    soon = timezone.localtime() + datetime.timedelta(hours=2)
    if soon.date() != timezone.localdate():
        pytest.skip("two hours from now is tomorrow")
    return {"time": soon.strftime("%H:%M")}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (lambda m: future("date"), "会议日期不能晚于今天"),
        (lambda m: future("time"), "会议时间不能晚于现在"),
        (lambda m: {"topic": "  "}, "请填写主题"),
        (lambda m: {"meeting_type": ""}, "请选择会议类型"),
        (lambda m: {"present": [m[0].pk], f"status-{m[1].pk}": "leave"}, "李二请假，请填写原因"),
        (
            lambda m: {"photos": [SimpleUploadedFile("p.jpg", b"<html><script>1</script>")]},
            "第 1 张照片无法使用",
        ),
        (lambda m: {"photos": [SimpleUploadedFile("p.jpg", b"GIF89a not really")]}, "第 1 张照片"),
    ],
)
def test_bad_input_is_named_in_chinese_and_writes_nothing(
    branch, editor, branch_members, bad, message
):
    members = branch_members["own"]
    images = Image.objects.count()
    data = quick(branch, members, photo_caption=["照片"])
    data.update(bad(members))
    response = signed_in(editor).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert nothing_written(images)
    assert Attendance.objects.count() == 0 and OrgLifeTally.objects.count() == 0


def test_a_member_of_another_branch_is_refused(branch, editor, branch_members):
    members = [*branch_members["own"], branch_members["sibling"]]
    response = signed_in(editor).post(URL, quick(branch, members))
    assert "出勤名单中有不是本组织的党员" in response.content.decode()
    assert MeetingRecord.objects.count() == 0


def test_the_form_lists_the_organisations_members_all_ticked(branch, editor, branch_members):
    html = signed_in(editor).get(URL).content.decode()
    assert html.count('data-testid="qr-present"') == 2
    assert html.count(' checked data-testid="qr-present"') == 2
    assert "李一" in html and "李二" in html and "赵三" not in html
    assert 'accept="image/*" capture="environment" multiple' in html


def test_the_forms_queries_do_not_grow_with_the_members(
    branch, editor, branch_members, django_assert_max_num_queries
):
    from tests.learning.factories import MemberFactory

    client = signed_in(editor)
    client.get(URL)
    with django_assert_max_num_queries(40) as few:
        client.get(URL)
    for n in range(10):
        MemberFactory(branch=branch, name=f"党员{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


@pytest.mark.parametrize("code", [SIBLING, "da-s1"])
def test_others_cannot_record_for_the_branch(org_tree, branch, code, branch_members):
    user = role_user(code, "editors")
    response = signed_in(user).post(URL, quick(branch, branch_members["own"]))
    assert response.status_code == 403
    assert "您不能为这个组织记录组织生活" in response.content.decode()
    assert signed_in(user).get(URL, {"org": branch.pk}).status_code == 403
    assert MeetingRecord.objects.count() == 0


def test_reviewers_members_and_visitors_get_no_form(branch):
    reviewer = role_user(OWN, "reviewers")
    assert signed_in(reviewer).get(URL).status_code == 200  # the chooser says they have none
    assert "您还没有可以记录组织生活的组织" in signed_in(reviewer).get(URL).content.decode()
    assert Client().get(URL).status_code == 302  # to the login


def test_an_editor_of_several_chooses_first_and_the_last_one_is_remembered(org_tree):
    user = UserFactory(username="two-branches", groups=[f"{OWN}:editors", f"{SIBLING}:editors"])
    client = signed_in(user)
    chooser = client.get(URL).content.decode()
    assert 'data-testid="quick-choose"' in chooser
    assert chooser.count('data-testid="quick-org"') == 2
    assert "甲区一街道" in chooser and "甲区二街道" in chooser  # each says where it is
    sibling = org_tree[SIBLING]
    assert sibling.title in client.get(URL, {"org": sibling.pk}).content.decode()
    MeetingRecordFactory(organisation=sibling, created_by=user)
    form = client.get(URL).content.decode()
    assert 'data-testid="quick-record"' in form and sibling.title in form
    assert "换一个组织" in form


def test_the_record_list_menu_and_dashboard_offer_it(branch, editor):
    client = signed_in(editor)
    listing = client.get("/admin/snippets/orglife/meetingrecord/").content.decode()
    assert 'data-testid="quick-record-button"' in listing and URL in listing
    assert 'data-testid="quick-record-panel-button"' in client.get("/admin/").content.decode()
    reviewer = signed_in(role_user(OWN, "reviewers"))
    assert "quick-record-panel-button" not in reviewer.get("/admin/").content.decode()
    assert (
        "quick-record-button"
        not in reviewer.get("/admin/snippets/orglife/meetingrecord/").content.decode()
    )


def test_without_a_topic_a_good_photo_is_not_named_but_must_be_added_again(branch, editor):
    data = quick(branch, [], topic="", photos=[photo_upload("a.jpg")], photo_caption=[""])
    html = signed_in(editor).post(URL, data).content.decode()
    assert "请填写主题" in html and "照片尚未保存" in html and "张照片无法使用" not in html
    assert MeetingRecord.objects.count() == 0


def test_the_orglife_menu_offers_it_to_those_who_record(branch, editor):
    def menu(client):
        html = client.get("/admin/snippets/orglife/meetingrecord/").content.decode()
        return re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)

    assert "quick-record" in menu(signed_in(editor))
    assert "quick-record" not in menu(signed_in(role_user(OWN, "reviewers")))
