"""Chinese search on the embedded backend: partial words and traditional characters find
pages, results stay in the site's scope (own subtree + cascaded directives), drafts and
private pages never show, publishing keeps the index in step, bad queries never 500."""

import pytest
from wagtail.models import PageViewRestriction

from search import index, query
from tests.content.factories import ArticleFactory, DirectiveFactory, library
from tests.sites.factories import column

SEARCH = "/api/v2/search/"


def titles(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200, response.content
    return [r["title"] for r in response.json()["results"]]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("二十大", "关于深入学习贯彻党的二十大精神的通知"),
        ("學習貫徹", "关于深入学习贯彻党的二十大精神的通知"),  # traditional
        ("党的二十大精神", "关于深入学习贯彻党的二十大精神的通知"),
        ("主题党日", "关于开展七月主题党日活动的通知"),
        ("志愿服务", "支部志愿服务队走进敬老院"),
        ("平台", "智慧党建平台正式上线"),
        ("學習", "关于深入学习贯彻党的二十大精神的通知"),
    ],
)
def test_everyday_queries_find_their_page(client, corpus, q, expected):
    assert expected in titles(client, q=q)


def test_snippets_mark_the_words_and_facets_count(client, corpus):
    body = client.get(SEARCH, {"q": "学习贯彻"}).json()
    hit = body["results"][0]
    assert hit["title"] == corpus["city"].title and "<em>学习</em>" in hit["snippet"]
    assert hit["type"] == "directive" and hit["level"] == "city" and hit["url"]
    assert body["facets"]["type"]["directive"] >= 1


def test_a_branch_searches_its_subtree_and_the_directives_cascaded_to_it(client, corpus):
    found = titles(client, q="学习 志愿服务 主题党日 平台", org="da-s1-c1-b1")
    assert corpus["branch_news"].title in found  # its own
    assert corpus["city"].title in found and corpus["theme_day"].title in found  # from above
    assert corpus["platform"].title not in found  # another district's article
    assert corpus["other_district"].title not in titles(client, q="学习", org="da-s1-c1-b1")


def test_publishing_unpublishing_and_privacy_keep_the_index_in_step(
    client, corpus, deep, django_capture_on_commit_callbacks
):
    page = ArticleFactory(parent=column(deep["da"], "news"), title="红色家书诵读会", live=False)
    assert titles(client, q="红色家书") == []  # a draft
    page.save_revision().publish()
    assert titles(client, q="红色家书") == ["红色家书诵读会"]
    page.refresh_from_db()  # publish() worked on the revision's copy
    page.unpublish()
    assert titles(client, q="红色家书") == []
    page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's re-check
        PageViewRestriction.objects.create(page=page.get_parent(), restriction_type="login")
    assert titles(client, q="红色家书") == []


@pytest.mark.parametrize(
    "q",
    ["", "   ", '"', "*", "NEAR", "a:b", '"学习', "学习 OR", "😀😀", "x" * 1000, "学习AND二十大"],
)
def test_odd_queries_never_fail(client, corpus, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200 and isinstance(response.json()["results"], list)


def test_bad_parameters_are_400_and_queries_are_bounded(
    client, corpus, django_assert_max_num_queries
):
    assert client.get(SEARCH, {"q": "学习", "type": "x"}).status_code == 400
    assert client.get(SEARCH, {"q": "学习", "page": 0}).status_code == 400
    assert client.get(SEARCH, {"q": "学习", "org": "nowhere"}).status_code == 404
    with django_assert_max_num_queries(12):
        client.get(SEARCH, {"q": "学习", "org": "da-s1-c1-b1"})


def test_rebuild_command_shows_progress_and_counts(corpus, capsys):
    from django.core.management import call_command

    call_command("search_index", "rebuild")
    out = capsys.readouterr()
    assert "已索引 5 个页面" in out.out and "directive 3" in out.out


@pytest.mark.parametrize(
    "q, expected",
    [
        ("ersd", "二十大"),
        ("xuexi", "学习"),
        ("xx", "学习"),
        ("zhutidangri", "主题党日"),
        ("學習", "学习"),
        ("志愿", "志愿服务"),
    ],
)
def test_suggestions_from_chinese_or_pinyin(client, corpus, q, expected):
    response = client.get(f"{SEARCH}suggest/", {"q": q})
    assert response.status_code == 200
    assert expected in response.json()["suggestions"], response.json()


@pytest.mark.parametrize("q", ["", "'", "x" * 500, "😀"])
def test_odd_suggestion_requests_never_fail(client, corpus, q):
    assert client.get(f"{SEARCH}suggest/", {"q": q}).status_code == 200


def test_the_search_page_on_a_branch_site(client, corpus):
    html = client.get("/search/", {"q": "學習"}, HTTP_HOST="da-s1-c1-b1.localhost").content.decode()
    assert "一社区第一支部" in html and "找到" in html
    assert corpus["city"].title in html and "<em>学习</em>" in html
    assert corpus["other_district"].title not in html
    empty = client.get("/search/", {"q": '"*NEAR'}, HTTP_HOST="da-s1-c1-b1.localhost")
    assert empty.status_code == 200


def test_snippets_mark_words_in_traditional_text_and_escape_html():
    terms = ["学习", "cpc"]
    text = "<b>各級黨組織</b>要把學習貫徹作為首要任務，CPC members"
    snippet = query.highlight(text, terms)
    assert "<em>學習</em>" in snippet  # the page's own characters, marked for 学习
    assert "<em>CPC</em>" in snippet and "&lt;b&gt;" in snippet
    long = "无关内容。" * 40 + "学习二十大"
    cut = query.highlight(long, ["学习"], width=40)
    assert cut.startswith("…") and "<em>学习</em>" in cut and len(cut) < 60


def attach(directive, filename, data):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from content.models import DirectiveAttachment

    document = Document(title="附件", collection_id=1)
    document.file.save(filename, ContentFile(data), save=False)
    document.save()
    DirectiveAttachment.objects.create(page=directive, document=document)


def docx_bytes(*paragraphs, table=()):
    import io as _io

    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=1, cols=len(table))
        for cell, text in zip(grid.rows[0].cells, table, strict=True):
            cell.text = text
    out = _io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_directives_are_found_by_the_text_of_their_attachments(client, deep, caplog):
    from content.demo import demo_pdf

    parent = library(deep["home"], "city")
    word = DirectiveFactory(parent=parent, title="关于印发实施方案的通知")
    attach(word, "方案.docx", docx_bytes("网格化管理责任清单", table=("牵头单位", "城管执法局")))
    pdf = DirectiveFactory(parent=parent, title="关于外事接待的通知")
    attach(pdf, "notice.pdf", demo_pdf("x").getvalue())  # its text: "Demo attachment - portal"
    text = DirectiveFactory(parent=parent, title="关于报送材料的通知")
    attach(text, "名单.txt", "附件名单：先锋模范岗".encode("gb18030"))
    broken = DirectiveFactory(parent=parent, title="关于损坏附件的通知")
    attach(broken, "坏.pdf", b"%PDF-1.4 not really a pdf")
    attach(broken, "旧格式.doc", b"\xd0\xcf\x11\xe0 old word")
    index.rebuild()
    assert titles(client, q="责任清单") == [word.title]
    assert titles(client, q="城管执法局") == [word.title]  # from the table
    assert titles(client, q="attachment") == [pdf.title]
    assert titles(client, q="先锋模范岗") == [text.title]
    assert titles(client, q="损坏附件") == [broken.title]  # still indexed, without the file
    assert "附件文字读取失败" in caplog.text


def test_sqlite_starts_from_the_full_text_match_not_the_documents(corpus, deep):
    """Found by bench/search.py: with the locale and place filters SQLite chose an index
    of the documents table and asked FTS5 about every row (130 ms at 2,000 pages)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        query.search("学习 主题党日", deep["da-s1-c1-b1"])
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"]]
    if connection.vendor == "postgresql":  # (the GIN index's plan depends on table size)
        assert "d.tsv @@" in counts[0]
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + counts[0])
        plan = [row[-1] for row in cursor.fetchall()]
    assert plan[0].startswith("SCAN search_fts VIRTUAL TABLE"), plan
