"""The one Chinese analysis pipeline (search/analysis.py) that indexing and queries share."""

import pytest

from search import analysis


@pytest.mark.parametrize(
    "text, expected",
    [
        ("學習貫徹黨的二十大精神", ["学习", "贯彻", "二十大", "党的二十大", "精神"]),  # traditional
        ("中华人民共和国", ["中华", "人民", "共和国", "中华人民共和国"]),  # search mode
        ("ＡＢＣ１２３", ["abc123"]),  # full-width, case
        ("开展“三会一课”和主题党日", ["开展", "三会一课", "主题党日"]),  # party vocabulary
    ],
)
def test_tokens_fold_segment_and_keep_party_words(text, expected):
    found = analysis.tokens(text)
    for token in expected:
        assert token in found, (token, found)


def test_punctuation_emoji_and_stop_words_are_dropped():
    assert analysis.tokens("的，。！？😀 “”") == []
    assert "的" not in analysis.tokens("党的建设")


def test_a_query_and_a_document_meet_whatever_script_they_use():
    document = set(analysis.tokens("江城市委关于学习贯彻党的二十大精神的通知"))
    for query in ["二十大", "學習貫徹", "学习", "党的二十大精神"]:
        assert set(analysis.query_terms(query)) <= document, query


@pytest.mark.parametrize("query", ["", "   ", '"*NEAR:(', "x" * 1000, "😀" * 300, "a OR b"])
def test_any_query_gives_a_bounded_list_of_terms(query):
    terms = analysis.query_terms(query)
    assert isinstance(terms, list) and len(terms) <= analysis.MAX_QUERY_TERMS
    assert all(len(t) <= analysis.MAX_QUERY_CHARS for t in terms)


@pytest.mark.parametrize(
    "typed, word, matches",
    [
        ("xuexi", "学习", True),
        ("xx", "学习", True),
        ("xuex", "学习", True),
        ("ersd", "二十大", True),
        ("esd", "二十大", True),
        ("ershida", "二十大", True),
        ("xd", "学习", False),
        ("", "学习", False),
        ("zhutidangri", "主题党日", True),
    ],
)
def test_pinyin_by_whole_syllables_or_first_letters(typed, word, matches):
    assert analysis.pinyin_matches(typed, word) is matches
