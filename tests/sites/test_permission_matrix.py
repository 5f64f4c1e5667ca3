"""The permission matrix (sites/permission_matrix.py), asserted cell by cell over HTTP.

The tree is the matrix's own (built once); in every organisation: a draft article with
a revision and a log entry, a published article (with an alias), a draft with a revision
scheduled to go live, an article in review, a live event, an image, a document, a lesson
media item, a member and their evaluation.
Each role is one test: it signs in and tries every action on every target, then the
cells it saw are compared with the expected ones all at once."""

import re
from datetime import timedelta
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from content.models import ArticlePage
from learning.models import Evaluation, LessonMedia, MemberProfile
from orglife.models import HandbookBuild, MeetingRecord
from sites import permission_matrix as matrix
from sites.models import OrganisationAccess, OrganisationPage
from tests.content.factories import ArticleFactory, DirectiveFactory, library
from tests.factories import ImageFactory, UserFactory, upload_images
from tests.learning.factories import LessonMediaFactory, MemberFactory, learning_home
from tests.livestream.factories import LiveEventFactory
from tests.orglife.factories import MeetingRecordFactory, record_form
from tests.shared_data import shared_fixture
from tests.sites.factories import column, provision_tree

DENIED = {302, 403, 404}
DONE = "/admin/pages/"  # where a form is told to go next when it succeeds
YEAR = timezone.localdate().year
Image = get_image_model()


@shared_fixture
def matrix_world(home):
    """The matrix tree, and in each organisation (the city too) the objects the actions
    work on, each titled with a marker of its organisation: 《code》."""
    orgs = provision_tree(matrix.TREE_CSV, home)
    orgs[matrix.CITY] = OrganisationPage.objects.get(pk=home.pk)
    author = UserFactory(username="matrix-author", is_superuser=True)
    hant = Locale.objects.get(language_code="zh-hant")
    relay_directive = DirectiveFactory(
        parent=library(home, "city"),
        title="传达学习的文件",
        study_deadline=timezone.localdate() + timedelta(days=7),
    )
    objects = {}
    for n, (code, org) in enumerate(orgs.items()):
        if code == "home":
            continue
        marker = f"《{code}》"
        draft = ArticleFactory(
            parent=column(org, "news"),
            title=f"草稿{marker}",
            live=False,
            body='<p>见<a href="https://example.com/">链接</a></p>',  # a link: an override
        )
        revision = draft.save_revision()
        log(instance=draft, action="wagtail.edit", revision=revision)
        news = column(org, "news")
        published = ArticleFactory(parent=news, title=f"已发布{marker}", live=True)
        Page.objects.filter(pk=published.pk).update(last_published_at=timezone.now())
        alias = published.create_alias(update_slug=f"alias-{code}")
        later = ArticleFactory(parent=news, title=f"定时{marker}", live=False)
        scheduled = later.save_revision(approved_go_live_at=timezone.now() + timedelta(days=7))
        ArticleFactory(parent=news, title=f"锁定{marker}", live=False, locked=True)
        # In review: branches' 一审 (本组织审核) or the city's 三审 (初审), past 自动校对.
        in_review = ArticleFactory(parent=news, title=f"审核中{marker}", live=False)
        in_review.save_revision(user=author)
        workflow_state = in_review.get_workflow().start(in_review, author)
        task_state = workflow_state.current_task_state
        source, _ = TranslationSource.get_or_create_from_instance(draft)
        translation = Translation.objects.create(source=source, target_locale=hant)
        translation.save_target(publish=False)  # the zh-hant draft (and its parents)
        live_event = LiveEventFactory(parent=learning_home(org), title=f"直播{marker}")
        collection = OrganisationAccess.objects.get(organisation=org).collection
        image = ImageFactory(title=f"图片{marker}", collection=collection)
        document = Document.objects.create(
            title=f"文件{marker}",
            collection=collection,
            file=SimpleUploadedFile(f"{code}.txt", b"hello"),
        )
        media = LessonMediaFactory(title=f"视频{marker}", collection_id=collection.pk)
        member = MemberFactory(branch=org, name=f"党员{marker}", phone=f"1370000{n:04d}").member
        evaluation = Evaluation.objects.create(member=member, year=2026, score=90)
        record = MeetingRecordFactory(organisation=org, topic=f"会议{marker}")
        handbook = HandbookBuild(organisation=org, year=YEAR, status=HandbookBuild.DONE)
        handbook.file.save(f"{code}.pdf", ContentFile(b"%PDF-1.4 matrix"))
        objects[code] = {
            "relay_directive": relay_directive,
            "record": record,
            "handbook": handbook,
            "org": org,
            "draft": draft,
            "published": published,
            "alias": alias,
            "later": later,
            "in_review": in_review,
            "translation_source": source,
            "translation": translation,
            "live_event": live_event,
            "workflow_state": workflow_state,
            "task_state": task_state,
            "scheduled": scheduled,
            "revision": revision,
            "member": member,
            "evaluation": evaluation,
            "image": image,
            "document": document,
            "media": media,
            "marker": marker,
        }
    return objects


def sign_in(client, role, place):
    groups = matrix.ROLES[role][2]
    if groups is None:
        if role == "member":
            user = MemberFactory(branch=place, name="看看", phone="13699999999")
            client.force_login(user)
        return
    if groups == "superuser":
        client.force_login(UserFactory(username="matrix-root", is_superuser=True))
        return
    names = [g.format(code=place.code) for g in groups]
    client.force_login(UserFactory(username=f"matrix-{role}", groups=names))


def text_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig", "replace")
    if response.status_code != 200:
        return ""
    content = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return str(response.json())
    return content


def reached(response):
    """An object view succeeded."""
    return response.status_code == 200


def shows(marker):
    return lambda response: response.status_code == 200 and marker in text_of(response)


def oversees(org):
    """监督: a page of `org`'s oversight, or 立即刷新's way back to its dashboard."""
    back = f"/admin/oversight/?org={org.code}"
    return lambda response: (
        response.status_code == 200
        or (response.status_code == 302 and response["Location"] == back)
    )


def offers_to(org):
    """The import form offers `org` or an organisation above it to import into."""
    pks = [org.pk, *Page.objects.ancestor_of(org).values_list("pk", flat=True)]
    return lambda response: (
        response.status_code == 200
        and any(f'<option value="{pk}"' in text_of(response) for pk in pks)
    )


def offers_exactly(org):
    """A form offers `org` itself to choose."""
    return lambda response: (
        response.status_code == 200 and f'<option value="{org.pk}"' in text_of(response)
    )


def cached(client, url):
    """A list's response, fetched once per role (the same for every target)."""
    responses = client.__dict__.setdefault("matrix_lists", {})
    if url not in responses:
        responses[url] = client.get(url)
    return responses[url]


def post(url, data=None, method="post", **params):
    """A POST (or another method) among the requests of an action (the others are GETs
    of a URL)."""
    return (method, url, data or {}, params)


def ask(client, request):
    if callable(request):  # requests in steps (the multiple upload and its form)
        return request(client)
    if isinstance(request, str):  # a GET; ending in "?follow": with its redirects
        follow = request.endswith("?follow")
        return client.get(request.removesuffix("?follow"), follow=follow)
    method, url, data, params = request
    if params:
        url = f"{url}?{urlencode(params)}"
    if method == "put":  # a form, as the translation editor sends it
        return client.put(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    return getattr(client, method)(url, data)


def links_to(page):
    """A page leads into `page` in the explorer."""
    pattern = re.compile(rf"/admin/pages/{page.pk}/")
    return lambda response: response.status_code == 200 and bool(pattern.search(text_of(response)))


def agree(client, action, requests, check):
    """Every request of the action succeeds, or none does."""
    seen = []
    for request in requests:
        response = ask(client, request)
        ok = check(response)
        if not ok and check is reached:
            assert response.status_code in DENIED, (action, request, response.status_code)
        seen.append(ok)
    if len(set(seen)) == 1:
        return seen[0]
    return f"disagree: {dict(zip(map(str, requests), seen, strict=True))}"


def uploads(obj):
    """(model, request) for every upload form, each given the target's collection."""
    collection, marker = obj["image"].collection_id, obj["marker"]
    png = get_test_image_file().file.getvalue()
    files = {
        Image: lambda: SimpleUploadedFile("a.png", png),
        Document: lambda: SimpleUploadedFile("a.txt", b"hello"),
        LessonMedia: lambda: SimpleUploadedFile("a.mp4", b"not really a video"),
    }

    def form(model, prefix=""):
        fields = {"title": f"上传{marker}", "file": files[model](), "collection": collection}
        if model is Image:
            fields["description"] = f"图片说明{marker}"  # required (base/image_forms.py)
        return {f"{prefix}{k}": v for k, v in fields.items()}

    def multiple(model):
        return {"files[]": files[model](), "collection": collection}

    return [
        (Image, post("/admin/images/add/", form(Image))),
        (Image, lambda client: upload_images(client, files[Image](), collection)),
        (Image, post("/admin/images/chooser/create/", form(Image, "image-chooser-upload-"))),
        (Document, post("/admin/documents/add/", form(Document))),
        (Document, post("/admin/documents/multiple/add/", multiple(Document))),
        (
            Document,
            post("/admin/documents/chooser/create/", form(Document, "document-chooser-upload-")),
        ),
        (LessonMedia, post("/admin/media/video/add/", form(LessonMedia))),
        (
            LessonMedia,
            post("/admin/media/video/chooser/upload/", form(LessonMedia, "media-chooser-upload-")),
        ),
    ]


def try_upload(client, obj):
    """Each upload form, given the target's collection, stores the file there (or not at all)."""
    collection = obj["image"].collection_id
    seen = []
    with mock.patch("learning.media_forms.probe_upload", return_value=mock.Mock(kind="video")):
        for model, request in uploads(obj):
            before = model.objects.filter(collection_id=collection).count()
            ask(client, request)
            seen.append(model.objects.filter(collection_id=collection).count() > before)
    return seen[0] if len(set(seen)) == 1 else f"upload forms disagree: {seen}"


def try_add(client, action, obj):
    """Adding a member (or a meeting record) into the target's organisation, or an
    evaluation of its member."""
    org, member, marker = obj["org"], obj["member"], obj["marker"]
    snippets = "/admin/snippets/learning"
    if action == "record_add":
        topic = f"新会议{marker}"
        client.post("/admin/snippets/orglife/meetingrecord/add/", record_form(org, topic=topic))
        return MeetingRecord.objects.filter(topic=topic, organisation=org).exists()
    if action == "member_add":
        name = f"新党员{marker}"
        client.post(f"{snippets}/memberprofile/add/", {"name": name, "branch": org.pk})
        return MemberProfile.objects.filter(name=name, branch=org).exists()
    data = {"member": member.pk, "year": 2000, "score": 80, "note": ""}
    client.post(f"{snippets}/evaluation/add/", data)
    return Evaluation.objects.filter(member=member, year=2000).exists()


def try_action(client, action, obj):
    """Whether `action` on the target `obj` succeeds (True/False, or what disagrees)."""
    draft, marker, org = obj["draft"], obj["marker"], obj["org"]
    pages = f"/admin/pages/{draft.pk}"
    column, revision = draft.get_parent(), obj["revision"].pk
    image, document, media = obj["image"].pk, obj["document"].pk, obj["media"].pk
    member, snippets = obj["member"].pk, "/admin/snippets/learning"
    evaluation, choosers = obj["evaluation"].pk, "/admin/snippets/choose/learning"
    record, records = obj["record"].pk, "/admin/snippets/orglife/meetingrecord"
    handbooks = "/admin/orglife/handbook/"
    add_article = f"/admin/pages/add/content/articlepage/{column.pk}"
    in_review, task_state = f"/admin/pages/{obj['in_review'].pk}", obj["task_state"]
    review_task = f"{obj['in_review'].pk}/reject/{task_state.pk}"
    translation = obj["translation"]
    translate = f"/admin/localize/translate/{translation.pk}"
    segments = obj["translation_source"]
    string = segments.stringsegment_set.first().pk
    override = segments.overridablesegment_set.first().pk
    pofile = SimpleUploadedFile("a.po", str(translation.export_po()).encode())
    gets = {  # action: (request or [requests that must agree], check)
        "view_draft": (f"{pages}/view_draft/", reached),
        "edit": (
            [
                f"{pages}/edit/",
                f"{pages}/edit/preview/",
                f"/admin/pages/workflow/confirm_cancellation/{draft.pk}/",
                f"/admin/pages/{obj['alias'].pk}/convert_alias/",
                post(f"/admin/editing-sessions/ping/wagtailcore/page/{draft.pk}/0/"),
            ],
            reached,
        ),
        "move": (f"{pages}/move/", reached),
        "reorder": (post(f"{pages}/set_position/", position=0), reached),
        "delete": (f"{pages}/delete/", reached),
        "copy": (f"{pages}/copy/", reached),
        "api_copy": (
            post(
                f"/admin/api/main/pages/{draft.pk}/action/copy/",
                {"destination_page_id": column.pk, "slug": f"copy-{draft.pk}", "keep_live": False},
            ),
            lambda response: response.status_code in (200, 201),
        ),
        "history": (f"{pages}/history/", reached),
        "usage": (f"{pages}/usage/", reached),
        "revisions": (f"{pages}/revisions/{obj['revision'].pk}/view/", reached),
        "explore": (f"/admin/pages/{column.pk}/", shows(f"草稿{marker}")),
        "add_subpage": (
            [
                f"/admin/pages/{column.pk}/add_subpage/",
                f"{add_article}/",
                f"{add_article}/preview/",
            ],
            reached,
        ),
        "compare": (f"{pages}/revisions/compare/earliest...{revision}/", reached),
        "workflow_history": (
            [
                f"{in_review}/workflow_history/",
                f"{in_review}/workflow_history/detail/{obj['workflow_state'].pk}/",
            ],
            reached,
        ),
        "review": (
            [
                f"/admin/pages/workflow/action/{review_task}/",
                f"/admin/pages/workflow/collect_action_data/{review_task}/",
                f"/admin/pages/workflow/preview/{obj['in_review'].pk}/{task_state.task_id}/",
            ],
            reached,
        ),
        # Asked about the draft, not in review, they say so: by its title.
        "review_notice": (
            [
                f"/admin/pages/workflow/action/{draft.pk}/reject/{task_state.pk}/?follow",
                f"/admin/pages/workflow/preview/{draft.pk}/{task_state.task_id}/?follow",
            ],
            shows(f"草稿{marker}"),
        ),
        "image_edit": (
            [
                f"/admin/images/{image}/",
                f"/admin/images/usage/{image}/",
                f"/admin/images/{image}/preview/original/",
                post(f"/admin/images/multiple/{image}/"),
            ],
            reached,
        ),
        "image_delete": (
            [f"/admin/images/{image}/delete/", post(f"/admin/images/multiple/{image}/delete/")],
            reached,
        ),
        "document_edit": (
            [f"/admin/documents/edit/{document}/", post(f"/admin/documents/multiple/{document}/")],
            reached,
        ),
        "document_delete": (
            [
                f"/admin/documents/delete/{document}/",
                post(f"/admin/documents/multiple/{document}/delete/"),
            ],
            reached,
        ),
        "media_edit": ([f"/admin/media/edit/{media}/", f"/admin/media/usage/{media}/"], reached),
        "media_delete": (f"/admin/media/delete/{media}/", reached),
        "choose_image": (
            [
                "/admin/images/chooser/",
                "/admin/images/chooser/results/",
                f"/admin/images/chooser/chosen-multiple/?id={image}",
            ],
            shows(f"图片{marker}"),
        ),
        "choose_document": (
            [
                "/admin/documents/chooser/",
                "/admin/documents/chooser/results/",
                f"/admin/documents/chooser/chosen-multiple/?id={document}",
            ],
            shows(f"文件{marker}"),
        ),
        "member_copy": (f"{snippets}/memberprofile/copy/{member}/", reached),
        "record_inspect": (f"{records}/inspect/{record}/", reached),
        "record_history": (
            [
                f"{records}/history/{record}/",
                f"{records}/history-results/{record}/",
                f"{records}/usage/{record}/",
            ],
            reached,
        ),
        "record_edit": ([f"{records}/edit/{record}/", f"{records}/delete/{record}/"], reached),
        "record_quick": (f"/admin/orglife/quick-record/?org={org.pk}", reached),
        "record_quick_done": (f"/admin/orglife/quick-record/done/{record}/", reached),
        "record_summary": (f"/admin/orglife/records/{record}/public-summary/", reached),
        "relay": (
            [
                f"/admin/orglife/relay/?org={org.pk}",
                f"/admin/orglife/relay/{obj['relay_directive'].pk}/{org.pk}/",
            ],
            reached,
        ),
        # --- 监督 → 消息 (oversight/message_views.py) ---
        "oversight_sent": (f"/admin/oversight/messages/sent/?org={org.pk}", reached),
        "oversight": (
            [
                f"/admin/oversight/?org={org.code}",
                f"/admin/oversight/ranking/?org={org.code}",
                f"/admin/oversight/zombies/?org={org.code}",
                f"/admin/oversight/map/?org={org.code}",
                post("/admin/oversight/refresh/", {"org": org.code}),
            ],
            oversees(org),
        ),
        "choose_record": (
            [
                "/admin/snippets/choose/orglife/meetingrecord/",
                "/admin/snippets/choose/orglife/meetingrecord/results/",
                f"/admin/snippets/choose/orglife/meetingrecord/chosen-multiple/?id={record}",
            ],
            shows(f"会议{marker}"),
        ),
        "member_delete": (f"{snippets}/memberprofile/delete/{member}/", reached),
        "evaluation_admin": (
            [
                f"{snippets}/evaluation/edit/{evaluation}/",
                f"{snippets}/evaluation/history/{evaluation}/",
                f"{snippets}/evaluation/history-results/{evaluation}/",
                f"{snippets}/evaluation/usage/{evaluation}/",
                f"{snippets}/evaluation/copy/{evaluation}/",
            ],
            reached,
        ),
        "evaluation_delete": (f"{snippets}/evaluation/delete/{evaluation}/", reached),
        "choose_evaluation": (
            [
                f"{choosers}/evaluation/",
                f"{choosers}/evaluation/results/",
                f"{choosers}/evaluation/chosen-multiple/?id={evaluation}",
            ],
            shows(f"党员{marker}"),
        ),
        "choose_media": (
            ["/admin/media/chooser/", "/admin/media/chooser/video/"],
            shows(f"视频{marker}"),
        ),
        "choose_member": (
            [
                f"{choosers}/memberprofile/",
                f"{choosers}/memberprofile/results/",
                f"{choosers}/memberprofile/chosen-multiple/?id={member}",
            ],
            shows(f"党员{marker}"),
        ),
        "member_admin": (f"{snippets}/memberprofile/edit/{member}/", reached),
        "member_history": (f"{snippets}/memberprofile/history/{member}/", reached),
        "export": ("/admin/snippets/learning/memberprofile/?export=csv", shows(marker)),
        "import": ("/admin/learning/members/import/", offers_to(org)),
        "record_import": ("/admin/orglife/import/", offers_exactly(org)),
        "unpublish": (f"/admin/pages/{obj['published'].pk}/unpublish/", reached),
        "privacy": (f"{pages}/privacy/", reached),
        "document_usage": (f"/admin/documents/usage/{document}/", reached),
        "member_history_results": (f"{snippets}/memberprofile/history-results/{member}/", reached),
        "media_list": ("/admin/media/", shows(f"视频{marker}")),
        "unschedule": (
            f"/admin/pages/{obj['later'].pk}/revisions/{obj['scheduled'].pk}/unschedule/",
            reached,
        ),
        "explore_root": ("/admin/pages/", links_to(org)),
        "translate_submit": (
            [
                f"/admin/localize/submit/page/{draft.pk}/",
                f"/admin/localize/update/{obj['translation_source'].pk}/",
            ],
            reached,
        ),
        "translate": (  # the translation editor's views, on the zh-hant draft
            [
                f"{translate}/pofile/download/",
                f"{translate}/preview/",
                f"/admin/localize/page/{translation.get_target_instance().pk}/convert_to_alias/",
                post(f"{translate}/strings/{string}/edit/", {"value": "譯"}, method="put"),
                post(f"{translate}/overrides/{override}/edit/", {"value": "x"}, method="put"),
                post(f"{translate}/pofile/upload/", {"file": pofile, "next": DONE}),
                post(f"{translate}/machine_translate/", {"next": DONE}),
                post(f"{translate}/disable/", {"next": DONE}),  # last: it stops translating
            ],
            lambda response: (
                response.status_code in (200, 201)
                or (response.status_code == 302 and response["Location"] == DONE)
            ),
        ),
        "snippets_api": (  # the listing and the detail, each naming the member
            [
                "/admin/localize/api/snippets/learning/memberprofile/",
                f"/admin/localize/api/snippets/learning/memberprofile/{member}/",
            ],
            shows(f"党员{marker}"),
        ),
        "stream_key": (f"/admin/live/{obj['live_event'].pk}/stream-key/", reached),
        "handbook": (
            [f"{handbooks}{obj['handbook'].pk}/", f"{handbooks}{obj['handbook'].pk}/pdf/"],
            reached,
        ),
        "handbook_print": (  # the form takes the target and leads on to its handbook
            post(handbooks, {"organisation": org.pk, "year": YEAR}),
            lambda response: response.get("Location", "").startswith(handbooks),
        ),
        "quick_publish_done": (f"/admin/quick-publish/done/{obj['in_review'].pk}/", reached),
        "choose_parent": (  # the form leads on to adding the article there
            post("/admin/pages/create/content/articlepage", {"parent_page": column.pk}),
            lambda response: response.get("Location") == f"{add_article}/",
        ),
    }
    both = {  # a list (or several) and its results view must agree
        "reports": ("/admin/reports/page-types-usage/", shows(f"草稿{marker}")),
        "audit": ("/admin/audit/", shows(marker)),
        "aging_pages": ("/admin/reports/aging-pages/", shows(f"已发布{marker}")),
        "locked_pages": ("/admin/reports/locked/", shows(f"锁定{marker}")),
        "site_history": ("/admin/reports/site-history/", shows(f"草稿{marker}")),
        "image_list": ("/admin/images/", shows(f"图片{marker}")),
        "document_list": ("/admin/documents/", shows(f"文件{marker}")),
        "member_list": ("/admin/snippets/learning/memberprofile/", shows(f"党员{marker}")),
        "evaluation_list": ("/admin/snippets/learning/evaluation/", shows(f"党员{marker}")),
        "record_list": ("/admin/snippets/orglife/meetingrecord/", shows(f"会议{marker}")),
        "type_use": ("/admin/pages/usage/content/articlepage/", shows(f"草稿{marker}")),
        "page_search": ("/admin/pages/search/?q=草稿", shows(f"草稿{marker}")),
        "translations_report": ("/admin/localize/reports/translations/", shows(f"草稿{marker}")),
        "workflow_reports": (
            ["/admin/reports/workflow/", "/admin/reports/workflow_tasks/"],
            shows(f"审核中{marker}"),
        ),
    }
    if action in both:
        urls, check = both[action]
        seen = set()
        for url in urls if isinstance(urls, list) else [urls]:
            base, _, query = url.partition("?")
            results = f"{base}results/" + (f"?{query}" if query else "")
            seen |= {check(cached(client, url)), check(cached(client, results))}
        return seen.pop() if len(seen) == 1 else "the lists and their results disagree"
    if action == "upload":
        return try_upload(client, obj)
    if action in ("member_add", "evaluation_add", "record_add"):
        return try_add(client, action, obj)
    if action == "lock":  # lock it; unlock a lock someone else holds: both or neither
        client.post(f"{pages}/lock/")
        locked = Page.objects.get(pk=draft.pk).locked
        Page.objects.filter(pk=draft.pk).update(locked=True, locked_by=None)
        client.post(f"{pages}/unlock/")
        unlocked = not Page.objects.get(pk=draft.pk).locked
        Page.objects.filter(pk=draft.pk).update(locked=False, locked_by=None, locked_at=None)
        return locked if locked == unlocked else f"lock {locked}, unlock {unlocked}"
    if action == "revert":  # the revisions index leads to the history
        index = client.get(f"{pages}/revisions/", follow=True)
        seen = {
            reached(client.get(f"{pages}/revisions/{revision}/revert/")),
            reached(index) and index.request["PATH_INFO"] == f"{pages}/history/",
        }
        return seen.pop() if len(seen) == 1 else f"revert and revisions index: {seen}"
    if action in ("api_pages", "api_images", "api_documents"):  # listing, detail, find agree
        api = "/admin/api/main"
        kind, pk, listing, title = {
            "api_pages": ("pages", draft.pk, f"?child_of={column.pk}", f"草稿{marker}"),
            "api_images": ("images", image, "", f"图片{marker}"),
            "api_documents": ("documents", document, "", f"文件{marker}"),
        }[action]
        found = client.get(f"{api}/{kind}/find/", {"id": pk}, follow=True)
        seen = [
            shows(title)(cached(client, f"{api}/{kind}/{listing}")),
            reached(client.get(f"{api}/{kind}/{pk}/")),
            reached(found) and found.request["PATH_INFO"] == f"{api}/{kind}/{pk}/",
        ]
        return seen[0] if len(set(seen)) == 1 else f"listing, detail, find: {seen}"
    if action == "choose_page":  # search, browse and chosen must agree
        title = f"草稿{marker}"
        seen = {
            title in text_of(client.get("/admin/choose-page/search/", {"q": "草稿"})),
            title in text_of(client.get(f"/admin/choose-page/{column.pk}/")),
            title in text_of(client.get("/admin/choose-page/chosen-multiple/", {"id": [draft.pk]})),
        }
        return seen.pop() if len(seen) == 1 else "search, browse and chosen disagree"
    if action == "quick_publish":  # a story into the target's own column, submitted
        title = f"快发{marker}"
        form = {"organisation": org.pk, "column": column.pk, "title": title, "text": "正文"}
        client.post("/admin/quick-publish/", form)
        return ArticlePage.objects.child_of(column).filter(title=title).exists()
    if action == "publish":
        client.post(f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}", {})
        return Page.objects.get(pk=draft.pk).live
    requests, check = gets[action]
    return agree(client, action, requests if isinstance(requests, list) else [requests], check)


# What adds to the lists or changes the targets' objects comes last: uploads, deleting
# images and documents (the multiple-upload delete view deletes), 快速发布, publishing the
# draft.
LAST = ["upload", "image_delete", "document_delete", "quick_publish", "publish"]
ORDER = [a for a in matrix.ACTIONS if a not in LAST] + LAST


@pytest.mark.parametrize("role", matrix.ROLES)
def test_permission_matrix(client, matrix_world, role):
    places = matrix.targets_of(role)
    sign_in(client, role, matrix_world[places[matrix.OWN]]["org"])
    wrong = []
    for action in ORDER:
        expected = matrix.EXPECTED[role][action]
        for target, code in places.items():
            ok = try_action(client, action, matrix_world[code])
            if action in matrix.NO_LEAK and target in expected:
                continue  # one-way: only what must not show is checked
            if ok is not (target in expected):
                said = ok if isinstance(ok, str) else "allowed" if ok else "denied"
                wrong.append(f"{action} × {target} ({code}): {said}")
    assert not wrong, f"{role}: {len(wrong)} cells differ:\n" + "\n".join(wrong)


def test_the_readme_shows_the_matrix():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert matrix.readme_table() in readme, "run: manage.py permission_matrix --write"


def admin_url_names():
    """Every named URL under /admin/, as namespace:name."""
    names = set()

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}{pattern.namespace}:"
                walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and prefix.startswith("admin/"):
                if pattern.name:
                    names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "", "")
    return names


def declared(name, entry):
    """A name is declared by itself, or by a prefix ending in ":" or "_" (a namespace)."""
    return name == entry or (entry.endswith((":", "_")) and name.startswith(entry))


def test_every_admin_url_is_in_the_matrix_or_declared_not_object_scoped():
    covered = {name for _, names in matrix.ACTIONS.values() for name in names}
    names = admin_url_names()
    missing = sorted(
        name
        for name in names
        if name not in covered and not any(declared(name, e) for e in matrix.NOT_OBJECT_SCOPED)
    )
    assert not missing, "\n".join(missing)
    assert covered <= names, sorted(covered - names)  # the matrix names real URLs
