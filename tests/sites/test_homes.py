"""Organisation homes aggregate their subtree (sites.presentation + the cards content,
learning and livestream register): 头条, 工作动态, 通知公告, 上级精神 · 本级文件, 学习园地,
下级组织; an empty card is hidden from visitors and becomes a prompt for editors."""

import datetime
import re

from django.utils import timezone

from sites.models import OrganisationPage
from sites.updates import refresh_content_updated_at
from tests.content.factories import ArticleFactory, DirectiveFactory, NoticeFactory, own_column
from tests.factories import ImageFactory, UserFactory
from tests.learning.factories import LessonFactory, learning_home
from tests.livestream.factories import LiveEventFactory
from tests.sites.factories import OrganisationFactory, column


def home(client, host):
    return client.get("/", HTTP_HOST=host).content.decode()


def card(html, key):
    """The text of the home card `key` (e.g. news), or None when the home leaves it out."""
    found = re.search(rf'<section [^>]*id="card-{key}".*?</section>', html, re.S)
    return found.group(0) if found else None


def article(org, slug="news", days_ago=0, **fields):
    date = timezone.now() - datetime.timedelta(days=days_ago)
    return ArticleFactory(parent=column(org, slug), date=date, **fields)


def test_city_home_shows_news_notices_and_headlines_from_the_whole_subtree(org_tree, client):
    branch = org_tree["da-s1-b1"]
    article(column(branch, "news"), slug="other", title="支部的新闻", days_ago=1)
    article(org_tree["da-s2"], title="街道的新闻", days_ago=2)
    NoticeFactory(parent=column(org_tree["da"], "notices"), title="区里的通知")
    NoticeFactory(
        parent=column(org_tree["da"], "notices"),
        title="过期的通知",
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    article(branch, slug="news", title="有封面的头条", headline=True, cover=ImageFactory())
    article(branch, slug="news", title="没封面的头条", headline=True)

    html = home(client, "localhost")
    news = card(html, "news")
    assert "支部的新闻" in news and "街道的新闻" in news
    assert news.index("有封面的头条") < news.index("支部的新闻") < news.index("街道的新闻")
    assert "一街道第一支部" in news and "甲区二街道" in news  # whose news it is
    notices = card(html, "notices")
    assert "区里的通知" in notices and "过期的通知" not in notices
    headlines = card(html, "headlines")
    assert "有封面的头条" in headlines and "没封面的头条" not in headlines
    assert "<img" in headlines
    assert "暂无内容" not in html


def test_every_link_on_a_district_home_stays_on_its_host(org_tree, client):
    item = article(org_tree["da-s1-b1"], title="支部动态一则")
    city_lesson = LessonFactory(parent=learning_home(org_tree["home"]), title="市里的微课")
    html = home(client, "da.localhost")
    assert f'href="/da-s1/da-s1-b1/news/{item.slug}/"' in card(html, "news")
    learning = card(html, "learning")
    assert "市里的微课" in learning and f'href="/learning/{city_lesson.slug}/"' in learning


def test_learning_card_joins_own_and_upper_lessons_and_coming_live_events(org_tree, client):
    LessonFactory(parent=learning_home(org_tree["home"]), title="市里的微课")
    LessonFactory(parent=learning_home(org_tree["da-s1-b1"]), title="支部自己的微课")
    LessonFactory(parent=learning_home(org_tree["da-s2-b1"]), title="别的支部的微课")
    LiveEventFactory(parent=learning_home(org_tree["home"]), title="将要开始的直播")
    LiveEventFactory(
        parent=learning_home(org_tree["home"]),
        title="早已结束的直播",
        starts_in=-datetime.timedelta(days=2),
    )
    learning = card(home(client, "da-s1-b1.localhost"), "learning")
    assert "市里的微课" in learning and "支部自己的微课" in learning
    assert "别的支部的微课" not in learning and "早已结束的直播" not in learning
    assert learning.index("将要开始的直播") < learning.index("市里的微课")
    assert "未开始" in learning


def test_superiors_and_own_directives_share_one_card(org_tree, client):
    DirectiveFactory(parent=own_column(org_tree["da"]), title="区委文件")
    DirectiveFactory(parent=own_column(org_tree["da-s1"]), title="街道本级文件")
    DirectiveFactory(parent=own_column(org_tree["da-s2"]), title="别的街道文件")
    directives = card(home(client, "da-s1.localhost"), "directives")
    assert "区委文件" in directives and "街道本级文件" in directives
    assert "别的街道文件" not in directives


def published(page):
    """Publish `page` as an editor does (the factories only add it to the tree)."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_child_organisations_with_their_last_update(org_tree, client):
    published(article(org_tree["da-s1-b1"], title="新近的", days_ago=3))
    html = card(home(client, "da.localhost"), "children")
    updated = timezone.localdate().strftime("%Y-%m-%d")  # when it was published
    first, second = re.findall(r'<li class="child-list__item">.*?</li>', html, re.S)
    assert "甲区一街道" in first and f'datetime="{updated}"' in first
    assert "甲区二街道" in second and "尚未更新" in second


def test_publishing_moves_the_update_date_of_every_organisation_above_only(deep):
    item = published(ArticleFactory(parent=column(deep["da-s1-c1-b1"], "news")))
    dates = dict(OrganisationPage.objects.values_list("code", "content_updated_at"))
    above = ["da-s1-c1-b1", "da-s1-c1", "da-s1", "da", deep["home"].code]
    assert {dates[code] for code in above} == {item.last_published_at}
    assert dates["da-s1-c2"] is None and dates["db"] is None and dates["db-s1"] is None

    # A later publish in a sibling moves the shared ancestors, not the first branch.
    later = published(NoticeFactory(parent=column(deep["da-s1-c2"], "notices")))
    dates = dict(OrganisationPage.objects.values_list("code", "content_updated_at"))
    assert dates["da-s1-c2"] == dates["da-s1"] == dates["da"] == later.last_published_at
    assert dates["da-s1-c1"] == dates["da-s1-c1-b1"] == item.last_published_at


def test_refreshing_dates_the_organisations_from_the_tree(deep):
    item = published(ArticleFactory(parent=column(deep["db-s1"], "news")))
    OrganisationPage.objects.update(content_updated_at=None)  # e.g. pages bulk-imported
    assert refresh_content_updated_at() == 3  # 乙区一街道, 乙区 and the city
    dates = dict(OrganisationPage.objects.values_list("code", "content_updated_at"))
    assert dates["db-s1"] == dates["db"] == dates[deep["home"].code] == item.last_published_at
    assert dates["da"] is None
    assert refresh_content_updated_at() == 0


def test_empty_cards_are_hidden_from_visitors_and_a_prompt_for_editors(org_tree, client):
    branch = org_tree["da-s1-b1"]
    disclosure = column(branch, "disclosure")
    assert card(home(client, "da-s1-b1.localhost"), f"column-{disclosure.pk}") is None

    other = UserFactory(username="other-editor", groups=["da-s2-b1:editors"])
    client.force_login(other)
    assert card(home(client, "da-s1-b1.localhost"), f"column-{disclosure.pk}") is None

    editor = UserFactory(username="own-editor", groups=["da-s1-b1:editors"])
    client.force_login(editor)
    prompt = card(home(client, "da-s1-b1.localhost"), f"column-{disclosure.pk}")
    assert f"/admin/pages/{disclosure.pk}/add_subpage/" in prompt
    assert "发布第一条" in prompt


def test_a_branch_home_shows_its_own_columns(org_tree, client):
    branch = org_tree["da-s1-b1"]
    article(column(branch, "news"), slug="other", title="本支部的动态")
    html = home(client, "da-s1-b1.localhost")
    assert card(html, "news") is None  # no subtree card: its own 支部动态 column instead
    assert "本支部的动态" in card(html, f"column-{column(branch, 'news').pk}")


def count_queries(client, host, django_assert_max_num_queries):
    home(client, host)  # once per process: locales, site index
    with django_assert_max_num_queries(60) as captured:
        assert "<html" in home(client, host)
    return len(captured.captured_queries)


def grow(org_tree):
    """30 more branches with news, notices, headlines, lessons and live events."""
    branches = OrganisationFactory.create_batch(30, parent=org_tree["da-s1"], kind="branch")
    for n, branch in enumerate(branches):
        article(branch, title=f"动态{n}", headline=n % 3 == 0, cover=ImageFactory())
        NoticeFactory(parent=column(branch, "notices"))
        LessonFactory(parent=learning_home(branch))
    for _ in range(5):
        LessonFactory(parent=learning_home(org_tree["home"]))
        LiveEventFactory(parent=learning_home(org_tree["home"]))
        DirectiveFactory(parent=own_column(org_tree["da"]))


def test_home_query_counts_do_not_grow_with_the_tree(
    org_tree, client, django_assert_max_num_queries
):
    hosts = ["localhost", "da.localhost", "da-s1.localhost", "da-s1-b1.localhost"]
    # Every card has something in the small tree already (so both count the same rows'
    # types), then the tree grows sixfold.
    article(org_tree["da-s1-b1"], headline=True, cover=ImageFactory())
    NoticeFactory(parent=column(org_tree["da-s1-b1"], "notices"))
    LessonFactory(parent=learning_home(org_tree["home"]))
    LiveEventFactory(parent=learning_home(org_tree["home"]))
    small = {host: count_queries(client, host, django_assert_max_num_queries) for host in hosts}
    grow(org_tree)
    for host in hosts:
        home(client, host)  # the new headlines' cover renditions are made once
        with django_assert_max_num_queries(small[host]):
            home(client, host)


def test_more_of_a_subtree_card_lists_the_whole_subtree_page_by_page(org_tree, client):
    for n in range(25):
        article(org_tree["da-s1-b1"], title=f"支部动态{n:02d}", days_ago=n)
    own = article(org_tree["da"], title="区里自己的动态", days_ago=30)
    news_card = card(home(client, "da.localhost"), "news")
    assert 'href="/news/?scope=subtree"' in news_card

    first = client.get("/news/", {"scope": "subtree"}, HTTP_HOST="da.localhost").content.decode()
    assert "支部动态00" in first and "支部动态19" in first and "支部动态20" not in first
    assert "一街道第一支部" in first  # whose it is
    assert 'href="?scope=subtree&amp;page=2"' in first
    second = client.get(
        "/news/", {"scope": "subtree", "page": "2"}, HTTP_HOST="da.localhost"
    ).content.decode()
    assert "支部动态24" in second and own.title in second
    only_own = client.get("/news/", HTTP_HOST="da.localhost").content.decode()
    assert own.title in only_own and "支部动态00" not in only_own
    for page in ("999", "x"):
        response = client.get(
            "/news/", {"scope": "subtree", "page": page}, HTTP_HOST="da.localhost"
        )
        assert response.status_code == 200
