"""The ranking page: standard competition ranking (1, 1, 3) from the database, names
masked for the public and full for members of the same district (as the setting says),
the scope chain to choose from, branches named with their parents in a constant number
of queries, the viewer's own row, and an empty ranking that says so."""

import re

import pytest

from learning import points, rankings
from tests.learning.factories import MemberFactory
from tests.sites.factories import provision_tree

URL = "/learning/ranking/"


def earn(user, lessons):
    for n in range(lessons):
        points.award(user, "lesson_done", f"lesson:{n}")


def names_shown(html):
    return re.findall(r'data-testid="member-name">([^<]*)<', html)


def ranks_shown(html):
    return [int(r) for r in re.findall(r'class="rank-badge[^"]*">(\d+)<', html)]


@pytest.fixture
def members(deep):
    """张小静 and 李四 tied in 一社区第一支部, 王五 behind them in 一街道二社区, 赵六 in 乙区."""
    b1, c2, other = deep["da-s1-c1-b1"], deep["da-s1-c2"], deep["db-s1"]
    people = {
        "张小静": MemberFactory(branch=b1, name="张小静", username="zxj"),
        "李四": MemberFactory(branch=b1, name="李四", username="ls"),
        "王五": MemberFactory(branch=c2, name="王五", username="ww"),
        "赵六": MemberFactory(branch=other, name="赵六", username="zl"),
    }
    for name, lessons in [("张小静", 3), ("李四", 3), ("王五", 1), ("赵六", 2)]:
        earn(people[name], lessons)
    return people


def test_mask_name_keeps_the_first_and_last_character():
    assert rankings.mask_name("张小静") == "张*静"
    assert rankings.mask_name("张静") == "张*"
    assert rankings.mask_name("欧阳明月") == "欧**月"
    assert rankings.mask_name("") == "*"


def test_ties_share_a_rank_computed_by_the_database(members, deep):
    rows = points.leaderboard(deep["home"], "members", "week")
    assert [(r["name"], r["points"], r["rank"]) for r in rows] == [
        ("张小静", 30, 1),
        ("李四", 30, 1),
        ("赵六", 20, 3),
        ("王五", 10, 4),
    ]
    # Branch averages: b1 (30 + 30) / 2 = 30, db-s1 20, c2 10 — and a tie among branches.
    earn(MemberFactory(branch=deep["da-s1"], name="孙七", username="sq"), 3)
    branches = points.leaderboard(deep["home"], "branches", "week")
    tied = sorted([deep["da-s1-c1-b1"].pk, deep["da-s1"].pk])  # a tie lists by id
    assert [(r["branch_id"], r["rank"]) for r in branches] == [
        (tied[0], 1),
        (tied[1], 1),
        (deep["db-s1"].pk, 3),
        (deep["da-s1-c2"].pk, 4),
    ]


def test_the_public_sees_masked_names_and_the_same_ranks(client, members):
    html = client.get(URL, {"org": "da"}).content.decode()
    assert names_shown(html) == ["张*静", "李*", "王*"]
    assert ranks_shown(html) == [1, 1, 3]
    assert "张小静" not in html and "李四" not in html
    assert "部分隐藏" in html


@pytest.mark.parametrize(
    "policy, viewer",
    [("district", "李四"), ("district", "赵六"), ("city", "赵六"), ("never", "李四")],
)
def test_full_names_only_for_members_the_setting_allows(
    client, members, deep, settings, policy, viewer
):
    settings.PORTAL_RANKING_FULL_NAMES = policy
    client.force_login(members[viewer])
    html = client.get(URL, {"org": deep["home"].code}).content.decode()
    same_district = {"李四": {"张小静", "李四", "王五"}, "赵六": {"赵六"}}[viewer]
    expected = {
        real
        if real == viewer or policy == "city" or (policy == "district" and real in same_district)
        else rankings.mask_name(real)
        for real in members
    }
    assert set(names_shown(html)) == expected


def test_a_member_gets_the_scope_chain_and_their_own_row(client, members, deep):
    client.force_login(members["李四"])
    html = client.get(URL).content.decode()  # default: the member's own branch
    chain = re.search(r'data-testid="org-choices">(.*?)</ul>', html, re.S).group(1)
    labels = re.findall(r">([^<>]+)</a>", chain)
    assert labels == ["我的支部", "本社区", "本街道", "本区", "全市"]
    assert re.search(r'aria-current="page">我的支部<', chain)
    assert set(names_shown(html)) == {"张小静", "李四"}
    row = re.search(r'<tr class="[^"]*ranking-table__row--mine[^"]*"[^>]*>(.*?)</tr>', html, re.S)
    assert row and "李四" in row.group(1) and "张小静" not in row.group(1)
    # 王五 is third in the district, and still highlighted there; the period is marked.
    client.force_login(members["王五"])
    html = client.get(URL, {"org": "da", "period": "month"}).content.decode()
    assert re.search(r'aria-current="page">本区<', html)
    assert re.search(r'aria-current="page">本月<', html)
    mine = re.search(r"ranking-table__row--mine.*?rank-badge[^>]*>(\d+)<", html, re.S)
    assert mine.group(1) == "3"


def test_a_member_below_the_shown_rows_is_told_their_rank(client, members, deep):
    assert len(points.leaderboard(deep["home"], "members", "week", limit=2)) == 2
    assert points.member_rank(deep["home"], members["王五"], "week") == (4, 10)
    assert points.member_rank(deep["home"], members["赵六"], "week") == (3, 20)


def test_branches_are_named_with_their_parents_in_constant_queries(
    client, home, django_assert_max_num_queries
):
    csv = "code,parent_code,name,kind\nqa,,青山区,district\nqa-s,qa,和平街道,street\n"
    csv += "".join(
        f"qa-c{n},qa-s,银河{n}社区,community\nqa-c{n}-b,qa-c{n},第一党支部,branch\n"
        for n in range(6)
    )
    orgs = provision_tree(csv, home)

    def ranking_with(start, branches):
        for n in range(start, branches):
            user = MemberFactory(branch=orgs[f"qa-c{n}-b"], name=f"党员{n}号", username=f"q{n}")
            earn(user, 1 + n % 3)
        with django_assert_max_num_queries(12) as captured:
            response = client.get(URL, {"org": "qa", "scope": "branches"})
        assert response.status_code == 200
        return response.content.decode(), len(captured.captured_queries)

    html, few = ranking_with(0, 2)
    assert "青山区 · 银河0社区第一党支部" in html and "银河1社区第一党支部" in html
    html, many = ranking_with(2, 6)
    assert many == few
    names = re.findall(r'data-testid="branch-name">([^<]*)<', html)
    assert len(set(names)) == 6 and all(n.startswith("青山区 · 银河") for n in names)
    members_html = client.get(URL, {"org": "qa"}).content.decode()
    assert "青山区 · 银河5社区第一党支部（和平街道）" in members_html


def test_an_empty_ranking_and_bad_parameters_render_a_page(client, org_tree):
    response = client.get(URL, {"org": "da", "scope": "nobody", "period": "decade"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="empty-ranking"' in html
    assert re.search(r'aria-current="page">党员榜<', html)
    assert client.get(URL, {"org": "nowhere"}).status_code == 404
    assert client.get(URL, {"org": "x" * 500}).status_code == 404


def test_titles_that_repeat_their_parents_are_shortened():
    demo = ["东湖区", "东湖区和平街道", "和平街道银河社区", "银河社区第一党支部"]
    assert rankings.short_names(demo) == ["东湖区", "和平街道", "银河社区", "第一党支部"]
    orgs = rankings.Organisations(
        {
            "0001": ("江城市", "city", "jc"),
            "00010001": ("东湖区", "district", "dh"),
            "000100010001": ("东湖区和平街道", "street", "hp"),
            "0001000100010001": ("和平街道银河社区", "community", "yh"),
            "00010001000100010001": ("银河社区第一党支部", "branch", "d1"),
        }
    )
    assert orgs.branch_label("00010001000100010001") == ("东湖区 · 银河社区第一党支部", "和平街道")
    assert orgs.branch_label("0001000100010001") == ("东湖区 · 和平街道银河社区", "")
    assert orgs.branch_label("00010001") == ("东湖区", "")
    assert orgs.district_of("00010001000100010001") == "00010001"
