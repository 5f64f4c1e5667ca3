"""The search page understands what the suggestions understand: pinyin (xuexi, xx,
ersd) and misspelt queries (a homophone typed in Chinese, a near miss in pinyin or in
Chinese) lead to results or to a 您是不是要找 link."""

import re

import pytest

from search import suggest

BRANCH = {"HTTP_HOST": "da-s1-c1-b1.localhost"}
TWENTIETH = "关于深入学习贯彻党的二十大精神的通知"


def page(client, q):
    response = client.get("/search/", {"q": q}, **BRANCH)
    assert response.status_code == 200
    return response.content.decode()


def offered(html):
    block = re.search(r'data-testid="did-you-mean">(.*?)</div>', html, re.S)
    return re.findall(r'href="\?q=[^"]*">([^<]+)</a>', block.group(1)) if block else []


@pytest.mark.parametrize(
    "q, meant, title, instead",
    [
        ("xuexi", "学习", TWENTIETH, True),
        ("xx", "学习", TWENTIETH, True),
        ("ersd", "二十大", TWENTIETH, True),
        ("zhutidangri", "主题党日", "关于开展七月主题党日活动的通知", True),
        ("学系", "学习", TWENTIETH, True),  # a homophone, as a pinyin keyboard types it
        ("zhutidnagri", "主题党日", "关于开展七月主题党日活动的通知", True),  # swapped
        # Found through a part of the word (二十, 服务), and offered the word meant:
        ("二十打", "二十大", TWENTIETH, False),
        ("志原服务", "志愿服务", "支部志愿服务队走进敬老院", False),
    ],
)
def test_pinyin_and_misspelt_queries_lead_to_results(client, corpus, q, meant, title, instead):
    html = page(client, q)
    assert offered(html)[0] == meant, offered(html)
    assert (f"下面是“{meant}”的结果" in html) is instead
    assert title in html and "找到 0 条结果" not in html


def test_a_query_that_finds_things_gets_no_suggestion(client, corpus):
    html = page(client, "主题党日")
    assert offered(html) == [] and "关于开展七月主题党日活动的通知" in html


def test_nonsense_finds_nothing_and_says_so(client, corpus):
    html = page(client, "qqqqzzzz")
    assert offered(html) == [] and "没有找到相关内容" in html
    for odd in ["'", '"*NEAR', "😀", "x" * 300, "   "]:
        assert client.get("/search/", {"q": odd}, **BRANCH).status_code == 200


def test_the_page_links_the_words_it_offers(client, corpus):
    html = page(client, "xuexi")
    assert 'href="?q=%E5%AD%A6%E4%B9%A0"' in html  # ?q=学习
    assert suggest.did_you_mean("") == [] and suggest.did_you_mean("123") == []
