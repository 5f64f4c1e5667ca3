"""The Chinese relevance set (search/relevance.py) over the demo portal: every query's
page in the top 10 of the city's search, and the pinyin suggestions, on SQLite and on
PostgreSQL (`make test` runs the suite on both)."""

import pytest

from search import suggest
from search.models import SearchDocument
from search.relevance import PAIRS, SUGGESTIONS, index_titles, misses

pytestmark = pytest.mark.django_db


def test_relevance_set_on_the_demo(demo):
    assert SearchDocument.objects.count() >= 80
    missed = misses(index_titles)
    recall = 1 - len(missed) / len(PAIRS)
    assert len(PAIRS) >= 40
    assert not missed, f"recall@10 {recall:.0%}; missed: {missed}"
    for typed, word in SUGGESTIONS:
        assert word in suggest.suggest(typed), (typed, word)
