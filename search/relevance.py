"""The relevance set: 44 everyday queries members type (simplified, traditional, partial
words) and the page each must bring into the top 10 of the city's search over the demo
portal, plus pinyin suggestions. Used by tests/search/test_relevance.py (SQLite and
PostgreSQL), the Elasticsearch test and bench/search.py."""

D = "（演示）"
PAIRS = [
    # directives (the city's library and a district's)
    ("主题教育", f"关于在全党深入开展主题教育的通知{D}"),
    ("主題教育", f"关于在全党深入开展主题教育的通知{D}"),
    ("基层党组织建设", f"关于加强基层党组织建设的意见{D}"),
    ("基層黨組織", f"关于加强基层党组织建设的意见{D}"),
    ("三会一课", f"关于推进“三会一课”制度化规范化的通知{D}"),
    ("三會一課", f"关于推进“三会一课”制度化规范化的通知{D}"),
    ("制度化规范化", f"关于推进“三会一课”制度化规范化的通知{D}"),
    ("二十大", f"关于学习贯彻党的二十大精神的实施方案{D}"),
    ("二十大精神", f"关于学习贯彻党的二十大精神的实施方案{D}"),
    ("實施方案", f"关于学习贯彻党的二十大精神的实施方案{D}"),
    ("提升年", f"关于开展基层组织建设提升年活动的通知{D}"),
    ("党员教育管理", f"关于加强党员教育管理的若干措施{D}"),
    ("黨員教育", f"关于加强党员教育管理的若干措施{D}"),
    ("若干措施", f"关于加强党员教育管理的若干措施{D}"),
    ("手机+党支部", f"关于推进“手机+党支部”平台建设的通知{D}"),
    ("平台建设", f"关于推进“手机+党支部”平台建设的通知{D}"),
    ("主题党日", f"关于开展主题党日活动的指导意见{D}"),
    ("指導意見", f"关于开展主题党日活动的指导意见{D}"),
    ("软弱涣散", f"关于整顿软弱涣散基层党组织的工作方案{D}"),
    ("軟弱渙散", f"关于整顿软弱涣散基层党组织的工作方案{D}"),
    ("志愿服务月", f"关于东湖区开展党员志愿服务月活动的通知{D}"),
    # micro-lessons
    ("学习贯彻", "学习贯彻党的二十大精神"),
    ("红色家书", "一封红色家书"),
    ("紅色家書", "一封红色家书"),
    ("初心", "初心如磐 使命在肩"),
    ("使命在肩", "初心如磐 使命在肩"),
    ("新发展理念", "新发展理念是什么"),
    ("新發展理念", "新发展理念是什么"),
    ("动画", "动画：主题党日这样过"),
    ("三会一课怎么开", "“三会一课”怎么开"),
    # audiobooks (title, narrator and chapters)
    ("党史故事", "党史故事百讲（选读）"),
    ("黨史", "党史故事百讲（选读）"),
    ("党章", "党章学习有声读本"),
    ("有声读本", "党章学习有声读本"),
    ("長征精神", "党史故事百讲（选读）"),
    ("星火燎原", "党史故事百讲（选读）"),
    # branch news (many branches share a title: any of them)
    ("两学一做", "开展“两学一做”专题学习"),
    ("兩學一做", "开展“两学一做”专题学习"),
    ("专题学习", "开展“两学一做”专题学习"),
    ("支部党员大会", "召开“三会一课”支部党员大会"),
    ("走进社区", "党员志愿服务队走进社区"),
    ("志願服務隊", "党员志愿服务队走进社区"),
    ("锦绣社区", "锦绣社区"),
    ("銀河社區", "银河社区"),
]
SUGGESTIONS = [
    ("ersd", "二十大"),
    ("xuexi", "学习"),
    ("lxyz", "两学一做"),
    ("zhutidangri", "主题党日"),
]


def misses(search, pairs=PAIRS, k=10):
    """The pairs whose page is not among the first `k` titles `search(q, k)` returns, as
    (query, expected, first three titles)."""
    missed = []
    for q, expected in pairs:
        titles = search(q, k)
        if not any(expected in title for title in titles):
            missed.append((q, expected, titles[:3]))
    return missed


def index_titles(q, k):
    """The portal's own search (whichever backend is configured), as titles."""
    from .models import SearchDocument
    from .query import search

    ids = [pk for pk, _ in search(q, limit=k).rows]
    titles = dict(SearchDocument.objects.filter(page_id__in=ids).values_list("page_id", "title"))
    return [titles[pk] for pk in ids]
