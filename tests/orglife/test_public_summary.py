"""发布公开摘要: one action makes a 支部动态 article of a record — the topic, the day, the
photos with their 图片说明 as alt text and a short text prefilled from the minutes — in
the organisation's news column, submitted to its workflow; nothing internal goes out;
doing it again links to the same article; only the organisation's own editors may."""

import pytest
from django.test import Client
from wagtail.images import get_image_model
from wagtail.models import WorkflowState

from content.models import ArticlePage
from orglife.models import MeetingRecord, RecordPhoto
from orglife.public_summary import suggested_text
from sites.models import OrganisationAccess
from tests.kitchen.factories import photo_bytes
from tests.sites.factories import column

from .conftest import OWN, PARENT, SIBLING
from .factories import MeetingRecordFactory, attend, role_user

pytestmark = pytest.mark.django_db
Image = get_image_model()
MINUTES = (
    "<p>书记传达了市委全会精神。</p><p>大家围绕社区服务作了讨论，发言踊跃。</p>"
    "<p>内部事项：李二的组织关系转接问题。</p>"
)


def url(record):
    return f"/admin/orglife/records/{record.pk}/public-summary/"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def image_of(org, title):
    from django.core.files.base import ContentFile

    collection = OrganisationAccess.objects.get(organisation=org).collection
    return Image.objects.create(
        title=title, file=ContentFile(photo_bytes(), "p.jpg"), collection=collection
    )


@pytest.fixture
def record(org_tree, branch_members):
    branch = org_tree[OWN]
    record = MeetingRecordFactory(
        organisation=branch,
        topic="学习市委全会精神",
        minutes=MINUTES,
        resolutions="决定：下月开展组织生活会",
    )
    li1, li2 = branch_members["own"]
    attend(record, li1)
    attend(record, li2, status="leave", reason="住院治疗")
    for n, caption in enumerate(["党员集中学习", "讨论发言"]):
        RecordPhoto.objects.create(
            record=record, image=image_of(branch, ""), caption=caption, sort_order=n
        )
    return record


@pytest.fixture
def editor():
    return role_user(OWN, "editors")


def test_the_confirmation_is_prefilled_from_the_record(record, editor):
    html = signed_in(editor).get(url(record)).content.decode()
    assert 'value="学习市委全会精神"' in html
    assert "书记传达了市委全会精神。" in html and "发言踊跃" in html
    assert "组织关系转接" not in html  # beyond the first paragraphs
    assert "党员集中学习" in html and "讨论发言" in html
    assert "出勤、会议记录和决议不会公开" in html


def test_one_action_makes_an_article_in_the_news_column_submitted_for_review(
    record, editor, org_tree
):
    text = suggested_text(record)
    response = signed_in(editor).post(url(record), {"title": record.topic, "text": text})
    assert response.status_code == 302 and response["Location"] == url(record)
    record.refresh_from_db()
    page = ArticlePage.objects.get(pk=record.public_summary_id)
    assert page.get_parent().pk == column(org_tree[OWN], "news").pk
    assert page.title == "学习市委全会精神" and page.date == record.held_at
    assert not page.live
    photos = list(record.photos.order_by("sort_order"))
    assert page.cover == photos[0].image and page.cover.description == "党员集中学习"
    assert 'alt="讨论发言"' in page.body and f'id="{photos[1].image.pk}"' in page.body
    assert WorkflowState.objects.filter(object_id=str(page.pk), status="in_progress").exists()
    assert page.get_latest_revision().user == editor
    done = signed_in(editor).get(url(record)).content.decode()
    assert "公开摘要已提交审核：学习市委全会精神" in done


def test_nothing_internal_goes_out(record, editor):
    signed_in(editor).post(url(record), {"title": record.topic, "text": suggested_text(record)})
    record.refresh_from_db()
    page = ArticlePage.objects.get(pk=record.public_summary_id)
    out = " ".join([page.title, page.summary, page.body, page.search_description])
    for internal in ["李一", "李二", "住院治疗", "组织关系转接", "下月开展组织生活会"]:
        assert internal not in out


def test_the_editor_may_change_the_text(record, editor):
    signed_in(editor).post(url(record), {"title": "支部学习全会精神", "text": "支部集中学习。"})
    record.refresh_from_db()
    page = record.public_summary.specific
    assert page.title == "支部学习全会精神" and page.body.startswith("<p>支部集中学习。</p>")


def test_a_second_time_links_to_the_same_article(record, editor):
    client = signed_in(editor)
    client.post(url(record), {"title": record.topic, "text": "一"})
    client.post(url(record), {"title": record.topic, "text": "二"})
    assert ArticlePage.objects.filter(title=record.topic).count() == 1
    record.refresh_from_db()
    html = client.get(url(record)).content.decode()
    assert f"/admin/pages/{record.public_summary_id}/edit/" in html
    inspect = client.get(f"/admin/snippets/orglife/meetingrecord/inspect/{record.pk}/")
    assert "查看公开摘要" in inspect.content.decode()


def test_bad_input_writes_nothing(record, editor):
    response = signed_in(editor).post(url(record), {"title": " ", "text": ""})
    html = response.content.decode()
    assert "请填写标题" in html and "请填写一段简短文字" in html
    assert not ArticlePage.objects.filter(title=record.topic).exists()
    assert MeetingRecord.objects.get(pk=record.pk).public_summary_id is None


@pytest.mark.parametrize(
    ("code", "role", "status"),
    [(SIBLING, "editors", 404), (PARENT, "editors", 403), (OWN, "reviewers", 403)],
)
def test_only_the_organisations_own_editors_may(record, code, role, status):
    client = signed_in(role_user(code, role))
    assert client.get(url(record)).status_code == status
    assert client.post(url(record), {"title": "x", "text": "y"}).status_code == status
    assert not ArticlePage.objects.filter(title="x").exists()
    assert MeetingRecord.objects.get(pk=record.pk).public_summary_id is None


def test_the_edit_and_inspect_views_offer_it_to_own_editors_only(record, editor):
    base = "/admin/snippets/orglife/meetingrecord"
    for view in ("edit", "inspect"):
        html = signed_in(editor).get(f"{base}/{view}/{record.pk}/").content.decode()
        assert 'data-testid="public-summary-button"' in html and url(record) in html
    parent = signed_in(role_user(PARENT, "editors"))
    assert url(record) not in parent.get(f"{base}/inspect/{record.pk}/").content.decode()


def test_without_minutes_the_text_says_what_took_place(org_tree):
    record = MeetingRecordFactory(organisation=org_tree[OWN], topic="主题党日", minutes="")
    text = suggested_text(record)
    assert org_tree[OWN].title in text and "主题党日" in text and record.meeting_type.name in text
