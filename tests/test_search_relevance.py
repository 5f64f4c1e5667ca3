"""The Chinese relevance set over the demo portal: 44 everyday queries (simplified,
traditional, partial words) and where their page must rank (top 10) in the city's
search, plus pinyin suggestions. Runs on SQLite here and on PostgreSQL in
test_on_postgresql.py."""

import io

import pytest
from django.core.management import call_command

from search import query, suggest
from search.models import SearchDocument

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-2026")
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert SearchDocument.objects.count() >= 80


def test_relevance_set_on_the_demo(demo):
    missed = []
    for q, expected in PAIRS:
        found = query.search(q, limit=10)
        titles = list(
            SearchDocument.objects.filter(page_id__in=[pk for pk, _ in found.rows]).values_list(
                "title", flat=True
            )
        )
        if not any(expected in title for title in titles):
            missed.append((q, expected, titles[:3]))
    recall = 1 - len(missed) / len(PAIRS)
    assert len(PAIRS) >= 40
    assert not missed, f"recall@10 {recall:.0%}; missed: {missed}"
    for typed, word in SUGGESTIONS:
        assert word in suggest.suggest(typed), (typed, word)
