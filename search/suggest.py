"""Suggestions as members type: Chinese prefixes of titles and words, or pinyin (each
syllable whole or by its first letters: xuexi, xx → 学习; ersd → 二十大).

The vocabulary is the party dictionary plus the words of indexed titles, with their
pinyin worked out once per index version (in process)."""

import functools
import re

from . import analysis
from .models import SearchDocument

LATIN = re.compile(r"^[a-zA-Z\s']+$")
LIMIT = 10


def index_version():
    latest = SearchDocument.objects.order_by("-updated_at").values_list("updated_at", flat=True)
    return (SearchDocument.objects.count(), str(latest.first()))


@functools.lru_cache(maxsize=2)
def vocabulary(version):
    words = {
        line.split()[0]
        for line in (analysis.HERE / "dictionary.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    for terms in SearchDocument.objects.values_list("title_terms", flat=True).iterator():
        words.update(t for t in terms.split() if len(t) >= 2)
    return sorted(words, key=lambda w: (-len(w), w))


def suggest(q):
    q = (q or "").strip()[:40]
    if not q:
        return []
    if LATIN.match(q):
        words = vocabulary(index_version())
        found = [w for w in words if analysis.pinyin_matches(q, w)]
        found.sort(key=lambda w: (len(w), w))
        return found[:LIMIT]
    needle = analysis.normalise(q)
    words = [w for w in vocabulary(index_version()) if w.startswith(needle)]
    titles = list(
        SearchDocument.objects.filter(title__contains=needle)
        .order_by("-year", "title")
        .values_list("title", flat=True)[:LIMIT]
    )
    seen, out = set(), []
    for item in sorted(words, key=len) + titles:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out[:LIMIT]
