"""The public content API: the cascade as JSON, articles of a subtree, conditional GET,
the query count at many sites, directive fields in Wagtail's pages API."""

from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document

from content.models import DirectiveAttachment
from tests.content.factories import ArticleFactory, DirectiveFactory, library, own_column
from tests.sites.factories import OrganisationFactory, column


def test_directives_for_a_branch_as_json(api_get, deep, directives):
    document = Document.objects.create(
        title="附件一", file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 demo")
    )
    DirectiveAttachment.objects.create(page=directives["central"], document=document)
    response = api_get("/api/v2/directives/", org="da-s1-c1-b1")
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
    # The URL inside the branch's site (sites.insite), here its path on the portal host.
    branch = "http://localhost/da/da-s1/da-s1-c1/da-s1-c1-b1"
    assert central["url"] == f"{branch}/topics/central/{directives['central'].slug}/"
    only_city = api_get("/api/v2/directives/", org="da-s1-c1-b1", level="city").json()
    assert [d["title"] for d in only_city["results"]] == ["city文件"]
    assert document.pk


def test_articles_of_an_organisation_and_of_its_subtree(api_get, deep):
    ArticleFactory(parent=column(deep["da"], "news"), title="区里的文章")
    ArticleFactory(parent=column(deep["da-s1"], "news"), title="街道的文章")
    own = api_get("/api/v2/articles/", org="da").json()
    assert [a["title"] for a in own["results"]] == ["区里的文章"]
    subtree = api_get("/api/v2/articles/", org="da", subtree="1").json()
    assert {a["title"] for a in subtree["results"]} == {"区里的文章", "街道的文章"}


def test_conditional_get_and_invalidation_on_publish(api_get, deep, directives, client):
    first = api_get("/api/v2/directives/", org="da-s1")
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


def test_directives_query_count_is_constant_in_sites(
    api_get, deep, directives, django_assert_max_num_queries
):
    api_get("/api/v2/directives/", org="da-s1-c1-b1")
    with django_assert_max_num_queries(12) as captured:
        api_get("/api/v2/directives/", org="da-s1-c1-b1")
    before = len(captured.captured_queries)
    districts = OrganisationFactory.create_batch(20, kind="district")
    for n in range(5):
        DirectiveFactory(parent=own_column(districts[n]))
        DirectiveFactory(parent=library(deep["home"], "province"))
    api_get("/api/v2/directives/", org="da-s1-c1-b1")
    with django_assert_max_num_queries(before):
        api_get("/api/v2/directives/", org="da-s1-c1-b1")


def test_wagtail_pages_api_lists_directive_fields(api_get, deep, directives):
    central = library(deep["home"], "central")
    response = api_get(
        "/api/v2/pages/",
        type="content.DirectivePage",
        child_of=str(central.pk),
        fields="level,doc_number,issuer,issued_at",
        order="-issued_at",
    )
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["level"] == "central" and item["issuer"] and item["doc_number"]
