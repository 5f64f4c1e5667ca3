"""Searching the index (embedded backend: SQLite FTS5 over the analysed text, BM25 with
title over summary over body), scoped to an organisation: its own subtree, plus the pages of
cascading types (search/registry.py) issued above it. Facet counts over the whole result
set."""

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from sites.tree import AFTER_ALPHABET, ancestor_paths

from . import analysis, registry

WEIGHTS = (10.0, 4.0, 1.0)  # title, summary, body
FACETS = {"type": "d.kind", "level": "d.level", "year": "d.year", "org": "d.org_code"}


@dataclass
class Results:
    count: int = 0
    rows: list = field(default_factory=list)  # (page_id, score)
    facets: dict = field(default_factory=dict)
    terms: list = field(default_factory=list)


@dataclass
class Request:
    """One search, as the backends get it: the raw and analysed query and the filters."""

    q: str
    terms: list
    org: object = None
    subtree: bool = True
    kind: str = ""
    level: str = ""
    year: int | None = None
    offset: int = 0
    limit: int = 20
    locale: str = ""


def fts_phrase(term):
    return '"' + term.replace('"', '""') + '"'


def boost_sql():
    """The score's factor by type (registered boosts; kinds are checked when registered,
    so they can stand in the SQL as they are)."""
    cases = " ".join(
        f"WHEN d.kind = '{kind}' THEN {boost}" for kind, boost in registry.boosts().items()
    )
    return f"(CASE {cases} ELSE 1.0 END)" if cases else "1.0"


def scope_ancestors(org):
    """Tree paths of the organisation and every one above it (whose cascading pages reach
    it)."""
    return ancestor_paths(org.path, inclusive=True)


def scope_sql(org, subtree):
    """WHERE fragment and params: the organisation's pages (and below, with subtree),
    and the pages of cascading types its ancestors issued."""
    if org is None:
        return "1 = 1", []
    ancestors = scope_ancestors(org)
    # A range rather than LIKE 'p%', which SQLite cannot answer from the index (sites/tree.py).
    own = "(d.path >= %s AND d.path < %s)" if subtree else "d.org_path = %s"
    own_params = [org.path, org.path + AFTER_ALPHABET] if subtree else [org.path]
    cascading = registry.cascading()
    if not cascading:
        return f"({own})", own_params
    kinds = ", ".join(["%s"] * len(cascading))
    placeholders = ", ".join(["%s"] * len(ancestors))
    sql = f"({own} OR (d.kind IN ({kinds}) AND d.org_path IN ({placeholders})))"
    return sql, [*own_params, *cascading, *ancestors]


def sqlite_match(terms, any_word):
    """FROM/WHERE of an FTS5 match, its params, and the score (higher is better)."""
    expression = (" OR " if any_word else " ").join(map(fts_phrase, terms))
    return (
        # CROSS JOIN keeps SQLite from starting at an index of the documents table (locale,
        # path) and asking FTS5 about every row: the match comes first.
        "FROM search_fts CROSS JOIN search_searchdocument d ON d.page_id = search_fts.rowid "
        "WHERE search_fts MATCH %s",
        [expression],
        f"-bm25(search_fts, {', '.join(map(str, WEIGHTS))}) * {boost_sql()}",
        [],
    )


def postgresql_match(terms, any_word):
    """The same on PostgreSQL: the generated tsvector, plainto_tsquery per word (so no
    query syntax gets through), ts_rank with the A/B/C weights."""
    tsquery = (" || " if any_word else " && ").join(["plainto_tsquery('simple', %s)"] * len(terms))
    return (
        f"FROM search_searchdocument d WHERE d.tsv @@ ({tsquery})",
        list(terms),
        f"ts_rank(d.tsv, ({tsquery})) * {boost_sql()}",
        list(terms),
    )


BACKENDS = {"sqlite": sqlite_match, "postgresql": postgresql_match}


def search(
    q, org=None, subtree=True, kind="", level="", year=None, offset=0, limit=20, locale=None
):
    """Pages matching every word of `q` (or, when none has them all, any word), best
    first, in one locale (the default language unless given)."""
    from . import elastic

    terms = analysis.query_terms(q)
    if not terms:
        return Results(terms=terms)
    request = Request(
        q, terms, org, subtree, kind, level, year, offset, limit, locale or settings.LANGUAGE_CODE
    )
    attempt = elastic.run if elastic.enabled() else run
    for any_word in (False, True):
        results = attempt(request, any_word)
        if results.count or any_word or len(terms) == 1:
            return results
    return results


def run(request, any_word):
    """One attempt in the database's own full-text index."""
    results = Results(terms=request.terms)
    backend = BACKENDS.get(connection.vendor)
    if backend is None:
        return results
    where, params = scope_sql(request.org, request.subtree)
    filters = [where, "d.locale = %s"]
    params.append(request.locale)
    for column, value in (
        ("d.kind", request.kind),
        ("d.level", request.level),
        ("d.year", request.year),
    ):
        if value:
            filters.append(f"{column} = %s")
            params.append(value)
    match, match_params, score, score_params = backend(request.terms, any_word)
    base = f"{match} AND {' AND '.join(filters)}"
    params = [*match_params, *params]
    columns = ", ".join(FACETS.values())
    with connection.cursor() as cursor:
        # One pass over the matches counts them and every facet at once (the groups are few:
        # types × levels × years × organisations that matched).
        cursor.execute(f"SELECT {columns}, COUNT(*) {base} GROUP BY {columns}", params)
        groups = cursor.fetchall()
        results.count = sum(group[-1] for group in groups)
        if results.count == 0:
            return results
        cursor.execute(
            f"SELECT d.page_id, {score} AS score {base} "
            "ORDER BY score DESC, d.page_id LIMIT %s OFFSET %s",
            [*score_params, *params, request.limit, request.offset],
        )
        results.rows = [(pk, round(float(score), 3)) for pk, score in cursor.fetchall()]
    results.facets = facet_counts(groups)
    return results


def facet_counts(groups):
    """{facet: {value: count}} (most first, empty values left out) from rows of
    (kind, level, year, org_code, count)."""
    facets = {}
    for position, name in enumerate(FACETS):
        counts = Counter()
        for group in groups:
            if group[position] not in ("", None):
                counts[str(group[position])] += group[-1]
        facets[name] = dict(counts.most_common())
    return facets


def highlight(text, terms, width=120):
    """An HTML-safe excerpt of `text` around the first term found, terms in <em>. Terms
    are matched in the folded text (traditional → simplified, case, width), character by
    character, so 學習 in a page written in traditional characters is marked for 学习,
    and the page's own characters are shown."""
    text = text or ""
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, words))) if words else None
    folded = "".join(f if len(f) == 1 else c for c, f in ((c, analysis.normalise(c)) for c in text))
    first = pattern.search(folded) if pattern else None
    start = max(first.start() - 20, 0) if first else 0
    end = start + width
    out, at = [], start
    for match in pattern.finditer(folded, start, end) if pattern else []:
        if match.end() > end:
            break
        out.append(html.escape(text[at : match.start()]))
        out.append(f"<em>{html.escape(text[match.start() : match.end()])}</em>")
        at = match.end()
    out.append(html.escape(text[at:end]))
    return ("…" if start else "") + "".join(out)
