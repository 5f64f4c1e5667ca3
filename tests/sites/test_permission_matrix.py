"""The permission matrix (sites/permission_matrix.py), asserted cell by cell over HTTP.

The tree is the matrix's own (built once); in every organisation: a draft article with
a revision and a log entry, an image, a document, a lesson media item and a member.
Each role is one test: it signs in and tries every action on every target, then the
cells it saw are compared with the expected ones all at once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.log_actions import log
from wagtail.models import Page

from learning.models import Evaluation
from sites import permission_matrix as matrix
from sites.models import OrganisationAccess, OrganisationPage
from tests.content.factories import ArticleFactory
from tests.factories import ImageFactory, UserFactory
from tests.learning.factories import LessonMediaFactory, MemberFactory
from tests.shared_data import shared_fixture
from tests.sites.factories import column, provision_tree

DENIED = {302, 403, 404}


@shared_fixture
def matrix_world(home):
    """The matrix tree, and in each organisation (the city too) the objects the actions
    work on, each titled with a marker of its organisation: 《code》."""
    orgs = provision_tree(matrix.TREE_CSV, home)
    orgs[matrix.CITY] = OrganisationPage.objects.get(pk=home.pk)
    objects = {}
    for n, (code, org) in enumerate(orgs.items()):
        if code == "home":
            continue
        marker = f"《{code}》"
        draft = ArticleFactory(parent=column(org, "news"), title=f"草稿{marker}", live=False)
        revision = draft.save_revision()
        log(instance=draft, action="wagtail.edit", revision=revision)
        news = column(org, "news")
        published = ArticleFactory(parent=news, title=f"已发布{marker}", live=True)
        Page.objects.filter(pk=published.pk).update(last_published_at=timezone.now())
        ArticleFactory(parent=news, title=f"锁定{marker}", live=False, locked=True)
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
        objects[code] = {
            "org": org,
            "draft": draft,
            "published": published,
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


def offers_to(org):
    """The import form offers `org` or an organisation above it to import into."""
    pks = [org.pk, *Page.objects.ancestor_of(org).values_list("pk", flat=True)]
    return lambda response: (
        response.status_code == 200
        and any(f'<option value="{pk}"' in text_of(response) for pk in pks)
    )


def cached(client, url):
    """A list's response, fetched once per role (the same for every target)."""
    responses = client.__dict__.setdefault("matrix_lists", {})
    if url not in responses:
        responses[url] = client.get(url)
    return responses[url]


def try_action(client, action, obj):
    """Whether `action` on the target `obj` succeeds (True/False)."""
    draft, marker = obj["draft"], obj["marker"]
    pages = f"/admin/pages/{draft.pk}"
    column, revision = draft.get_parent(), obj["revision"].pk
    image, document, media = obj["image"].pk, obj["document"].pk, obj["media"].pk
    member, snippets = obj["member"].pk, "/admin/snippets/learning"
    gets = {
        "view_draft": (f"{pages}/view_draft/", reached),
        "edit": (f"{pages}/edit/", reached),
        "move": (f"{pages}/move/", reached),
        "delete": (f"{pages}/delete/", reached),
        "copy": (f"{pages}/copy/", reached),
        "history": (f"{pages}/history/", reached),
        "usage": (f"{pages}/usage/", reached),
        "revisions": (f"{pages}/revisions/{obj['revision'].pk}/view/", reached),
        "explore": (f"/admin/pages/{column.pk}/", shows(f"草稿{marker}")),
        "add_subpage": (f"/admin/pages/{column.pk}/add_subpage/", reached),
        "compare": (f"{pages}/revisions/compare/earliest...{revision}/", reached),
        "workflow_history": (f"{pages}/workflow_history/", reached),
        "image_edit": (f"/admin/images/{image}/", reached),
        "image_delete": (f"/admin/images/{image}/delete/", reached),
        "document_edit": (f"/admin/documents/edit/{document}/", reached),
        "document_delete": (f"/admin/documents/delete/{document}/", reached),
        "media_edit": (f"/admin/media/edit/{media}/", reached),
        "choose_image": ("/admin/images/chooser/results/", shows(f"图片{marker}")),
        "choose_document": ("/admin/documents/chooser/results/", shows(f"文件{marker}")),
        "member_copy": (f"{snippets}/memberprofile/copy/{member}/", reached),
        "member_delete": (f"{snippets}/memberprofile/delete/{member}/", reached),
        "evaluation_admin": (f"{snippets}/evaluation/edit/{obj['evaluation'].pk}/", reached),
        "choose_media": ("/admin/media/chooser/", shows(f"视频{marker}")),
        "choose_member": (
            "/admin/snippets/choose/learning/memberprofile/results/",
            shows(f"党员{marker}"),
        ),
        "member_admin": (
            f"/admin/snippets/learning/memberprofile/edit/{obj['member'].pk}/",
            reached,
        ),
        "member_history": (
            f"/admin/snippets/learning/memberprofile/history/{obj['member'].pk}/",
            reached,
        ),
        "export": ("/admin/snippets/learning/memberprofile/?export=csv", shows(marker)),
        "import": ("/admin/learning/members/import/", offers_to(obj["org"])),
        "api_images": ("/admin/api/main/images/", shows(f"图片{marker}")),
        "api_documents": ("/admin/api/main/documents/", shows(f"文件{marker}")),
        "unpublish": (f"/admin/pages/{obj['published'].pk}/unpublish/", reached),
        "privacy": (f"{pages}/privacy/", reached),
        "document_usage": (f"/admin/documents/usage/{document}/", reached),
        "member_history_results": (f"{snippets}/memberprofile/history-results/{member}/", reached),
        "media_list": ("/admin/media/", shows(f"视频{marker}")),
    }
    both = {  # a list and its results view must agree
        "reports": ("/admin/reports/page-types-usage/", shows(f"草稿{marker}")),
        "audit": ("/admin/audit/", shows(marker)),
        "aging_pages": ("/admin/reports/aging-pages/", shows(f"已发布{marker}")),
        "locked_pages": ("/admin/reports/locked/", shows(f"锁定{marker}")),
        "site_history": ("/admin/reports/site-history/", shows(f"草稿{marker}")),
        "image_list": ("/admin/images/", shows(f"图片{marker}")),
        "document_list": ("/admin/documents/", shows(f"文件{marker}")),
        "member_list": ("/admin/snippets/learning/memberprofile/", shows(f"党员{marker}")),
    }
    if action in both:
        url, check = both[action]
        seen = {check(cached(client, url)), check(cached(client, f"{url}results/"))}
        return seen.pop() if len(seen) == 1 else "the list and its results disagree"
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
    if action == "api_pages":  # listing, detail and find must agree
        api = "/admin/api/main/pages"
        found = client.get(f"{api}/find/", {"id": draft.pk}, follow=True)
        seen = [
            shows(f"草稿{marker}")(cached(client, f"{api}/?child_of={column.pk}")),
            reached(client.get(f"{api}/{draft.pk}/")),
            reached(found) and found.request["PATH_INFO"] == f"{api}/{draft.pk}/",
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
    if action == "publish":
        client.post(f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}", {})
        return Page.objects.get(pk=draft.pk).live
    url, check = gets[action]
    response = client.get(url)
    ok = check(response)
    if not ok and check is reached:
        assert response.status_code in DENIED, (action, url, response.status_code)
    return ok


# Publishing changes the draft, so it comes last.
ORDER = [a for a in matrix.ACTIONS if a != "publish"] + ["publish"]


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


def test_every_admin_url_is_in_the_matrix_or_declared_not_object_scoped():
    covered = {name for _, names in matrix.ACTIONS.values() for name in names}
    pending = set(matrix.NOT_YET_IN_MATRIX)
    names = admin_url_names()
    missing = sorted(
        name
        for name in names
        if name not in covered
        and name not in pending
        and not any(name.startswith(e) for e in matrix.NOT_OBJECT_SCOPED)
    )
    assert not missing, "\n".join(missing)
    assert covered <= names, sorted(covered - names)  # the matrix names real URLs
