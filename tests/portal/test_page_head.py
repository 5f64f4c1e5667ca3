"""What every page's <head> says (templates/base.html): a description from the page's own
summary, Open Graph title/description/picture (absolute) for sharing into chats, the
theme colour, the favicon (and /favicon.ico answering), the print stylesheet."""

import re
from html import unescape
from pathlib import Path

from django.conf import settings

from tests.content.factories import ArticleFactory
from tests.factories import ImageFactory
from tests.sites.factories import column

BRANCH = "da-s1-b1.localhost"


def head_of(client, path, host=BRANCH):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode().split("</head>", 1)[0]


def meta(head, key):
    found = re.findall(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)"', head)
    return [unescape(value) for value in found]


def test_description_and_open_graph_come_from_the_article(org_tree, client):
    cover = ImageFactory(description="封面", file__width=1600, file__height=900)
    ArticleFactory(
        parent=column(org_tree["da-s1-b1"], "news"),
        slug="a1",
        title="支部开展主题党日活动",
        summary="全体党员重温入党誓词 & 交流学习体会。",
        cover=cover,
    )
    head = head_of(client, "/news/a1/")
    assert meta(head, "description") == ["全体党员重温入党誓词 & 交流学习体会。"]
    assert meta(head, "og:title") == ["支部开展主题党日活动"]
    assert meta(head, "og:description") == meta(head, "description")
    assert meta(head, "og:type") == ["article"]
    assert meta(head, "og:url") == [f"http://{BRANCH}/news/a1/"]
    [image] = meta(head, "og:image")
    assert image.startswith(f"http://{BRANCH}/media/images/") and image.endswith(".jpg")
    assert client.get(image.split(BRANCH, 1)[1], HTTP_HOST=BRANCH).status_code == 200
    assert meta(head, "theme-color") == ["#c8102e"]


def test_description_falls_back_to_the_promote_tab_then_the_body(org_tree, client):
    news = column(org_tree["da-s1-b1"], "news")
    ArticleFactory(parent=news, slug="s", summary="", search_description="推广说明")
    ArticleFactory(parent=news, slug="b", summary="", body="<p>正文第一句。</p><p>第二句。</p>")
    assert meta(head_of(client, "/news/s/"), "description") == ["推广说明"]
    assert meta(head_of(client, "/news/b/"), "description") == ["正文第一句。第二句。"]
    # A page with nothing to say still says what it is; no og:image without a picture.
    home = head_of(client, "/")
    [description] = meta(home, "description")
    assert org_tree["da-s1-b1"].title in description
    assert meta(home, "og:image") == [] and meta(home, "og:type") == ["website"]


def test_a_long_summary_is_cut_for_the_description(org_tree, client):
    ArticleFactory(parent=column(org_tree["da-s1-b1"], "news"), slug="long", summary="学" * 400)
    [description] = meta(head_of(client, "/news/long/"), "description")
    assert 50 < len(description) <= 120 and description.startswith("学" * 50)
    assert not description.endswith("学")  # marked as cut


def test_favicon_and_print_stylesheet_are_linked_and_answer(org_tree, client):
    head = head_of(client, "/")
    icons = dict(re.findall(r'<link rel="icon" href="([^"]+)"[^>]*?(type="[^"]+")?', head))
    assert any(href.endswith("favicon.svg") for href in icons)
    assert any(href.endswith(".png") for href in icons)
    assert re.search(r'<link rel="stylesheet" href="[^"]*print\.css" media="print">', head)
    static = Path(settings.BASE_DIR) / "static"
    for name in ["favicon.svg", "favicon.ico", "favicon-192.png", "apple-touch-icon.png"]:
        assert (static / name).stat().st_size > 100, name
    assert (static / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO
    for host in ["localhost", BRANCH]:
        response = client.get("/favicon.ico", HTTP_HOST=host)
        assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
        assert client.head("/favicon.ico", HTTP_HOST=host).status_code == 301
