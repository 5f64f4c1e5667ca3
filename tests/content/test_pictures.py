"""Pictures on the public site (base/pictures.py, `{% picture %}`): covers on articles,
notices and directives, thumbnails in the lists, lesson posters and audiobook covers,
images in bodies. Each <img> has srcset/sizes, width/height, the image's alt text and
lazy loading (the cover on top is loaded at once); a missing file renders nothing."""

import re

import pytest
from wagtail.rich_text import RichText

from tests.content.factories import ArticleFactory, DirectiveFactory, NoticeFactory, library
from tests.factories import ImageFactory
from tests.learning.factories import AudiobookFactory, LessonFactory, learning_home
from tests.sites.factories import column

BRANCH = "da-s1-b1.localhost"


def photo(alt="党员集中学习", width=1600, height=900):
    return ImageFactory(description=alt, file__width=width, file__height=height)


def imgs(html):
    """The attributes of every <img> in `html`, as dicts."""
    return [
        dict(re.findall(r'([\w-]+)="([^"]*)"', tag)) for tag in re.findall(r"<img [^>]+>", html)
    ]


def pictures(html, role):
    return [img for img in imgs(html) if f"picture--{role}" in img.get("class", "")]


def get(client, path, host=BRANCH):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def test_an_article_shows_its_cover_responsive_with_the_image_alt_text(org_tree, client):
    news = column(org_tree["da-s1-b1"], "news")
    ArticleFactory(parent=news, slug="a1", cover=photo("支部党员在会议室学习"))
    [cover] = pictures(get(client, "/news/a1/"), "cover")
    widths = [int(w) for w in re.findall(r" (\d+)w", cover["srcset"])]
    assert widths == sorted(widths) and len(widths) >= 3 and widths[-1] == 1600
    assert cover["sizes"] and int(cover["width"]) == 1600 and int(cover["height"]) == 900
    assert cover["alt"] == "支部党员在会议室学习"
    # The cover is the first thing seen: fetched at once, never lazily.
    assert "loading" not in cover and cover["fetchpriority"] == "high"
    assert all(".webp" in part for part in cover["srcset"].split(","))


def test_a_small_cover_is_not_blown_up_and_lists_each_width_once(org_tree, client):
    news = column(org_tree["da-s1-b1"], "news")
    ArticleFactory(parent=news, slug="a1", cover=photo(width=500, height=300))
    [cover] = pictures(get(client, "/news/a1/"), "cover")
    widths = re.findall(r" (\d+)w", cover["srcset"])
    assert len(widths) == len(set(widths)) and max(int(w) for w in widths) <= 500


def test_column_lists_show_thumbnails_lazily_in_the_same_queries_for_3_or_12_items(
    org_tree, client, django_assert_max_num_queries
):
    news = column(org_tree["da-s1-b1"], "news")
    counts, made = [], 0
    for total in (3, 12):
        for n in range(made, total):
            ArticleFactory(parent=news, slug=f"a{n}", cover=photo(f"照片{n}"))
        made = total
        get(client, "/news/")  # renditions made once, as the first visitor would
        with django_assert_max_num_queries(40) as queries:
            html = get(client, "/news/")
        counts.append(len(queries))
        thumbs = pictures(html, "thumb")
        assert len(thumbs) == total
        assert all(t["loading"] == "lazy" and t["srcset"] and t["width"] for t in thumbs)
        assert {t["alt"] for t in thumbs} == {f"照片{n}" for n in range(total)}
    assert counts[0] == counts[1], counts


def test_items_without_a_cover_have_no_thumbnail_and_no_empty_frame(org_tree, client):
    news = column(org_tree["da-s1-b1"], "news")
    ArticleFactory(parent=news, slug="plain", title="没有封面的文章")
    html = get(client, "/news/")
    assert "没有封面的文章" in html and "item-thumb" not in html and "<img" not in html
    article = get(client, "/news/plain/")
    assert "page-cover" not in article and "<img" not in article


def test_an_image_file_missing_from_storage_renders_nothing_not_a_500(org_tree, client):
    news = column(org_tree["da-s1-b1"], "news")
    image = photo()
    image.file.storage.delete(image.file.name)
    ArticleFactory(parent=news, slug="lost", title="封面文件丢失", cover=image)
    html = get(client, "/news/")
    assert "封面文件丢失" in html and "<img" not in html
    article = get(client, "/news/lost/")
    assert "封面文件丢失" in article and "<img" not in article and "page-cover" not in article


def test_notices_and_directives_show_the_cover_chosen_for_the_app(deep, client):
    notices = column(deep["da"], "notices")
    NoticeFactory(parent=notices, slug="n1", app_cover=photo("通知配图"))
    [cover] = pictures(get(client, "/notices/n1/", "da.localhost"), "cover")
    assert cover["alt"] == "通知配图"
    DirectiveFactory(
        parent=library(deep["home"], "central"), slug="d1", app_cover=photo("文件配图")
    )
    [cover] = pictures(get(client, "/topics/central/d1/", "localhost"), "cover")
    assert cover["alt"] == "文件配图"
    [thumb] = pictures(get(client, "/topics/central/", "localhost"), "thumb")
    assert thumb["alt"] == "文件配图" and thumb["loading"] == "lazy"
    # The printable official document stays without it.
    assert "<img" not in get(client, "/topics/central/d1/?view=print", "localhost")


def test_images_in_rich_text_and_streamfield_bodies_are_responsive(deep, client):
    image = photo("会场全景")
    news = column(deep["da"], "news")
    ArticleFactory(
        parent=news,
        slug="a1",
        body=f'<p>开头</p><embed embedtype="image" id="{image.pk}" format="fullwidth" alt="会场"/>',
    )
    [body] = pictures(get(client, "/news/a1/", "da.localhost"), "body")
    assert body["alt"] == "会场" and body["loading"] == "lazy" and "w," in body["srcset"]
    directive = DirectiveFactory(parent=library(deep["home"], "city"), slug="d1")
    directive.body = [
        ("paragraph", RichText("<p>正文</p>")),
        ("image", {"image": image, "alt_text": "全体党员合影", "decorative": False}),
    ]
    directive.save_revision().publish()
    [body] = pictures(get(client, "/topics/city/d1/", "localhost"), "body")
    assert body["alt"] == "全体党员合影" and int(body["width"]) > 0 and body["sizes"]


def test_lessons_show_posters_and_a_lesson_without_one_still_works(org_tree, client):
    learning = learning_home(org_tree["da-s1-b1"])
    LessonFactory(parent=learning, title="有封面的微课", slug="with", poster=photo("微课封面"))
    LessonFactory(parent=learning, title="没有封面的微课", slug="without")
    listing = get(client, "/learning/")
    assert "没有封面的微课" in listing
    assert [t["alt"] for t in pictures(listing, "thumb")] == ["微课封面"]
    with_poster = get(client, "/learning/with/")
    assert re.search(r'<video [^>]*poster="[^"]+\.webp"', with_poster)
    without = get(client, "/learning/without/")
    assert "没有封面的微课" in without and "<video" in without and ".webp" not in without


def test_audiobook_cover_is_a_responsive_square(org_tree, client):
    learning = learning_home(org_tree["da-s1-b1"])
    AudiobookFactory(parent=learning, slug="book", cover=photo("读物封面", 800, 800))
    [cover] = pictures(get(client, "/learning/book/"), "square")
    assert cover["alt"] == "读物封面" and cover["width"] == cover["height"]


@pytest.mark.parametrize("role", ["thumb", "cover", "poster", "square", "body", "photo"])
def test_every_role_renders_width_height_and_srcset(db, role):
    from base.pictures import render_picture

    html = render_picture(photo(), role)
    [img] = imgs(html)
    assert img["srcset"] and img["sizes"] and int(img["width"]) and int(img["height"])
    assert render_picture(None, role) == ""


def test_an_unknown_role_is_a_template_error_not_a_silent_gap(db):
    from django.template import Context, Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template('{% load pictures %}{% picture image "huge" %}').render(
            Context({"image": photo()})
        )


def test_home_items_carry_their_thumbnails_for_the_home_cards(org_tree, django_assert_num_queries):
    """An organisation home's newest items come with their pictures loaded, so the home
    cards' thumbnails (includes/item_thumb.html) cost no query per item."""
    from django.template.loader import render_to_string

    from sites.presentation import latest_per_column

    branch = org_tree["da-s1-b1"]
    news = column(branch, "news")
    for n in range(4):
        ArticleFactory(parent=news, slug=f"h{n}", cover=photo(f"首页{n}"))
    ArticleFactory(parent=news, slug="bare")
    columns = list(branch.top_columns().specific())
    [items] = [found for found in latest_per_column(branch, columns).values() if found]
    for item in items:  # renditions made once, as the first visitor would
        render_to_string("includes/item_thumb.html", {"item": item})
    items = next(found for found in latest_per_column(branch, columns).values() if found)
    with django_assert_num_queries(0):
        html = "".join(render_to_string("includes/item_thumb.html", {"item": i}) for i in items)
    assert [t["alt"] for t in pictures(html, "thumb")] == ["首页3", "首页2", "首页1", "首页0"]
