"""The API as a whole: bad input is a JSON 4xx on every endpoint, drafts and private pages
reach no endpoint, the OpenAPI schema is valid and documented."""

import pytest
from openapi_spec_validator import validate
from wagtail.models import PageViewRestriction

from tests.content.factories import ArticleFactory, DirectiveFactory, library
from tests.sites.factories import column


@pytest.mark.parametrize(
    "url, params, status, code",
    [
        ("/api/v2/directives/", {"org": "nope"}, 404, "unknown_org"),
        ("/api/v2/directives/", {"level": "planet"}, 400, "bad_level"),
        ("/api/v2/directives/", {"page": "99"}, 404, "page_out_of_range"),
        ("/api/v2/directives/", {"page": "0"}, 400, "bad_page"),
        ("/api/v2/directives/", {"since": "yesterday"}, 400, "invalid"),
        ("/api/v2/directives/", {"since": "0"}, 400, "invalid"),
        ("/api/v2/directives/", {"locale": "xx"}, 400, "bad_locale"),
        ("/api/v2/leaderboard/", {"scope": "planet"}, 400, "bad_scope"),
        ("/api/v2/leaderboard/", {"period": "decade"}, 400, "bad_period"),
        ("/api/v2/live/", {"state": "sleeping"}, 400, "bad_state"),
        ("/api/v2/lessons/", {"category": "x"}, 400, "bad_category"),
        ("/api/v2/articles/", {"org": "nope"}, 404, "unknown_org"),
        ("/api/v2/articles/", {"page": "abc"}, 400, "invalid"),
        ("/api/v2/changes/", {"since": "%%%"}, 400, "bad_cursor"),
        ("/api/v2/changes/", {"since": "Yzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, 200, None),
        ("/api/v2/changes/", {"limit": "100000"}, 400, "bad_limit"),
        ("/api/v2/pages/", {"site": "nope"}, 400, "bad_request"),
        ("/api/v2/pages/", {"type": "x.Y"}, 400, "bad_request"),
    ],
)
def test_bad_input_is_a_json_4xx(api_get, deep, url, params, status, code):
    response = api_get(url, **params)
    assert response.status_code == status
    if code:
        body = response.json()
        assert body["error"]["code"] == code and body["error"]["message"]


def test_drafts_and_private_pages_never_leak(api_get, deep, directives):
    draft = DirectiveFactory(parent=library(deep["home"], "city"), title="草稿文件", live=False)
    private = DirectiveFactory(parent=library(deep["home"], "city"), title="内部文件")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    hidden_article = ArticleFactory(parent=column(deep["da"], "news"), title="草稿文章", live=False)
    bodies = [
        api_get("/api/v2/directives/", org="da-s1-c1-b1").content.decode(),
        api_get("/api/v2/articles/", org="da", subtree="1").content.decode(),
        api_get("/api/v2/pages/", site="da", limit="100").content.decode(),
        api_get("/api/v2/pages/", limit="100").content.decode(),
        api_get("/api/v2/changes/").content.decode(),
    ]
    for body in bodies:
        for secret in ["草稿文件", "内部文件", "草稿文章"]:
            assert (
                secret not in body.encode().decode("unicode_escape", "ignore")
                and secret not in body
            )
    assert draft.pk and hidden_article.pk


def test_openapi_schema_is_valid_and_docs_are_served(api_get, db):
    schema = api_get("/api/schema/").json()
    validate(schema)
    for path in ["/api/v2/directives/", "/api/v2/articles/", "/api/v2/changes/"]:
        assert path in schema["paths"]
    docs = api_get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_the_schema_documents_every_public_endpoint_and_its_limits(api_get, db):
    schema = api_get("/api/schema/").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v2/pages/", "get"),
        ("/api/screens/v1/feed/", "get"),
        ("/api/screens/v1/heartbeat/", "post"),
        ("/api/live/{event_id}/heartbeat/", "post"),
        ("/api/v2/orglife/records/", "get"),
        ("/api/v2/orglife/records/{record_id}/", "get"),
    ]:
        assert method in paths[path]

    def parameter(path, name):
        found = next(p for p in paths[path]["get"]["parameters"] if p["name"] == name)
        options = found["schema"].get("anyOf", [found["schema"]])
        return next(option for option in options if option.get("type") != "null")

    assert parameter("/api/v2/leaderboard/", "scope")["enum"] == [
        "members",
        "branches",
        "composite",
    ]
    assert parameter("/api/v2/directives/", "page")["minimum"] == 1
    assert parameter("/api/v2/directives/", "locale")["enum"] == ["zh-hans", "zh-hant", "en"]
    assert parameter("/api/v2/changes/", "limit")["maximum"] == 500
    assert parameter("/api/v2/search/", "year")["maximum"] == 2100
    assert parameter("/api/v2/pages/", "offset")["minimum"] == 0
    assert "403" in paths["/api/v2/me/progress/"]["post"]["responses"]
    assert "401" in paths["/api/v2/orglife/records/"]["get"]["responses"]
    assert parameter("/api/v2/orglife/records/", "month")["maximum"] == 12


def test_the_schema_documents_the_relay_endpoint_with_an_example(api_get, db):
    schema = api_get("/api/schema/").json()
    validate(schema)
    relay = schema["paths"]["/api/v2/directives/{directive_id}/relay/"]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(relay["responses"])
    assert relay["security"]
    example = schema["components"]["schemas"]["RelayOut"]["examples"][0]
    assert example["total"]["percent"] == 75 and example["missing"]["results"]
