"""The Elasticsearch backend (search/elastic.py).

No Elasticsearch server can be installed here, so the mapping, the generated queries, the
bulk actions and the zero-downtime alias swap are tested offline (the client is replaced
where a request would go out). With ELASTICSEARCH_URL set, the last test runs the demo's
relevance set against the live server as well.
"""

import io
import os
import uuid
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from search import elastic, index, query
from search.models import SearchDocument
from search.relevance import PAIRS, index_titles, misses
from tests.content.factories import ArticleFactory, DirectiveFactory, library, own_column
from tests.shared_data import shared_fixture
from tests.sites.factories import column

pytestmark = pytest.mark.django_db


@shared_fixture
def corpus(deep):
    city = DirectiveFactory(
        parent=library(deep["home"], "city"),
        title="關於深入學習貫徹黨的二十大精神的通知",  # typed in traditional characters
        summary="各級黨組織要把學習貫徹作為首要政治任務。",
    )
    district = DirectiveFactory(parent=own_column(deep["da"]), title="关于开展主题党日活动的通知")
    news = ArticleFactory(parent=column(deep["da-s1-c1-b1"], "news"), title="志愿服务进社区")
    index.rebuild()
    return {"city": city, "district": district, "news": news, **deep}


def test_mapping_matches_our_terms_and_adds_cjk_bigrams():
    properties = elastic.mapping()["mappings"]["properties"]
    for field in ("title_terms", "summary_terms", "body_terms"):
        assert properties[field]["analyzer"] == "whitespace"  # our pipeline's tokens as they are
    assert properties["body_terms"]["fields"]["cjk"]["analyzer"] == "cjk"
    assert properties["title_cjk"]["analyzer"] == properties["summary_cjk"]["analyzer"] == "cjk"
    for name, column_name in query.FACETS.items():  # every facet is an aggregatable keyword
        assert properties[column_name.removeprefix("d.")]["type"] in ("keyword", "integer"), name
    assert properties["page_id"]["type"] == "integer"  # the tie-break sort (not _id)
    assert properties["title"].get("index") is False  # shown, never matched


def test_documents_carry_the_table_terms_and_folded_text(corpus):
    row = SearchDocument.objects.get(page_id=corpus["city"].pk)
    action = elastic.index_action(row, elastic.alias(row.locale))
    assert action["_index"] == "portal-zh-hans" and action["_id"] == corpus["city"].pk
    body = action["_source"]
    assert body["title_terms"] == row.title_terms and "二十大" in body["title_terms"].split()
    assert body["title"] == "關於深入學習貫徹黨的二十大精神的通知"  # shown as written
    assert "学习贯彻党的二十大" in body["title_cjk"]  # bigrams over the simplified text
    assert body["org_path"] == row.org_path and body["kind"] == "directive"


def test_sync_writes_to_the_page_locale_and_deletes_elsewhere(corpus):
    page = corpus["news"]
    actions = list(elastic.sync_actions([page.pk]))
    assert [(a["_op_type"], a["_index"]) for a in actions] == [
        ("index", "portal-zh-hans"),
        ("delete", "portal-zh-hant"),
        ("delete", "portal-en"),
    ]
    page.unpublish()
    actions = list(elastic.sync_actions([page.pk]))
    assert {a["_op_type"] for a in actions} == {"delete"} and len(actions) == 3


def test_sync_counts_a_missing_document_as_done_and_reports_failures(corpus, caplog):
    results = [
        (True, {"index": {"status": 201}}),
        (False, {"delete": {"status": 404}}),  # not there: nothing to delete
        (False, {"delete": {"status": 503, "error": "unavailable"}}),
    ]
    with mock.patch.object(elastic.helpers, "streaming_bulk", return_value=iter(results)):
        assert elastic.sync([corpus["news"].pk], es=mock.Mock()) == (2, 1)
    assert "Elasticsearch 同步失败" in caplog.text


def search_request(org=None, q="学习贯彻", **filters):
    return query.Request(q, query.analysis.query_terms(q), org, locale="zh-hans", **filters)


def test_query_scopes_a_branch_to_its_subtree_and_the_directives_from_above(corpus):
    branch = corpus["da-s1-c1-b1"]
    body = elastic.query_body(search_request(branch, kind="directive"), False).to_dict()
    must = body["query"]["bool"]["must"][0]["function_score"]
    match = must["query"]["bool"]["must"][0]["multi_match"]
    assert match["operator"] == "and" and match["type"] == "cross_fields"
    assert match["query"] == "学习 贯彻" or match["query"] == "学习贯彻"
    assert match["fields"] == ["title_terms^10", "summary_terms^4", "body_terms"]
    assert must["functions"] == [{"filter": {"term": {"kind": "directive"}}, "weight": 1.5}]
    scope, kind = body["query"]["bool"]["filter"]
    own, cascaded = scope["bool"]["should"]
    assert own == {"prefix": {"path": branch.path}}
    ancestors = cascaded["bool"]["must"][1]["terms"]["org_path"]
    assert ancestors == query.scope_ancestors(branch)
    assert corpus["home"].path in ancestors and corpus["da"].path in ancestors
    assert kind == {"term": {"kind": "directive"}}
    assert set(body["aggs"]) == set(query.FACETS)
    assert body["sort"] == ["_score", "page_id"] and body["track_total_hits"] is True
    assert body["from"] == 0 and body["size"] == 20 and body["_source"] is False


def test_query_without_subtree_any_word_and_traditional_input(corpus):
    request = search_request(corpus["da"], q="學習 平臺", subtree=False, offset=40, limit=20)
    body = elastic.query_body(request, True).to_dict()
    scored = body["query"]["bool"]["must"][0]["function_score"]["query"]["bool"]
    assert scored["must"][0]["multi_match"]["operator"] == "or"
    assert scored["should"][0]["multi_match"]["query"] == "学习 平台"  # folded for the bigrams
    own = body["query"]["bool"]["filter"][0]["bool"]["should"][0]
    assert own == {"term": {"org_path": corpus["da"].path}}
    assert body["from"] == 40


def es_response(ids, total=None, kinds=None):
    return {
        "hits": {
            "total": {"value": len(ids) if total is None else total},
            "hits": [{"_id": str(pk), "_score": 10.0 / (n + 1)} for n, pk in enumerate(ids)],
        },
        "aggregations": {
            "type": {"buckets": [{"key": k, "doc_count": n} for k, n in (kinds or {}).items()]},
            "level": {"buckets": [{"key": "", "doc_count": 1}]},
            "year": {"buckets": [{"key": 2026, "doc_count": len(ids)}]},
            "org": {"buckets": []},
        },
    }


def test_search_goes_to_elasticsearch_and_falls_back_to_any_word(corpus, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    es = mock.Mock()
    pk = corpus["district"].pk
    es.search.side_effect = [es_response([]), es_response([pk], kinds={"directive": 1})]
    with mock.patch.object(elastic, "client", return_value=es):
        found = query.search("主题党日 不存在的词", corpus["da"])
    operators = [
        c.kwargs["body"]["query"]["bool"]["must"][0]["function_score"]["query"]["bool"]["must"][0][
            "multi_match"
        ]["operator"]
        for c in es.search.call_args_list
    ]
    assert operators == ["and", "or"]
    assert {c.kwargs["index"] for c in es.search.call_args_list} == {"portal-zh-hans"}
    assert found.rows == [(pk, 10.0)] and found.count == 1
    assert found.facets["type"] == {"directive": 1} and found.facets["year"] == {"2026": 1}
    assert "level" in found.facets and found.facets["level"] == {}


def test_the_api_shows_elasticsearch_hits_like_the_embedded_ones(client, corpus, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    es = mock.Mock()
    es.search.return_value = es_response([corpus["city"].pk], kinds={"directive": 1})
    with mock.patch.object(elastic, "client", return_value=es):
        body = client.get("/api/v2/search/", {"q": "學習貫徹"}).json()
    hit = body["results"][0]
    assert hit["title"] == corpus["city"].title and "<em>" in hit["snippet"]
    assert body["count"] == 1 and hit["type"] == "directive"


def test_publishing_and_unpublishing_queue_a_copy(
    corpus, settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    page = corpus["news"]
    with mock.patch.object(elastic, "sync", return_value=(3, 0)) as sync:
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        with django_capture_on_commit_callbacks(execute=True):
            page.unpublish()
    assert [c.args[0] for c in sync.call_args_list] == [[page.pk], [page.pk]]


def test_a_failing_copy_makes_the_task_fail_for_a_retry(corpus):
    from search.tasks import sync_elasticsearch

    with mock.patch.object(elastic, "sync", return_value=(1, 2)):
        with pytest.raises(RuntimeError, match="同步失败 2 项"):
            sync_elasticsearch.call([corpus["news"].pk])


def test_the_alias_swap_is_one_atomic_request():
    assert elastic.swap_actions("portal-zh-hans", "new", ["old1", "old2"]) == [
        {"add": {"index": "new", "alias": "portal-zh-hans"}},
        {"remove": {"index": "old1", "alias": "portal-zh-hans"}},
        {"remove": {"index": "old2", "alias": "portal-zh-hans"}},
    ]
    # something wrote to the alias name before there was an alias: that index goes too
    assert {"remove_index": {"index": "portal-zh-hans"}} in elastic.swap_actions(
        "portal-zh-hans", "new", [], concrete=True
    )


def test_reindex_loads_a_new_index_then_swaps_and_copies_what_changed_meanwhile(corpus):
    es = mock.Mock()
    es.indices.exists.return_value = True
    es.indices.exists_alias.return_value = True
    es.indices.get_alias.return_value = {"portal-zh-hans-old": {"aliases": {}}}
    loaded = []
    late = corpus["district"]

    def bulk(client, actions, **kwargs):
        for action in actions:
            loaded.append(action)
            yield True, {"index": {"status": 201}}
        late.title = "关于开展主题党日活动的通知（修订）"  # published while loading
        late.save_revision().publish()

    gone = 999_999  # in the new index, but deleted from the table while loading

    def scan(*args, **kwargs):
        return [{"_id": str(a["_id"])} for a in loaded] + [{"_id": str(gone)}]

    with (
        mock.patch.object(elastic.helpers, "streaming_bulk", side_effect=bulk),
        mock.patch.object(elastic.helpers, "scan", side_effect=scan),
        mock.patch.object(elastic, "sync") as sync,
    ):
        new = elastic.reindex("zh-hans", es=es)
    created = es.indices.create.call_args.kwargs
    assert created["index"] == new and new.startswith("portal-zh-hans-")
    assert created["settings"]["number_of_replicas"] == 0  # no replicas while loading
    assert created["mappings"] == elastic.mapping()["mappings"]
    assert {a["_index"] for a in loaded} == {new}
    assert {a["_id"] for a in loaded} == set(
        SearchDocument.objects.values_list("page_id", flat=True)
    )
    es.indices.update_aliases.assert_called_once_with(
        actions=elastic.swap_actions("portal-zh-hans", new, ["portal-zh-hans-old"])
    )
    assert es.indices.put_settings.call_args.kwargs["settings"]["refresh_interval"] is None
    assert set(sync.call_args.args[0]) == {late.pk, gone}  # copied again after the swap
    es.indices.delete.assert_called_once_with(index="portal-zh-hans-old", ignore_unavailable=True)
    names = [c[0] for c in es.method_calls]
    assert names.index("indices.update_aliases") < names.index("indices.delete")


def test_the_command_needs_a_server_for_an_elasticsearch_only_rebuild():
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL"):
        call_command("search_index", "elasticsearch", stdout=io.StringIO())


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="needs a live Elasticsearch (none can be installed here; the tests above are offline)",
)
def test_relevance_set_on_a_live_server(settings, tmp_path, monkeypatch):
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"portal-test-{uuid.uuid4().hex[:8]}"
    settings.ELASTICSEARCH_REPLICAS = 0
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-2026")
    elastic.client.cache_clear()
    es = elastic.client()
    try:
        call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
        call_command("search_index", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
        assert not misses(index_titles), "recall@10 below 100 % on Elasticsearch"
        first = set(es.indices.get_alias(name=elastic.alias("zh-hans")))
        call_command("search_index", "elasticsearch", stdout=io.StringIO(), stderr=io.StringIO())
        second = set(es.indices.get_alias(name=elastic.alias("zh-hans")))
        assert first and second and first.isdisjoint(second)  # swapped to a new index
        assert not es.indices.exists(index=",".join(first))  # and the old one is gone
        assert len(misses(index_titles, PAIRS[:5])) == 0
    finally:
        es.indices.delete(index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True)
        elastic.client.cache_clear()
