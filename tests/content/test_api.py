"""The public content API: cascade as JSON, errors, conditional GET, change feed, schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openapi_spec_validator import validate
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from content.models import DirectiveAttachment
from tests.content.factories import ArticleFactory, DirectiveFactory, library, own_column
from tests.sites.factories import OrganisationFactory, column


def get(client, url, **params):
    return client.get(url, params, HTTP_HOST="localhost")


def test_directives_for_a_branch_as_json(deep, directives, client):
    document = Document.objects.create(
        title="附件一", file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 demo")
    )
    DirectiveAttachment.objects.create(page=directives["central"], document=document)
    response = get(client, "/api/v2/directives/", org="da-s1-c1-b1")
    assert response.status_code == 200
    data = response.json()
    titles = {d["title"] for d in data["results"]}
    assert titles == {
        "central文件",
        "province文件",
        "city文件",
        "da文件",
        "da-s1文件",
        "da-s1-c1文件",
        "da-s1-c1-b1文件",
    }
    central = next(d for d in data["results"] if d["title"] == "central文件")
    assert central["level"] == "central" and central["level_label"] == "中央"
    assert central["attachments"][0]["type"] == "pdf" and central["attachments"][0]["size"] == 13
    assert central["url"].startswith("http://localhost/topics/central/")
    only_city = get(client, "/api/v2/directives/", org="da-s1-c1-b1", level="city").json()
    assert [d["title"] for d in only_city["results"]] == ["city文件"]
    assert document.pk


@pytest.mark.parametrize(
    "url, params, status, code",
    [
        ("/api/v2/directives/", {"org": "nope"}, 404, "unknown_org"),
        ("/api/v2/directives/", {"level": "planet"}, 400, "bad_level"),
        ("/api/v2/directives/", {"page": "99"}, 404, "page_out_of_range"),
        ("/api/v2/directives/", {"page": "0"}, 400, "bad_page"),
        ("/api/v2/directives/", {"since": "yesterday"}, 400, "invalid"),
        ("/api/v2/articles/", {"org": "nope"}, 404, "unknown_org"),
        ("/api/v2/articles/", {"page": "abc"}, 400, "invalid"),
        ("/api/v2/changes/", {"since": "%%%"}, 400, "bad_cursor"),
        ("/api/v2/changes/", {"since": "Yzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, 200, None),
        ("/api/v2/changes/", {"limit": "100000"}, 400, "bad_limit"),
        ("/api/v2/pages/", {"site": "nope"}, 400, "bad_request"),
        ("/api/v2/pages/", {"type": "x.Y"}, 400, "bad_request"),
    ],
)
def test_bad_input_is_a_json_4xx(deep, client, url, params, status, code):
    response = get(client, url, **params)
    assert response.status_code == status
    if code:
        body = response.json()
        assert body["error"]["code"] == code and body["error"]["message"]


def test_drafts_and_private_pages_never_leak(deep, directives, client):
    draft = DirectiveFactory(parent=library(deep["home"], "city"), title="草稿文件", live=False)
    private = DirectiveFactory(parent=library(deep["home"], "city"), title="内部文件")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    hidden_article = ArticleFactory(parent=column(deep["da"], "news"), title="草稿文章", live=False)
    bodies = [
        get(client, "/api/v2/directives/", org="da-s1-c1-b1").content.decode(),
        get(client, "/api/v2/articles/", org="da", subtree="1").content.decode(),
        get(client, "/api/v2/pages/", site="da", limit="100").content.decode(),
        get(client, "/api/v2/pages/", limit="100").content.decode(),
        get(client, "/api/v2/changes/").content.decode(),
    ]
    for body in bodies:
        for secret in ["草稿文件", "内部文件", "草稿文章"]:
            assert (
                secret not in body.encode().decode("unicode_escape", "ignore")
                and secret not in body
            )
    assert draft.pk and hidden_article.pk


def test_articles_of_an_organisation_and_of_its_subtree(deep, client):
    ArticleFactory(parent=column(deep["da"], "news"), title="区里的文章")
    ArticleFactory(parent=column(deep["da-s1"], "news"), title="街道的文章")
    own = get(client, "/api/v2/articles/", org="da").json()
    assert [a["title"] for a in own["results"]] == ["区里的文章"]
    subtree = get(client, "/api/v2/articles/", org="da", subtree="1").json()
    assert {a["title"] for a in subtree["results"]} == {"区里的文章", "街道的文章"}


def test_conditional_get_and_invalidation_on_publish(deep, directives, client):
    first = get(client, "/api/v2/directives/", org="da-s1")
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    again = client.get(
        "/api/v2/directives/", {"org": "da-s1"}, HTTP_HOST="localhost", HTTP_IF_NONE_MATCH=etag
    )
    assert again.status_code == 304
    DirectiveFactory(
        parent=library(deep["home"], "central"), title="新文件"
    ).save_revision().publish()
    after = client.get(
        "/api/v2/directives/", {"org": "da-s1"}, HTTP_HOST="localhost", HTTP_IF_NONE_MATCH=etag
    )
    assert after.status_code == 200 and after["ETag"] != etag
    assert "新文件" in after.json()["results"][0]["title"]


def test_change_feed_is_ordered_complete_and_resumable(deep, client):
    start = get(client, "/api/v2/changes/").json()["next_cursor"]
    news = column(deep["da"], "news")
    a = ArticleFactory(parent=news, title="甲", live=False)
    b = ArticleFactory(parent=news, title="乙", live=False)
    a.save_revision().publish()
    b.save_revision().publish()
    a.refresh_from_db()
    a.unpublish()
    b.move(column(deep["da"], "notices"), pos="last-child")
    b.refresh_from_db()
    b.delete()
    draft = ArticleFactory(parent=news, title="从未发布", live=False)
    draft.move(column(deep["da"], "notices"), pos="last-child")
    draft.delete()  # never public: neither its move nor its deletion reaches the feed
    expected = [
        ("甲", "publish"),
        ("乙", "publish"),
        ("甲", "unpublish"),
        ("乙", "move"),
        ("乙", "unpublish"),  # Wagtail unpublishes a live page before deleting it
        ("乙", "delete"),
    ]
    seen, cursor = [], start
    while True:
        page = get(client, "/api/v2/changes/", since=cursor, limit="2").json()
        seen += [(c["title"], c["action"]) for c in page["results"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == expected, seen
    assert get(client, "/api/v2/changes/", since=cursor).json()["results"] == []


def test_directives_query_count_is_constant_in_sites(
    deep, directives, client, django_assert_max_num_queries
):
    get(client, "/api/v2/directives/", org="da-s1-c1-b1")
    with django_assert_max_num_queries(12) as captured:
        get(client, "/api/v2/directives/", org="da-s1-c1-b1")
    before = len(captured.captured_queries)
    districts = OrganisationFactory.create_batch(20, kind="district")
    for n in range(5):
        DirectiveFactory(parent=own_column(districts[n]))
        DirectiveFactory(parent=library(deep["home"], "province"))
    get(client, "/api/v2/directives/", org="da-s1-c1-b1")
    with django_assert_max_num_queries(before):
        get(client, "/api/v2/directives/", org="da-s1-c1-b1")


def test_openapi_schema_is_valid_and_docs_are_served(db, client):
    schema = get(client, "/api/schema/").json()
    validate(schema)
    for path in ["/api/v2/directives/", "/api/v2/articles/", "/api/v2/changes/"]:
        assert path in schema["paths"]
    docs = get(client, "/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_wagtail_pages_api_lists_directive_fields(deep, directives, client):
    central = library(deep["home"], "central")
    response = get(
        client,
        "/api/v2/pages/",
        type="content.DirectivePage",
        child_of=str(central.pk),
        fields="level,doc_number,issuer,issued_at",
        order="-issued_at",
    )
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["level"] == "central" and item["issuer"] and item["doc_number"]
