"""快速发布 over HTTP: the right page type in the right column with the organisation's workflow,
the subtree rule (a foreign column or organisation is refused and nothing is written),
proofreading before submitting (findings shown, no page, no workflow, photos kept), and the
last column remembered in the database across sessions."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.images import get_image_model
from wagtail.models import Page, WorkflowState

from content.models import ArticlePage, DisclosurePage, NoticePage
from kitchen import proofreading
from kitchen.models import LexiconTerm, QuickPublishChoice, WrongFormulation
from sites.models import ColumnPage, OrganisationAccess
from tests.factories import UserFactory
from tests.kitchen.factories import photo_upload, quick_editor
from tests.sites.factories import column

URL = "/admin/quick-publish/"
Image = get_image_model()


@pytest.fixture
def branch(org_tree):
    return org_tree["da-s1-b1"]


@pytest.fixture
def editor(branch):
    return quick_editor(branch)


@pytest.fixture
def lexicon(db):
    LexiconTerm.objects.create(word="非法集资", kind="banned", note="可写作“违规筹集资金”")
    WrongFormulation.objects.create(wrong="两学一作", right="两学一做")
    proofreading.bump_lexicon_version()  # the signal bumps it on commit only


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


TEXT = "今天上午，支部党员走访慰问老党员。"


def story(org, col, title="支部开展主题党日活动", text=TEXT, **extra):
    return {"organisation": org.pk, "column": col.pk, "title": title, "text": text, **extra}


def images_in(org):
    collection = OrganisationAccess.objects.get(organisation=org).collection
    return Image.objects.filter(collection=collection)


def selected_column(response):
    match = re.search(r'<option value="(\d+)" selected>', response.content.decode())
    return int(match.group(1)) if match else None


def test_a_branch_editor_posts_a_story_with_photos_into_their_news_column(branch, editor):
    client = signed_in(editor)
    news = column(branch, "news")
    data = story(
        branch,
        news,
        photos=[photo_upload("a.jpg"), photo_upload("b.png", "PNG")],
        photo_caption=["党员走访老党员", "合影留念"],
    )
    response = client.post(URL, data)

    page = ArticlePage.objects.child_of(news).get(title="支部开展主题党日活动")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/quick-publish/done/{page.pk}/"
    assert not page.live and page.owner == editor
    assert page.body.startswith("<p>今天上午，支部党员走访慰问老党员。</p>")
    # The first photo is the cover, its 图片说明 the alt text; the second is in the body.
    assert page.cover.description == "党员走访老党员"
    second = images_in(branch).get(description="合影留念")
    assert f'id="{second.pk}"' in page.body and 'alt="合影留念"' in page.body
    assert set(images_in(branch).filter(uploaded_by_user=editor)) == {page.cover, second}
    assert page.get_latest_revision().user == editor
    assert len(page.slug) <= 80 and re.fullmatch(r"[a-z0-9-]+", page.slug)

    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow == branch.get_workflow() and state.workflow.name == "一审"
    assert state.current_task_state.task.name == "本组织审核"  # past 自动校对
    assert state.requested_by == editor

    done = client.get(response["Location"])
    assert "已提交一审：支部开展主题党日活动" in done.content.decode()
    assert "「本组织审核」" in done.content.decode()


@pytest.mark.parametrize(
    "path, model",
    [
        (["notices"], NoticePage),
        (["disclosure"], DisclosurePage),
        (["news", "lxyz"], ArticlePage),
        (["news", "lxyz", "plan"], ArticlePage),
    ],
)
def test_each_column_gets_its_own_page_type(branch, editor, path, model):
    col = column(branch, path[0])
    for slug in path[1:]:
        col = ColumnPage.objects.child_of(col).get(slug=slug)
    data = story(branch, col, photos=[photo_upload()], photo_caption=["活动现场"])
    assert signed_in(editor).post(URL, data).status_code == 302
    page = Page.objects.child_of(col).get(title="支部开展主题党日活动").specific
    assert type(page) is model
    assert WorkflowState.objects.for_instance(page).get().status == "in_progress"
    if model is not ArticlePage:  # no cover: the photo is in the body, with its caption
        assert 'alt="活动现场"' in page.body


def test_the_form_offers_the_organisations_own_columns_and_no_others(org_tree, branch, editor):
    response = signed_in(editor).get(URL)
    offered = set(map(int, re.findall(r'<option value="(\d+)"', response.content.decode())))
    news = column(branch, "news")
    own = {column(branch, "notices").pk, column(branch, "disclosure").pk, news.pk}
    own |= set(ColumnPage.objects.descendant_of(news).values_list("pk", flat=True))
    assert offered == own
    assert selected_column(response) == news.pk  # nothing remembered yet: 支部动态
    sibling = org_tree["da-s2-b1"]
    assert column(sibling, "news").pk not in offered


def test_a_foreign_column_or_organisation_is_refused_and_nothing_is_written(org_tree, editor):
    branch, sibling = org_tree["da-s1-b1"], org_tree["da-s2-b1"]
    client = signed_in(editor)
    pages, images = Page.objects.count(), Image.objects.count()

    # The own organisation with the sibling's column (a tampered form), with a photo.
    data = story(branch, column(sibling, "news"), photos=[photo_upload()], photo_caption=["x"])
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "只能发布到本组织的栏目" in response.content.decode()

    # The sibling organisation itself, and its parent street.
    for org in (sibling, org_tree["da-s1"]):
        data = story(org, column(org, "news"), photos=[photo_upload()], photo_caption=["x"])
        assert client.post(URL, data).status_code == 403
        assert client.get(URL, {"org": org.pk}).status_code == 403

    assert Page.objects.count() == pages and Image.objects.count() == images
    assert not WorkflowState.objects.exists()
    assert not QuickPublishChoice.objects.exists()


def test_anonymous_visitors_go_to_the_login_and_members_are_refused(branch):
    response = Client().get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    member = UserFactory(username="quick-member")  # no admin access
    pages = Page.objects.count()
    refused = signed_in(member).post(URL, story(branch, column(branch, "news")))
    assert refused.status_code in (302, 403) and Page.objects.count() == pages


def test_proofreading_failure_shows_findings_submits_nothing_and_keeps_the_photos(
    branch, editor, lexicon
):
    client = signed_in(editor)
    news = column(branch, "news")
    pages = Page.objects.count()
    data = story(
        branch,
        news,
        title="支部学习两学一作",
        text="提醒大家警惕非法集资。",
        photos=[photo_upload("a.jpg"), photo_upload("b.jpg")],
        photo_caption=["学习现场", "合影"],
    )
    response = client.post(URL, data)
    html = response.content.decode()

    assert response.status_code == 200
    assert "还没有提交" in html and "已提交" not in html
    assert "禁用词“非法集资”" in html and "删去或改写“非法集资”" in html
    assert "可写作“违规筹集资金”" in html  # the lexicon's note as the suggestion
    assert "把“两学一作”改为“两学一做”" in html
    assert 'id="quick-title"' in html and "quick__field--error" in html
    assert Page.objects.count() == pages and not WorkflowState.objects.exists()
    # The typed text and both photos come back: the photos as images kept by id.
    assert "提醒大家警惕非法集资。" in html and 'value="支部学习两学一作"' in html
    kept = [int(pk) for pk in re.findall(r'name="kept_image" value="(\d+)"', html)]
    assert [Image.objects.get(pk=pk).description for pk in kept] == ["学习现场", "合影"]

    # Corrected and sent again with the kept photos: submitted, the first one the cover.
    fixed = story(
        branch, news, title="支部学习两学一做", kept_image=kept, kept_caption=["学习现场", "合影"]
    )
    response = client.post(URL, fixed)
    assert response.status_code == 302
    page = ArticlePage.objects.child_of(news).get(title="支部学习两学一做")
    assert page.cover_id == kept[0] and f'id="{kept[1]}"' in page.body
    assert WorkflowState.objects.for_instance(page).get().status == "in_progress"


def test_a_photo_without_caption_is_named_and_nothing_is_submitted(branch, editor):
    data = story(
        branch,
        column(branch, "news"),
        photos=[photo_upload("a.jpg"), photo_upload("b.jpg")],
        photo_caption=["活动现场", ""],
    )
    response = signed_in(editor).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "图片缺少说明：第 2 张" in html
    assert 'class="quick__photo quick__field--error" id="quick-photo-1"' in html
    assert 'class="quick__photo" id="quick-photo-0"' in html
    assert not WorkflowState.objects.exists()
    assert not ArticlePage.objects.filter(title="支部开展主题党日活动").exists()


def test_a_file_that_is_not_a_picture_is_refused_by_its_content(branch, editor):
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>")
    data = story(branch, column(branch, "news"), photos=[fake], photo_caption=["照片"])
    images = Image.objects.count()
    response = signed_in(editor).post(URL, data)
    assert response.status_code == 200 and "第 1 张照片无法使用" in response.content.decode()
    assert Image.objects.count() == images
    assert not ArticlePage.objects.filter(title="支部开展主题党日活动").exists()


def test_the_last_column_is_preselected_in_a_new_session(branch, editor):
    lxyz = ColumnPage.objects.child_of(column(branch, "news")).get(slug="lxyz")
    assert signed_in(editor).post(URL, story(branch, lxyz)).status_code == 302
    # Another phone: a new session of the same user (the choice is in the database).
    other_phone = signed_in(editor)
    response = other_phone.get(URL)
    assert selected_column(response) == lxyz.pk
    assert QuickPublishChoice.objects.get(user=editor).column_id == lxyz.pk


def test_the_workflow_started_is_the_organisations_own(org_tree):
    # A street has no 一审 of its own: the city's 三审 applies, starting after 自动校对.
    street = org_tree["da-s1"]
    editor = quick_editor(street)
    client = signed_in(editor)
    response = client.post(URL, story(street, column(street, "news")))
    assert response.status_code == 302
    page = ArticlePage.objects.child_of(column(street, "news")).get()
    state = WorkflowState.objects.for_instance(page).get()
    assert state.workflow == street.get_workflow() and state.workflow.name == "三审"
    assert state.current_task_state.task.name == "初审"
    assert "已提交三审" in client.get(response["Location"]).content.decode()


def test_an_editor_of_several_organisations_picks_one_of_theirs_first(org_tree):
    street = org_tree["da-s1"]
    client = signed_in(quick_editor(street))
    html = client.get(URL).content.decode()
    offered = set(map(int, re.findall(r'href="\?org=(\d+)"', html)))
    assert offered == {street.pk, org_tree["da-s1-b1"].pk}  # not da-s2 or its branch
    form = client.get(URL, {"org": org_tree["da-s1-b1"].pk}).content.decode()
    assert f'value="{column(org_tree["da-s1-b1"], "news").pk}" selected' in form


def test_the_dashboard_offers_quick_publish_to_editors_only(branch, editor, home):
    assert 'data-testid="quick-panel-button"' in signed_in(editor).get("/admin/").content.decode()
    reviewer_of_nothing = UserFactory(username="quick-chushen", groups=["testcity:初审"])
    home_page = signed_in(reviewer_of_nothing).get("/admin/").content.decode()
    assert "quick-panel-button" not in home_page and URL not in home_page


def test_a_page_sent_back_by_proofreading_is_never_reported_as_submitted(
    branch, editor, lexicon, monkeypatch
):
    # Were the check before submitting to miss something, the workflow's own 自动校对
    # catches it, and the result screen says so instead of 已提交.
    monkeypatch.setattr("kitchen.quick_publish.proofread", lambda page, photos: [])
    client = signed_in(editor)
    response = client.post(URL, story(branch, column(branch, "news"), text="非法集资"))
    done = client.get(response["Location"]).content.decode()
    assert "已提交" not in done and "未提交" in done and "禁用词“非法集资”" in done
