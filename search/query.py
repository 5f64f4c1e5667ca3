"""Searching the index (embedded backend: SQLite FTS5 over the analysed text, BM25 with
title over summary over body), scoped to an organisation: its own subtree, plus the
directives cascaded to it from above. Facet counts over the whole result set."""

import html
import re
from dataclasses import dataclass, field

from django.db import connection

from sites.tree import AFTER_ALPHABET

from . import analysis

WEIGHTS = (10.0, 4.0, 1.0)  # title, summary, body
# Directives are what members most often look for: 三会一课 should bring the regulation
# before two dozen branches' reports of their meetings.
BOOST = "(CASE WHEN d.kind = 'directive' THEN 1.5 ELSE 1.0 END)"
FACETS = {"type": "d.kind", "level": "d.level", "year": "d.year", "org": "d.org_code"}


@dataclass
class Results:
    count: int = 0
    rows: list = field(default_factory=list)  # (page_id, score)
    facets: dict = field(default_factory=dict)
    terms: list = field(default_factory=list)


def fts_phrase(term):
    return '"' + term.replace('"', '""') + '"'


def scope_sql(org, subtree):
    """WHERE fragment and params: the organisation's pages (and below, with subtree),
    and the directives its ancestors issued."""
    if org is None:
        return "1 = 1", []
    steplen = org.steplen
    ancestors = [org.path[:end] for end in range(steplen, len(org.path) + 1, steplen)]
    # A range rather than LIKE 'p%', which SQLite cannot answer from the index (sites/tree.py).
    own = "(d.path >= %s AND d.path < %s)" if subtree else "d.org_path = %s"
    own_params = [org.path, org.path + AFTER_ALPHABET] if subtree else [org.path]
    placeholders = ", ".join(["%s"] * len(ancestors))
    sql = f"({own} OR (d.kind = 'directive' AND d.org_path IN ({placeholders})))"
    return sql, [*own_params, *ancestors]


def sqlite_match(terms, any_word):
    """FROM/WHERE of an FTS5 match, its params, and the score (higher is better)."""
    expression = (" OR " if any_word else " ").join(map(fts_phrase, terms))
    return (
        "FROM search_fts JOIN search_searchdocument d ON d.page_id = search_fts.rowid "
        "WHERE search_fts MATCH %s",
        [expression],
        f"-bm25(search_fts, {', '.join(map(str, WEIGHTS))}) * {BOOST}",
        [],
    )


def postgresql_match(terms, any_word):
    """The same on PostgreSQL: the generated tsvector, plainto_tsquery per word (so no
    query syntax gets through), ts_rank with the A/B/C weights."""
    tsquery = (" || " if any_word else " && ").join(["plainto_tsquery('simple', %s)"] * len(terms))
    return (
        f"FROM search_searchdocument d WHERE d.tsv @@ ({tsquery})",
        list(terms),
        f"ts_rank(d.tsv, ({tsquery})) * {BOOST}",
        list(terms),
    )


BACKENDS = {"sqlite": sqlite_match, "postgresql": postgresql_match}


def search(q, org=None, subtree=True, kind="", level="", year=None, offset=0, limit=20):
    terms = analysis.query_terms(q)
    results = Results(terms=terms)
    backend = BACKENDS.get(connection.vendor)
    if not terms or backend is None:
        return results
    where, scope_params = scope_sql(org, subtree)
    filters = [where]
    for column, value in (("d.kind", kind), ("d.level", level), ("d.year", year)):
        if value:
            filters.append(f"{column} = %s")
            scope_params.append(value)
    for any_word in (False, True):
        match, match_params, score, score_params = backend(terms, any_word)
        base = f"{match} AND {' AND '.join(filters)}"
        params = [*match_params, *scope_params]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {base}", params)
            results.count = cursor.fetchone()[0]
            if results.count == 0 and len(terms) > 1 and not any_word:
                continue  # every word nowhere together: any of them
            cursor.execute(
                f"SELECT d.page_id, {score} AS score {base} "
                "ORDER BY score DESC, d.page_id LIMIT %s OFFSET %s",
                [*score_params, *params, limit, offset],
            )
            results.rows = [(pk, round(float(score), 3)) for pk, score in cursor.fetchall()]
            for name, column in FACETS.items():
                cursor.execute(
                    f"SELECT {column}, COUNT(*) {base} GROUP BY {column} ORDER BY 2 DESC", params
                )
                results.facets[name] = {
                    str(k): n for k, n in cursor.fetchall() if k not in ("", None)
                }
        break
    return results


def highlight(text, terms, width=120):
    """An HTML-safe excerpt of `text` around the first term found, terms in <em>."""
    text = text or ""
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, words))) if words else None
    first = pattern.search(text) if pattern else None
    start = max(first.start() - 20, 0) if first else 0
    excerpt = text[start : start + width]
    out, at = [], 0
    for match in pattern.finditer(excerpt) if pattern else []:
        out.append(html.escape(excerpt[at : match.start()]))
        out.append(f"<em>{html.escape(match.group(0))}</em>")
        at = match.end()
    out.append(html.escape(excerpt[at:]))
    return ("…" if start else "") + "".join(out)
