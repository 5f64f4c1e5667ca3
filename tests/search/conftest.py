"""What the search tests share: a few pages across the deep tree, indexed."""

from search import index
from tests.content.factories import ArticleFactory, DirectiveFactory, library, own_column
from tests.shared_data import shared_fixture
from tests.sites.factories import column


@shared_fixture
def corpus(deep):
    city = DirectiveFactory(
        parent=library(deep["home"], "city"),
        title="关于深入学习贯彻党的二十大精神的通知",
        summary="各级党组织要把学习贯彻党的二十大精神作为首要政治任务。",
    )
    theme_day = DirectiveFactory(
        parent=own_column(deep["da"]),
        title="关于开展七月主题党日活动的通知",
        summary="各支部结合实际开展主题党日。",
    )
    other_district = DirectiveFactory(parent=own_column(deep["db"]), title="乙区学习安排")
    branch_news = ArticleFactory(
        parent=column(deep["da-s1-c1-b1"], "news"),
        title="支部志愿服务队走进敬老院",
        summary="党员志愿服务暖人心。",
    )
    platform = ArticleFactory(
        parent=column(deep["db-s1"], "news"), title="智慧党建平台正式上线", summary="平台上线。"
    )
    index.rebuild()
    return {
        "city": city,
        "theme_day": theme_day,
        "other_district": other_district,
        "branch_news": branch_news,
        "platform": platform,
    }
