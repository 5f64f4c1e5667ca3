"""The change feed (/api/v2/changes/): every public change of a page, in order, resumable
from a cursor; a page never made public never appears."""

from tests.content.factories import ArticleFactory
from tests.sites.factories import column


def test_change_feed_is_ordered_complete_and_resumable(api_get, deep):
    start = api_get("/api/v2/changes/").json()["next_cursor"]
    news = column(deep["da"], "news")
    a = ArticleFactory(parent=news, title="甲", live=False)
    b = ArticleFactory(parent=news, title="乙", live=False)
    a.save_revision().publish()
    b.save_revision().publish()
    a.refresh_from_db()
    a.unpublish()
    b.move(column(deep["da"], "notices"), pos="last-child")
    b.refresh_from_db()
    b.delete()
    draft = ArticleFactory(parent=news, title="从未发布", live=False)
    draft.move(column(deep["da"], "notices"), pos="last-child")
    draft.delete()  # never public: neither its move nor its deletion reaches the feed
    expected = [
        ("甲", "publish"),
        ("乙", "publish"),
        ("甲", "unpublish"),
        ("乙", "move"),
        ("乙", "unpublish"),  # Wagtail unpublishes a live page before deleting it
        ("乙", "delete"),
    ]
    seen, cursor = [], start
    while True:
        page = api_get("/api/v2/changes/", since=cursor, limit="2").json()
        seen += [(c["title"], c["action"]) for c in page["results"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == expected, seen
    assert api_get("/api/v2/changes/", since=cursor).json()["results"] == []
