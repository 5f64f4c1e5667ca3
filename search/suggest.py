"""Suggestions as members type: Chinese prefixes of titles and words, or pinyin (each
syllable whole or by its first letters: xuexi, xx → 学习; ersd → 二十大).

The vocabulary is the party dictionary plus the words of indexed titles, with their
pinyin worked out once per index version (in process)."""

import difflib
import functools
import re
from collections import Counter

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


# --- 您是不是要找 ----------------------------------------------------------------------
CLOSE_ENOUGH = 0.75  # difflib ratio between what was typed and a word's pinyin


@functools.lru_cache(maxsize=2)
def pinyin_table(version):
    """[(word, syllables, weight)] of the vocabulary, worked out once per index version:
    weight is how many indexed titles use the word (the party dictionary's own words
    count once), so 学习 comes before a rarer word with the same initials."""
    counts = Counter()
    for terms in SearchDocument.objects.values_list("title_terms", flat=True).iterator():
        counts.update({t for t in terms.split() if len(t) >= 2})
    return [
        (word, tuple(analysis.syllables(word)), counts.get(word, 0) + 1)
        for word in vocabulary(version)
    ]


def did_you_mean(q, limit=3, homophones_only=False):
    """Words the query probably meant, best first: pinyin (xuexi, xx, ersd → 学习, 二十大),
    a homophone typed in Chinese (学系 → 学习), or a near miss in either (xuexxi,
    主题党目 → 主题党日). [] when there is nothing better to offer. `homophones_only`:
    only words that sound exactly like `q`, and none when `q` is a word we know."""
    q = (q or "").strip()[:40]
    if not q:
        return []
    latin = bool(LATIN.match(q))
    typed = re.sub(r"[^a-z]", "", q.casefold()) if latin else "".join(analysis.syllables(q))
    if not typed:
        return []
    own = analysis.normalise(q)
    table = [row for row in pinyin_table(index_version()) if row[0] != own and row[1]]
    spelled = {word: "".join(parts) for word, parts, _ in table}
    weight = {word: w for word, _, w in table}
    exact = [word for word, full in spelled.items() if full == typed]
    if homophones_only:
        known = own in vocabulary(index_version())
        return [] if known else sorted(exact, key=lambda w: -weight[w])[:limit]
    typed_as = (
        [word for word, parts, _ in table if analysis.syllables_match(typed, parts)]
        if latin
        else []
    )
    by_pinyin = {}
    for word, full in spelled.items():
        by_pinyin.setdefault(full, []).append(word)
    close = [
        word
        for full in difflib.get_close_matches(typed, by_pinyin, n=limit, cutoff=CLOSE_ENOUGH)
        for word in by_pinyin[full]
    ]
    ranked = sorted(exact, key=lambda w: -weight[w])
    ranked += sorted(typed_as, key=lambda w: (-weight[w], len(w), w))
    ranked += sorted(close, key=lambda w: -weight[w])
    seen, out = set(), []
    for word in ranked:
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out[:limit]
