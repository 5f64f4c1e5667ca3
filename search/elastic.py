"""The Elasticsearch backend, used when ELASTICSEARCH_URL is set (written with
elasticsearch-dsl).

Elasticsearch holds a copy of the search_searchdocument table, one index per locale behind
an alias (`<ELASTICSEARCH_INDEX_PREFIX>-<locale>`, e.g. portal-zh-hans). The table stays
the source of truth: publishing writes the row, and the task worker copies the changed
rows across (`sync`). A rebuild is zero-downtime: a new index is made and bulk-loaded while
searches still use the old one, the alias is swapped to it in one request, and what
changed meanwhile is copied again (`reindex`).

Fields: the terms of our own analysis pipeline (search.analysis: jieba, traditional →
simplified, the party dictionary) under a whitespace analyser, which is what is matched,
title over summary over body as in the embedded backend; and the folded text under ES's
`cjk` bigram analyser, which only adds to the score (it finds pieces of words jieba did not
split). Queries, facets and scoping mirror search.query; snippets are made by the same
highlighter from the row's summary, so all backends show the same thing.

No Elasticsearch server can be installed where this was written: the mapping, queries,
bulk actions and alias swaps are tested offline, and against a live server only when
ELASTICSEARCH_URL is set (tests/search/test_elasticsearch.py).
"""

import functools
import logging
from datetime import UTC, datetime

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch_dsl import A, Document, Integer, Keyword, Q, Search, Text

from . import analysis, registry
from .query import FACETS, WEIGHTS, Results, scope_ancestors

logger = logging.getLogger(__name__)
BULK_CHUNK = 500


class Entry(Document):
    """One searchable page (the mapping; the index name is given per locale)."""

    page_id = Integer()
    kind = Keyword()
    path = Keyword()
    org_path = Keyword()
    org_code = Keyword()
    level = Keyword()
    year = Integer()
    title = Keyword(index=False)
    summary = Text(index=False)
    url_path = Keyword(index=False)
    title_terms = Text(analyzer="whitespace")
    summary_terms = Text(analyzer="whitespace")
    body_terms = Text(analyzer="whitespace", fields={"cjk": Text(analyzer="cjk")})
    title_cjk = Text(analyzer="cjk")
    summary_cjk = Text(analyzer="cjk")


MATCHED = [f"title_terms^{WEIGHTS[0]:g}", f"summary_terms^{WEIGHTS[1]:g}", "body_terms"]
BIGRAMS = [f"title_cjk^{WEIGHTS[0]:g}", f"summary_cjk^{WEIGHTS[1]:g}", "body_terms.cjk"]


def enabled():
    return bool(settings.ELASTICSEARCH_URL)


@functools.cache
def client():
    return Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=30)


def alias(locale):
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-{locale.lower()}"


def index_settings():
    return {"number_of_shards": 1, "number_of_replicas": settings.ELASTICSEARCH_REPLICAS}


def mapping():
    """The index body (settings and mappings) as sent to Elasticsearch."""
    return {"settings": index_settings(), "mappings": Entry._doc_type.mapping.to_dict()}


def source(document):
    """A SearchDocument row as an Elasticsearch document."""
    return {
        "page_id": document.page_id,
        "kind": document.kind,
        "path": document.path,
        "org_path": document.org_path,
        "org_code": document.org_code,
        "level": document.level,
        "year": document.year,
        "title": document.title,
        "summary": document.summary,
        "url_path": document.url_path,
        "title_terms": document.title_terms,
        "summary_terms": document.summary_terms,
        "body_terms": document.body_terms,
        "title_cjk": analysis.normalise(document.title),
        "summary_cjk": analysis.normalise(document.summary),
    }


def index_action(document, index):
    return {
        "_op_type": "index",
        "_index": index,
        "_id": document.page_id,
        "_source": source(document),
    }


def delete_action(page_id, index):
    return {"_op_type": "delete", "_index": index, "_id": page_id}


def sync_actions(page_ids):
    """Bulk actions that bring Elasticsearch in line with the table for these pages: the
    row where there is one (to its locale's alias), a delete from every locale where there
    is none (a page can have changed locale or gone)."""
    from .models import SearchDocument

    present = {d.page_id: d for d in SearchDocument.objects.filter(page_id__in=page_ids)}
    for page_id in page_ids:
        document = present.get(page_id)
        for locale in locales():
            if document is not None and document.locale == locale:
                yield index_action(document, alias(locale))
            else:
                yield delete_action(page_id, alias(locale))


def locales():
    return [code for code, _ in settings.LANGUAGES]


def sync(page_ids, es=None):
    """Copy these pages' rows across; returns (succeeded, failed) action counts. A delete
    of something not there is not a failure."""
    ok = failed = 0
    for success, item in helpers.streaming_bulk(
        es or client(), sync_actions(list(page_ids)), chunk_size=BULK_CHUNK, raise_on_error=False
    ):
        outcome = next(iter(item.values()))
        if success or outcome.get("status") == 404:
            ok += 1
        else:
            failed += 1
            logger.error("Elasticsearch 同步失败：%s", outcome)
    return ok, failed


def swap_actions(name, new_index, old_indices, concrete=False):
    """The one update_aliases request that points `name` at the new index: removes it from
    the old ones (or, when something wrote to the alias name before it existed and made
    it a concrete index, removes that index) in the same atomic step."""
    actions = [{"add": {"index": new_index, "alias": name}}]
    if concrete:
        actions.append({"remove_index": {"index": name}})
    actions += [{"remove": {"index": old, "alias": name}} for old in old_indices]
    return actions


def reindex(locale, progress=None, es=None, now=None):
    """Rebuild one locale's index without downtime; returns the new index's name."""
    from .models import SearchDocument

    es = es or client()
    name = alias(locale)
    started = now or datetime.now(UTC)
    new_index = f"{name}-{started:%Y%m%d%H%M%S%f}"
    body = mapping()
    # Loading is faster with no replicas and no refreshes; both are set back before the swap.
    body["settings"].update(number_of_replicas=0, refresh_interval="-1")
    es.indices.create(index=new_index, **body)
    rows = SearchDocument.objects.filter(locale=locale).order_by("page_id")
    for _ in helpers.streaming_bulk(
        es,
        (index_action(d, new_index) for d in rows.iterator(chunk_size=BULK_CHUNK)),
        chunk_size=BULK_CHUNK,
        raise_on_error=True,
    ):
        if progress:
            progress.update(1)
    es.indices.put_settings(
        index=new_index,
        settings={"number_of_replicas": settings.ELASTICSEARCH_REPLICAS, "refresh_interval": None},
    )
    es.indices.refresh(index=new_index)
    concrete = bool(es.indices.exists(index=name)) and not es.indices.exists_alias(name=name)
    old = list(es.indices.get_alias(name=name)) if es.indices.exists_alias(name=name) else []
    es.indices.update_aliases(actions=swap_actions(name, new_index, old, concrete))
    # Pages published or removed while loading went to the old index: copy them again.
    changed = set(
        SearchDocument.objects.filter(locale=locale, updated_at__gte=started).values_list(
            "page_id", flat=True
        )
    )
    changed |= stray_ids(es, new_index, locale)
    if changed:
        sync(changed)
    for index in old:
        es.indices.delete(index=index, ignore_unavailable=True)
    return new_index


def stray_ids(es, index, locale):
    """Page ids in the index that the table no longer has for this locale."""
    from .models import SearchDocument

    indexed = {
        int(hit["_id"])
        for hit in helpers.scan(es, index=index, query={"_source": False}, size=2000)
    }
    kept = set(SearchDocument.objects.filter(locale=locale).values_list("page_id", flat=True))
    return indexed - kept


def query_body(request, any_word):
    """The search request (elasticsearch-dsl's Search) for one attempt."""
    match = Q(
        "multi_match",
        query=" ".join(request.terms),
        fields=MATCHED,
        type="cross_fields",
        operator="or" if any_word else "and",
    )
    bigrams = Q("multi_match", query=analysis.normalise(request.q), fields=BIGRAMS)
    scored = Q(
        "function_score",
        query=Q("bool", must=[match], should=[bigrams]),
        functions=[
            {"filter": Q("term", kind=kind), "weight": boost}
            for kind, boost in registry.boosts().items()
        ],
        boost_mode="multiply",
    )
    filters = []
    org = request.org
    if org is not None:
        own = Q("prefix", path=org.path) if request.subtree else Q("term", org_path=org.path)
        scope = [own]
        if cascading := registry.cascading():
            ancestors = scope_ancestors(org)
            scope.append(Q("terms", kind=cascading) & Q("terms", org_path=ancestors))
        filters.append(Q("bool", should=scope, minimum_should_match=1))
    for field, value in (("kind", request.kind), ("level", request.level), ("year", request.year)):
        if value:
            filters.append(Q("term", **{field: value}))
    search = Search().query(Q("bool", must=[scored], filter=filters))
    search = search.sort("_score", "page_id").source(False)
    search = search.extra(from_=request.offset, size=request.limit, track_total_hits=True)
    for name, column in FACETS.items():
        search.aggs.bucket(name, A("terms", field=column.removeprefix("d."), size=100))
    return search


def run(request, any_word, es=None):
    """One attempt against the locale's alias, as search.query.Results."""
    es = es or client()
    body = query_body(request, any_word).to_dict()
    try:
        response = es.search(index=alias(request.locale), body=body)
    except NotFoundError:  # no index yet for this locale: nothing indexed
        return Results(terms=request.terms)
    return parse(response, request.terms)


def parse(response, terms):
    results = Results(terms=terms, count=response["hits"]["total"]["value"])
    results.rows = [
        (int(hit["_id"]), round(float(hit["_score"] or 0), 3)) for hit in response["hits"]["hits"]
    ]
    for name in FACETS:
        buckets = response.get("aggregations", {}).get(name, {}).get("buckets", [])
        results.facets[name] = {
            str(b["key"]): b["doc_count"] for b in buckets if b["key"] not in ("", None)
        }
    return results
