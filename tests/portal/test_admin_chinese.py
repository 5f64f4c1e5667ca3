"""The admin speaks Chinese: every screen a branch editor, a reviewer, a district editor,
the city's 终审 and a superuser meet under zh-hans, walked over HTTP, shows no English
word outside a short allowlist of product names, formats and key caps.

What counts as shown: HTML text nodes, the placeholder/title/aria-label/alt attributes
and the strings Wagtail's JavaScript renders from the page's own data (the telepath
configuration of StreamField and Draftail in `data-w-*` attributes and
`<script type="application/json">` blocks, the `strings`/`messages` of its controllers),
and the admin's JavaScript catalogue (every msgid Wagtail's JS asks for must have a
translation there). User data (file names, user names, hostnames, organisation codes)
is not UI text and is left out by only looking at UI strings and by removing the test
data's own values.

A failure lists, per page, the untranslated strings; `ADMINZH_REPORT=path` writes the
counts per page as JSON (how the before/after figures in the closing note were taken).
"""

import datetime
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
import wagtail
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images import get_image_model
from wagtail.models import Locale, Workflow
from wagtail_localize.models import Translation, TranslationSource

from learning.models import Evaluation
from orglife.models import Attendance, HandbookBuild
from sites import permission_matrix as matrix
from sites.models import OrganisationAccess, OrganisationPage
from tests.content.factories import ArticleFactory, DirectiveFactory, library
from tests.factories import ImageFactory, UserFactory
from tests.learning.factories import LessonMediaFactory, MemberFactory
from tests.orglife.factories import MeetingRecordFactory
from tests.shared_data import shared_fixture
from tests.sites.factories import column, provision_tree

Image = get_image_model()

# ASCII words that may stand in Chinese UI text, each for a reason:
ALLOWED = {
    "Wagtail",  # the product's name (sidebar footer, editor guide)
    "Draftail",  # the rich text editor's name, in a few help texts
    "URL",
    "API",
    "ID",
    "PDF",
    "HTML",
    "CSS",
    "RSS",
    "HLS",
    "RTMP",
    "QR",
    "JPEG",
    "JPG",
    "PNG",
    "GIF",
    "WEBP",
    "AVIF",
    "SVG",
    "HEIC",
    "MP",  # MP4 / MP3 (the digit splits the run)
    "PO",  # the gettext file format wagtail-localize offers (上传 PO 文件)
    "SEO",
    "UTC",
    "JSON",
    "HMAC",
    "SHA",
    "IP",
    "CSV",
    "XLSX",
    "TSV",
    "UTF",  # UTF-8, the text encoding
    "MB",  # file size unit in Wagtail's own upload help ("最大文件大小：20.0 MB")
    "WebM",  # video format
    "mp",  # "mp4,webm" as typed into a display group's formats field (the digit splits it)
    "webm",
    "WebVTT",  # subtitle format
    "JavaScript",  # Wagtail's <noscript> note names the language
    "Webhook",  # the protocol's name (Standard Webhooks), as Chinese developers write it
    "English",  # the locale's own name: LANGUAGES lists endonyms (简体中文, 繁體中文, English)
    # Key caps, printed the same on Chinese keyboards; Wagtail keeps them untranslated on
    # purpose (wagtail.admin.utils.get_keyboard_key_labels_from_request).
    "Ctrl",
    "Alt",
    "Shift",
    "Esc",
    "Tab",
    "Enter",
    "Return",
    "Delete",
}
WORD = re.compile(r"[A-Za-z]{2,}")
# Values that are data, not UI text: addresses, file names, e-mail addresses, versions.
DATA = re.compile(
    r"https?://\S+|\b[\w.-]+\.localhost(?::\d+)?\S*|\S+@\S+\.\w+|"
    r"\b[\w.-]+\.(?:png|jpe?g|gif|txt|mp4|mp3|pdf|docx?|webp)\b|"
    r"/[\w./-]*|\{\{?[^}]*\}?\}|%\([a-z_]+\)s|%[sd]|\{[a-z_]+\}|&\w+;",
    re.IGNORECASE,
)
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "aria-description"}
# Keys of Wagtail's JSON configuration whose string values reach the screen.
SHOWN_KEYS = {
    "label",
    "help_text",
    "helpText",
    "placeholder",
    "title",
    "description",
    "text",
    "addText",
    "add_text",
    "emptyText",
    "message",
    "heading",
    "verbose_name",
    "verbose_name_plural",
    "groupName",
    "group",
    "blockDefId",
}
# Dictionaries of UI strings handed to a JS controller whole.
STRING_TABLES = {"strings", "messages", "i18n", "STRINGS", "translations"}
SKIPPED_KEYS = {"blockDefId", "icon", "type", "name", "id", "url", "classname"}


def english_words(text):
    return [w for w in WORD.findall(DATA.sub(" ", text)) if w not in ALLOWED]


def json_strings(value, key=None, table=False):
    """The strings of a JSON value that Wagtail's JS shows."""
    if isinstance(value, dict):
        # telepath: {"_type": ..., "_args": [...]} and {"_dict": {...}}
        for k, v in value.items():
            if k in ("_type", "_id", "_ref", "_val") and not isinstance(v, (dict, list)):
                continue
            yield from json_strings(v, k, table or k in STRING_TABLES)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item, key, table)
    elif isinstance(value, str):
        if (table or key in SHOWN_KEYS) and key not in SKIPPED_KEYS:
            yield value
        elif value[:1] in "{[":
            try:
                yield from json_strings(json.loads(value), key, table)
            except ValueError:
                pass


class VisibleText(HTMLParser):
    """Text nodes and shown attributes of an HTML document, and the UI strings of the JSON
    it carries (attributes holding JSON, `<script type="application/json">`)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.strings = []
        self.skipping = []  # inside <script>/<style> (not JSON)
        self.json_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            if tag == "script" and attrs.get("type") == "application/json":
                self.json_script = []
            else:
                self.skipping.append(tag)
        for name, value in attrs.items():
            if not value:
                continue
            if name in SHOWN_ATTRIBUTES:
                self.strings.append(value)
            elif name.startswith("data-") and value[:1] in "{[":
                try:
                    self.strings.extend(json_strings(json.loads(value)))
                except ValueError:
                    pass
            elif name == "value" and tag == "input" and attrs.get("type") in ("submit", "button"):
                self.strings.append(value)

    def handle_endtag(self, tag):
        if tag == "script" and self.json_script is not None:
            try:
                self.strings.extend(json_strings(json.loads("".join(self.json_script))))
            except ValueError:
                pass
            self.json_script = None
        elif self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if self.json_script is not None:
            self.json_script.append(data)
        elif not self.skipping and data.strip():
            self.strings.append(data.strip())


def shown_strings(response):
    """The UI strings of an admin response: an HTML page, or a modal's JSON ({"html": …})."""
    body = response.content.decode("utf-8")
    if response.get("Content-Type", "").startswith("application/json"):
        data = json.loads(body)
        html = data.get("html", "") if isinstance(data, dict) else ""
        if not html:
            return []
        body = html
    parser = VisibleText()
    parser.feed(body)
    parser.close()
    return parser.strings


def untranslated(response, data_values=()):
    found = []
    for text in shown_strings(response):
        for value in data_values:
            text = text.replace(value, " ")
        if english_words(text) and text not in found:
            found.append(text)
    return found


# --- the world walked ------------------------------------------------------------------

BRANCH = matrix.PLACES["branch"]["own"]
PASSWORD = "correct-horse-9"
WALKERS = {  # role -> user name (Chinese, so a name on screen is not mistaken for UI text)
    "branch_editor": "支部编辑甲",
    "branch_reviewer": "支部审核员甲",
    "district_editor": "区编辑甲",
    "city_zhongshen": "市终审甲",
    "superuser": "超级管理员甲",
}


@shared_fixture
def admin_world(home):
    """The matrix tree; in the branch a draft article, an article in 一审 (past 自动校对,
    waiting for 本组织审核), a zh-hant translation of the draft, an image, a document, a
    media item, a member and an evaluation; in the city an article in 三审."""
    orgs = provision_tree(matrix.TREE_CSV, home)
    branch = OrganisationPage.objects.get(code=BRANCH)
    city = OrganisationPage.objects.get(pk=home.pk)
    users = {}
    for role, username in WALKERS.items():
        groups = matrix.ROLES[role][2]
        if groups == "superuser":
            users[role] = UserFactory(username=username, is_superuser=True)
        else:
            place = orgs[matrix.PLACES[matrix.ROLES[role][1]]["own"]]
            names = [g.format(code=place.code) for g in groups]
            users[role] = UserFactory(username=username, groups=names)
    author = users["superuser"]
    news = column(branch, "news")
    draft = ArticleFactory(parent=news, title="支部草稿", live=False, body="<p>正文</p>")
    draft.save_revision(user=author)
    in_review = ArticleFactory(parent=news, title="支部审核中", live=False)
    in_review.save_revision(user=author)
    workflow_state = in_review.get_workflow().start(in_review, author)
    city_review = ArticleFactory(parent=column(city, "news"), title="市审核中", live=False)
    city_review.save_revision(user=author)
    city_state = city_review.get_workflow().start(city_review, author)
    source, _ = TranslationSource.get_or_create_from_instance(draft)
    hant = Locale.objects.get(language_code="zh-hant")
    localized = Translation.objects.create(source=source, target_locale=hant)
    localized.save_target(publish=False)
    collection = OrganisationAccess.objects.get(organisation=branch).collection
    image = ImageFactory(title="支部图片", collection=collection)
    document = Document.objects.create(
        title="支部文件", collection=collection, file=SimpleUploadedFile("wenjian.txt", b"hi")
    )
    media = LessonMediaFactory(title="支部视频", collection_id=collection.pk)
    member = MemberFactory(branch=branch, name="张党员", phone="13700001111").member
    evaluation = Evaluation.objects.create(member=member, year=2026, score=90)
    record = MeetingRecordFactory(organisation=branch, topic="支部委员会会议")
    handbook = HandbookBuild.objects.create(
        organisation=branch, year=2026, status=HandbookBuild.RUNNING, stage="排版", total=4
    )
    Attendance.objects.create(record=record, member=member)
    relay_directive = DirectiveFactory(
        parent=library(home, "city"), title="市委文件", study_deadline=datetime.date(2026, 1, 1)
    )
    return {
        "relay_directive": relay_directive,
        "record": record,
        "handbook": handbook,
        "orgs": orgs,
        "branch": branch,
        "city": city,
        "users": users,
        "draft": draft,
        "in_review": in_review,
        "task_state": workflow_state.current_task_state,
        "city_review": city_review,
        "city_task_state": city_state.current_task_state,
        "translated": localized.get_target_instance(),
        "image": image,
        "document": document,
        "media": media,
        "member": member,
        "evaluation": evaluation,
    }


def editor_pages(w, page, task_state):
    """The pages everyone who edits in an organisation opens."""
    branch_news = page.get_parent()
    return {
        "首页": reverse("wagtailadmin_home"),
        "栏目浏览": reverse("wagtailadmin_explore", args=[branch_news.pk]),
        "组织浏览": reverse("wagtailadmin_explore", args=[branch_news.get_parent().pk]),
        "页面搜索": reverse("wagtailadmin_pages:search") + "?q=支部",
        "编辑文章": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        "新建子页面": reverse("wagtailadmin_pages:add_subpage", args=[branch_news.pk]),
        "新建文章": reverse(
            "wagtailadmin_pages:add", args=["content", "articlepage", branch_news.pk]
        ),
        "修订历史": reverse("wagtailadmin_pages:history", args=[page.pk]),
        "审核历史": reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
        "页面选择器": reverse("wagtailadmin_choose_page"),
        "页面选择器（栏目）": reverse("wagtailadmin_choose_page_child", args=[branch_news.pk]),
        "外部链接选择器": reverse("wagtailadmin_choose_page_external_link"),
        "图片选择器": reverse("wagtailimages_chooser:choose"),
        "文档选择器": reverse("wagtaildocs_chooser:choose"),
        "音视频选择器": reverse("wagtailmedia:chooser"),
        "图片库": reverse("wagtailimages:index"),
        "上传图片": reverse("wagtailimages:add_multiple"),
        "文档库": reverse("wagtaildocs:index"),
        "上传文档": reverse("wagtaildocs:add_multiple"),
        "音视频库": reverse("wagtailmedia:index"),
        "上传视频": reverse("wagtailmedia:add", args=["video"]),
        "报表：锁定页面": reverse("wagtailadmin_reports:locked_pages"),
        "报表：工作流": reverse("wagtailadmin_reports:workflow"),
        "报表：工作流任务": reverse("wagtailadmin_reports:workflow_tasks"),
        "报表：页面更新时间": reverse("wagtailadmin_reports:aging_pages"),
        "报表：网站历史": reverse("wagtailadmin_reports:site_history"),
        "账户设置": reverse("wagtailadmin_account"),
    }


def walks(w):
    """role -> {page name: admin URL}."""
    branch_pages = editor_pages(w, w["draft"], w["task_state"])
    own_objects = {
        "编辑图片": reverse("wagtailimages:edit", args=[w["image"].pk]),
        "编辑文档": reverse("wagtaildocs:edit", args=[w["document"].pk]),
        "编辑音视频": reverse("wagtailmedia:edit", args=[w["media"].pk]),
        "党员片段": reverse("wagtailsnippets_learning_memberprofile:list"),
        "编辑党员": reverse("wagtailsnippets_learning_memberprofile:edit", args=[w["member"].pk]),
        "党员选择器": reverse("wagtailsnippetchoosers_learning_memberprofile:choose"),
        "民主评议": reverse("wagtailsnippets_learning_evaluation:list"),
        "编辑评议": reverse("wagtailsnippets_learning_evaluation:edit", args=[w["evaluation"].pk]),
        "组织生活记录": reverse("wagtailsnippets_orglife_meetingrecord:list"),
        "新增组织生活记录": reverse("wagtailsnippets_orglife_meetingrecord:add"),
        "编辑组织生活记录": reverse(
            "wagtailsnippets_orglife_meetingrecord:edit", args=[w["record"].pk]
        ),
        "查看组织生活记录": reverse(
            "wagtailsnippets_orglife_meetingrecord:inspect", args=[w["record"].pk]
        ),
        "快速记录": reverse("orglife_quick_record"),
        "快速记录结果": reverse("orglife_quick_record_done", args=[w["record"].pk]),
        "发布公开摘要": reverse("orglife_public_summary", args=[w["record"].pk]),
        "传达学习情况": reverse("orglife_relay"),
        "传达学习情况（文件）": reverse(
            "orglife_relay_coverage", args=[w["relay_directive"].pk, w["branch"].pk]
        ),
        "新增传达学习记录": reverse("wagtailsnippets_orglife_meetingrecord:add")
        + f"?directive={w['relay_directive'].pk}&type=relay",
        "片段": reverse("wagtailsnippets:index"),
        "打印手册": reverse("orglife_handbook"),
        "工作手册进度": reverse("orglife_handbook_status", args=[w["handbook"].pk]),
        "翻译编辑": reverse("wagtailadmin_pages:edit", args=[w["translated"].pk]),
    }
    review = w["task_state"]
    reviewer_pages = {
        "首页": reverse("wagtailadmin_home"),
        "栏目浏览": reverse("wagtailadmin_explore", args=[w["in_review"].get_parent().pk]),
        "编辑审核中的文章": reverse("wagtailadmin_pages:edit", args=[w["in_review"].pk]),
        "审核预览": reverse(
            "wagtailadmin_pages:workflow_preview", args=[w["in_review"].pk, review.task_id]
        ),
        "审核：退回修改": reverse(
            "wagtailadmin_pages:workflow_action", args=[w["in_review"].pk, "reject", review.pk]
        ),
        "审核：通过": reverse(
            "wagtailadmin_pages:workflow_action", args=[w["in_review"].pk, "approve", review.pk]
        ),
        "审核历史": reverse("wagtailadmin_pages:workflow_history", args=[w["in_review"].pk]),
        "报表：工作流": reverse("wagtailadmin_reports:workflow"),
        "报表：工作流任务": reverse("wagtailadmin_reports:workflow_tasks"),
        "账户设置": reverse("wagtailadmin_account"),
        "查看组织生活记录": reverse(
            "wagtailsnippets_orglife_meetingrecord:inspect", args=[w["record"].pk]
        ),
        "组织生活记录": reverse("wagtailsnippets_orglife_meetingrecord:list"),
        "打印手册": reverse("orglife_handbook"),
        "工作手册进度": reverse("orglife_handbook_status", args=[w["handbook"].pk]),
        "传达学习情况": reverse("orglife_relay"),
        "传达学习情况（文件）": reverse(
            "orglife_relay_coverage", args=[w["relay_directive"].pk, w["branch"].pk]
        ),
    }
    district = matrix.PLACES["district"]["own"]
    city_review = w["city_task_state"]
    city_pages = editor_pages(w, w["city_review"], city_review)
    superuser_pages = {
        **branch_pages,
        **own_objects,
        "工作流": reverse("wagtailadmin_workflows:index"),
        "工作流任务": reverse("wagtailadmin_workflows:task_index"),
        "编辑工作流": reverse(
            "wagtailadmin_workflows:edit", args=[Workflow.objects.get(name="一审").pk]
        ),
        "报表：页面类型": reverse("wagtailadmin_reports:page_types_usage"),
        "报表：翻译": reverse("wagtail_localize:translations_report"),
        "发布审计": reverse("portal_publishing_audit"),
        "投递失败": reverse("content_outbox_dead"),
        "导入词库": reverse("content_lexicon_import"),
        "播放记录": reverse("content_screen_plays"),
        "敏感词": reverse("wagtailsnippets_content_lexiconterm:list"),
        "新建敏感词": reverse("wagtailsnippets_content_lexiconterm:add"),
        "规范表述": reverse("wagtailsnippets_content_wrongformulation:list"),
        "订阅者": reverse("wagtailsnippets_content_webhooksubscriber:list"),
        "投递": reverse("wagtailsnippets_content_delivery:list"),
        "屏幕分组": reverse("wagtailsnippets_content_displaygroup:list"),
        "新建屏幕分组": reverse("wagtailsnippets_content_displaygroup:add"),
        "屏幕": reverse("wagtailsnippets_content_device:list"),
        "新建屏幕": reverse("wagtailsnippets_content_device:add"),
        "播放列表": reverse("wagtailsnippets_content_playlist:list"),
        "新建播放列表": reverse("wagtailsnippets_content_playlist:add"),
        "紧急插播": reverse("wagtailsnippets_content_emergencyinsert:list"),
        "新建紧急插播": reverse("wagtailsnippets_content_emergencyinsert:add"),
        "用户": reverse("wagtailusers_users:index"),
        "权限组": reverse("wagtailusers_groups:index"),
        "站点": reverse("wagtailsites:index"),
        "媒体库分类": reverse("wagtailadmin_collections:index"),
        "语言": reverse("wagtaillocales:index"),
        "重定向": reverse("wagtailredirects:index"),
    }
    return {
        "branch_editor": {**branch_pages, **own_objects},
        "branch_reviewer": reviewer_pages,
        "district_editor": {  # works on the whole district, down to the branch's pages
            **branch_pages,
            **own_objects,
            "区浏览": reverse("wagtailadmin_explore", args=[w["orgs"][district].pk]),
            "区传达学习情况": reverse(
                "orglife_relay_coverage",
                args=[w["relay_directive"].pk, w["orgs"][district].pk],
            ),
        },
        "city_zhongshen": {
            **city_pages,
            "审核：通过": reverse(
                "wagtailadmin_pages:workflow_action",
                args=[w["city_review"].pk, "approve", city_review.pk],
            ),
        },
        "superuser": superuser_pages,
    }


def data_values(w):
    """The test data's own ASCII values, which may show and are not UI text."""
    values = [o.code for o in OrganisationPage.objects.all()]
    values += [w["image"].file.name.rsplit("/", 1)[-1], w["document"].filename]
    values += [str(w["media"].file.name).rsplit("/", 1)[-1]]
    values += [wagtail.__version__, settings.PORTAL_DOMAIN]
    # Identifiers: the per-organisation groups (`<code>:editors`, DESIGN decision 4), the
    # page types' model labels (page types report) and the locale codes.
    values += list(Group.objects.filter(name__contains=":").values_list("name", flat=True))
    values += [f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()]
    values += list(Locale.objects.values_list("language_code", flat=True))
    return sorted(values, key=len, reverse=True)


def report(found):
    """ADMINZH_REPORT=path: add this walk's untranslated strings per page to a JSON file."""
    path = os.environ.get("ADMINZH_REPORT")
    if path:
        existing = json.loads(Path(path).read_text()) if Path(path).exists() else {}
        existing.update(found)
        Path(path).write_text(json.dumps(existing, ensure_ascii=False, indent=1))


@pytest.mark.parametrize("role", list(WALKERS))
def test_the_admin_pages_each_role_opens_are_in_chinese(client, admin_world, role):
    w = admin_world
    client.force_login(w["users"][role])
    values = data_values(w)
    failures, walked, opened = {}, {}, 0
    for name, url in walks(w)[role].items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code in (302, 403, 404):
            continue  # not this role's page (the permission matrix tests who gets what)
        assert response.status_code == 200, (name, url, response.status_code)
        opened += 1
        found = untranslated(response, values)
        walked[f"{role} {name}"] = found
        if found:
            failures[f"{name} {url}"] = found
    report(walked)
    assert opened >= 8, f"{role} opened only {opened} pages"
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)


def js_msgids():
    """Every msgid Wagtail's, wagtailmedia's and wagtail-localize's JavaScript asks for (their
    `en` catalogues list the source strings)."""
    site_packages = Path(wagtail.__file__).parents[1]
    ids = set()
    for po in site_packages.glob("wagtail*/**/locale/en/LC_MESSAGES/djangojs.po"):
        ids |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(po)) if not e.obsolete}
    return ids


def served_catalogue(client, url):
    body = client.get(url).content.decode("utf-8")
    match = re.search(r"const newcatalog = (\{.*?\});\n", body, re.S)
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_every_string_the_admin_javascript_asks_for_is_translated(client):
    # wagtail-localize registers its catalogue among the admin URLs, which want a signed-in
    # admin user (anonymous gets a redirect to the login page, not a catalogue).
    client.force_login(UserFactory(username="超级管理员乙", is_superuser=True))
    catalogue = {}
    for url in (reverse("wagtailadmin_javascript_catalog"), "/admin/localize/jsi18n/"):
        catalogue.update(served_catalogue(client, url))
    missing = sorted(
        msgid
        for ctxt, msgid in js_msgids()
        if (f"{ctxt}\x04{msgid}" if ctxt else msgid) not in catalogue
    )
    assert not missing, missing
    assert catalogue["Insert a block"] == "插入块"
    assert "输入“/”" in catalogue["Write something or type ‘/’ to insert a block"]


def test_the_english_word_check_finds_english_and_passes_chinese():
    assert english_words("Search all pages…") == ["Search", "all", "pages"]
    assert english_words("Wagtail 8.0.1 编辑指南") == []
    assert english_words("上传 PDF 或 JPEG 文件 wenjian.txt，见 https://example.com/a") == []
    html = (
        '<div data-w-block-data-value=\'{"_type": "wagtail.blocks.StreamBlock", "_args":'
        ' [{"label": "Body", "name": "body"}], "strings": {"ADD": "Add"}}\'>'
        '<input placeholder="Search all pages…"><script>var x = "English";</script>'
        '<script type="application/json">{"title": "Pages", "icon": "doc-empty"}</script>'
        "页面</div>"
    )

    class Response:
        content = html.encode()

        def get(self, key, default=""):
            return "text/html"

    assert untranslated(Response()) == ["Body", "Add", "Search all pages…", "Pages"]
