"""One Chinese text pipeline for indexing and for queries, whatever the backend.

normalise: NFKC (full-width letters and digits → half-width), case folding, OpenCC
traditional → simplified (學習 → 学习). tokens: jieba in search mode (中华人民共和国 →
中华, 人民, 共和国, 中华人民共和国 …) with our party vocabulary (dictionary.txt, editable:
word, frequency, tag), without punctuation and stop words (stopwords.txt). Because the
index and the query go through the same steps, 學習 finds 学习 and 二十大 finds 党的二十大.

Pinyin for suggestions: every syllable may be typed whole or by its first letters, so
`xuexi`, `xx` and `xuex` all reach 学习, and `ersd` or `esd` reach 二十大.
"""

import functools
import logging
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 32
WORDLIKE = re.compile(r"\w", re.UNICODE)


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@functools.cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(HERE / "dictionary.txt"))
    return tokenizer


@functools.cache
def stopwords():
    return frozenset((HERE / "stopwords.txt").read_text(encoding="utf-8").split())


def normalise(text):
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _t2s().convert(text)


def tokens(text):
    """Search-mode tokens of `text`, normalised, in order, repeats kept."""
    stop = stopwords()
    return [
        token
        for token in (t.strip() for t in _jieba().cut_for_search(normalise(text)))
        if token and WORDLIKE.search(token) and token not in stop
    ]


HAN = re.compile(r"^[\u3400-\u9fff]+$")


def bigrams(token):
    return [token[i : i + 2] for i in range(len(token) - 1)]


def analyse(text):
    """The indexed form: tokens joined by spaces, plus the two-character pieces of longer
    Chinese tokens, so a partial word (初心 in 初心如磐) is found too."""
    found = tokens(text)
    extra = [b for t in found if len(t) >= 3 and HAN.match(t) for b in bigrams(t)]
    return " ".join(found + extra)


def query_terms(text):
    """The distinct tokens of a query (its first MAX_QUERY_CHARS characters), at most
    MAX_QUERY_TERMS of them; [] when nothing searchable is left. jieba splits a short
    query it has no word for into single characters (初心 → 初, 心) though it keeps the
    word in running text: runs of single Chinese characters are joined back."""
    merged = []
    for token in tokens((text or "")[:MAX_QUERY_CHARS]):
        single = len(token) == 1 and HAN.match(token)
        if single and merged and merged[-1][1]:
            merged[-1] = (merged[-1][0] + token, True)
        else:
            merged.append((token, bool(single)))
    seen = []
    for token, _ in merged:
        if token not in seen:
            seen.append(token)
    return seen[:MAX_QUERY_TERMS]


def syllables(word):
    from pypinyin import lazy_pinyin

    return [s for s in lazy_pinyin(normalise(word)) if s.isalpha()]


def pinyin_matches(typed, word):
    """Whether `typed` (latin letters) spells the start of `word`'s pinyin, each syllable
    whole or by a prefix: xuexi, xx, xuex → 学习; ersd, esd → 二十大."""
    return syllables_match(typed, syllables(word))


def syllables_match(typed, parts):
    """pinyin_matches for a word whose syllables are known already."""
    typed = re.sub(r"[^a-z]", "", (typed or "").casefold())
    if not typed or not parts:
        return False

    @functools.cache
    def match(i, j):  # typed[i:] against syllables[j:]
        if i == len(typed):
            return True
        if j == len(parts):
            return False
        syllable = parts[j]
        return any(
            typed[i : i + n] == syllable[:n] and match(i + n, j + 1)
            for n in range(min(len(syllable), len(typed) - i), 0, -1)
        )

    return match(0, 0)
