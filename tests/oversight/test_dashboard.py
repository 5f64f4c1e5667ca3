"""The 监督 dashboard: children with their status and figures from the stored rows,
drilling down, filters and sorting, isolation, the first computation, 立即刷新, the
trend, the 僵尸 list, the ranking and the exports — in a constant number of queries."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from oversight import dashboard, scores
from oversight.models import OrganisationScore
from tests.factories import UserFactory
from tests.sites.factories import provision_tree

from .conftest import BRANCH, DISTRICT, SIBLING, STREET

pytestmark = pytest.mark.django_db
URL = "/admin/oversight/"
TODAY = datetime.date(2026, 10, 12)


def rows_of(html):
    """{organisation code: the row's HTML} of the children table."""
    if 'data-testid="children"' not in html:
        return {}
    body = html.split('data-testid="children"', 1)[1].split("</table>", 1)[0]
    found = {}
    for chunk in body.split('<tr data-org="')[1:]:
        code, rest = chunk.split('"', 1)
        found[code] = rest.split("</tr>", 1)[0]
    return found


def test_the_district_sees_its_streets_with_status_and_figures(watched, signed_in):
    response = signed_in(DISTRICT).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(html)
    assert list(rows) == [STREET, "da-s2"]
    # The streets never posted themselves (僵尸); below them, da-s2's branch is one too.
    assert 'data-status="zombie"' in rows[STREET] and "从未更新" in rows[STREET]
    assert f"?org={STREET}" in rows[STREET]
    assert "1 / " in rows[STREET] and "2 / " in rows["da-s2"]
    assert "数据计算于 2026年10月12日" in html
    assert 'data-testid="trend"' in html and "王静" in html and "028-12345678" in html


def test_drilling_down_shows_the_branches_of_a_street(watched, signed_in):
    html = signed_in(DISTRICT).get(URL, {"org": "da-s2"}).content.decode()
    assert f'href="{URL}?org={DISTRICT}"' in html  # the breadcrumbs lead back up
    rows = rows_of(html)
    assert list(rows) == [SIBLING]
    assert 'data-status="zombie"' in rows[SIBLING] and "僵尸" in rows[SIBLING]
    assert "从未更新" in rows[SIBLING]
    # The branch that posted on 10 October, two days ago, is not.
    branch = rows_of(signed_in(DISTRICT).get(URL, {"org": STREET}).content.decode())[BRANCH]
    assert "2026年10月10日" in branch and "2 天前" in branch
    assert 'data-status="zombie"' not in branch


@pytest.mark.parametrize("code", [DISTRICT, "da-s2", SIBLING, "nosuchorg"])
def test_a_street_editor_gets_404_outside_its_subtree(watched, signed_in, code):
    assert signed_in(STREET).get(URL, {"org": code}).status_code == 404


def test_the_street_sees_its_own_branch_by_default(watched, signed_in):
    assert list(rows_of(signed_in(STREET).get(URL).content.decode())) == [BRANCH]


def test_someone_of_no_organisation_gets_the_403_page_and_anonymous_the_login(watched, client):
    assert client.get(URL).status_code == 302
    nobody = UserFactory(username="nobody")
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    response = client.get(URL)
    assert response.status_code == 403 and "只有组织的编辑和审核员" in response.content.decode()


def test_the_summary_counts_children_by_status(watched, signed_in):
    html = signed_in(DISTRICT).get(URL, {"org": "da-s2"}).content.decode()
    summary = html.split('data-testid="summary"', 1)[1].split("</section>", 1)[0]
    boxes = dict(
        (chunk.split('"', 1)[0], chunk.split('ov-box__count">', 1)[1].split("<", 1)[0])
        for chunk in summary.split('data-status="')[1:]
    )
    assert boxes == {"ok": "0", "due": "0", "overdue": "0", "zombie": "1"}


def test_filters_and_sorting(watched, signed_in):
    client = signed_in(DISTRICT)
    zombie_only = rows_of(client.get(URL, {"org": "da-s2", "status": "zombie"}).content.decode())
    assert list(zombie_only) == [SIBLING]
    ok_only = rows_of(client.get(URL, {"org": "da-s2", "status": "ok"}).content.decode())
    assert ok_only == {}
    # A kind below the children: every organisation of that kind in the subtree.
    branches = client.get(URL, {"kind": "branch"}).content.decode()
    assert list(rows_of(branches)) == [BRANCH, SIBLING]
    assert "甲区一街道 · 党支部" in branches and "甲区二街道 · 党支部" in branches
    assert (
        "没有符合筛选条件的下级组织"
        in client.get(URL, {"org": "da-s2", "kind": "street"}).content.decode()
    )
    best_first = list(rows_of(client.get(URL, {"sort": "-score"}).content.decode()))
    worst_first = list(rows_of(client.get(URL, {"sort": "score"}).content.decode()))
    assert best_first == list(reversed(worst_first)) and best_first[0] == STREET
    by_compliance = {"sort": "compliance", "org": STREET}
    assert list(rows_of(client.get(URL, by_compliance).content.decode())) == [BRANCH]
    branches = {"org": STREET, "sort": "-quiet"}
    assert list(rows_of(client.get(URL, branches).content.decode())) == [BRANCH]
    names = list(rows_of(client.get(URL, {"sort": "-name"}).content.decode()))
    assert names == ["da-s2", STREET]  # 甲区二街道 after 甲区一街道 in code-point order


def test_an_unknown_filter_is_a_chinese_error_not_a_500(watched, signed_in):
    response = signed_in(DISTRICT).get(URL, {"status": "stale", "sort": "x", "format": "pdf"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "状态：" in html and "导出格式应为 csv 或 xlsx" in html
    assert list(rows_of(html)) == [STREET, "da-s2"]  # the filters are left out


def test_a_fresh_install_computes_a_small_subtree_in_the_request(aged_tree, at, signed_in):
    at(2026, 10, 12)
    assert not OrganisationScore.objects.exists()
    html = signed_in(DISTRICT).get(URL).content.decode()
    assert list(rows_of(html)) == [STREET, "da-s2"] and 'data-testid="computing"' not in html
    assert (
        OrganisationScore.objects.filter(period="month", starts=datetime.date(2026, 10, 1)).count()
        == 5
    )


def test_a_big_subtree_without_rows_is_left_to_the_worker(aged_tree, at, signed_in, monkeypatch):
    at(2026, 10, 12)
    queued = []
    monkeypatch.setattr(dashboard, "INLINE_LIMIT", 2)
    monkeypatch.setattr(
        "oversight.tasks.refresh_subtree",
        SimpleNamespace(enqueue=queued.append),
    )
    client = signed_in(DISTRICT)
    html = client.get(URL).content.decode()
    assert 'data-testid="computing"' in html and "正在计算" in html
    assert queued == [aged_tree[DISTRICT].pk] and not OrganisationScore.objects.exists()
    assert "尚未计算" in rows_of(html)[STREET]
    client.get(URL)
    assert queued == [aged_tree[DISTRICT].pk]  # queued once, not on every view
    client.get(URL, {"org": STREET})  # 2 organisations: computed in the request
    assert OrganisationScore.objects.filter(organisation=aged_tree[STREET]).exists()


def test_refresh_is_a_post_with_csrf_that_queues_the_scope(watched, monkeypatch):
    from tests.orglife.factories import role_user

    queued = []
    monkeypatch.setattr(
        "oversight.dashboard_views.tasks",
        SimpleNamespace(refresh_subtree=SimpleNamespace(enqueue=queued.append)),
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(role_user(DISTRICT, "editors"))
    page = client.get(URL, {"org": STREET}).content.decode()
    assert "立即刷新" in page
    assert client.post(f"{URL}refresh/", {"org": STREET}).status_code == 403  # no token
    token = client.cookies["csrftoken"].value
    response = client.post(f"{URL}refresh/", {"org": STREET, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == f"{URL}?org={STREET}"
    assert queued == [watched[STREET].pk]
    assert client.get(f"{URL}refresh/").status_code == 405
    outside = client.post(f"{URL}refresh/", {"org": "nosuch", "csrfmiddlewaretoken": token})
    assert outside.status_code == 404


def test_the_trend_has_twelve_months_of_updates_and_compliance(watched):
    trend = dashboard.trend(watched[DISTRICT], TODAY)
    months = [m for m, _n, _c in trend.months]
    assert months[0] == datetime.date(2025, 11, 1) and months[-1] == datetime.date(2026, 10, 1)
    updates = {m.month: n for m, n, _c in trend.months}
    assert updates[10] == 2 and updates[5] == 1 and updates[9] == 0
    # Compliance only where a stored month row exists (October, and September's final row).
    shares = {m.month: c for m, c in ((m, c) for m, _n, c in trend.months) if c is not None}
    row = OrganisationScore.objects.get(
        organisation=watched[DISTRICT], period="month", starts=datetime.date(2026, 10, 1)
    )
    assert shares[10] == round(100 * row.compliance, 1) and set(shares) == {9, 10}
    assert len(trend.chart.bars) == 12 and len(trend.dots) == 2 and trend.line.count(",") == 2


def test_the_zombie_list_names_parent_editors_and_phone(watched, signed_in):
    page = dashboard.zombies(watched[DISTRICT], TODAY)
    # The district and its streets never posted either; the branch that did is not listed.
    assert {z["code"] for z in page} == {DISTRICT, STREET, "da-s2", SIBLING}
    zombie = next(z for z in page if z["code"] == SIBLING)
    assert (zombie["code"], zombie["parent"], zombie["phone"]) == (
        SIBLING,
        "甲区二街道",
        "028-12345678",
    )
    assert [e["email"] for e in zombie["editors"]] == ["quiet@example.org"]
    assert zombie["days_quiet"] == (TODAY - datetime.date(2025, 1, 1)).days
    html = signed_in(DISTRICT).get(f"{URL}zombies/").content.decode()
    assert "quiet@example.org" in html and "二街道第一支部" in html
    assert signed_in(DISTRICT).get(f"{URL}zombies/", {"p": 9}).status_code == 404
    street = signed_in(STREET).get(f"{URL}zombies/").content.decode()
    assert "quiet@example.org" not in street and "二街道第一支部" not in street


def grow(tree, branches):
    rows = ["code,parent_code,name,kind", "da-s3,da,甲区三街道,street"]
    for n in range(branches):
        rows.append(f"da-s3-x{n},da-s3,新支部{n},branch")
        rows.append(f"da-s9-{n},da,新街道{n},street")
    return provision_tree("\n".join(rows) + "\n", tree["home"])


def count_queries(client, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(*args, **kwargs)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_takes_the_same_queries_at_any_size(watched, signed_in):
    client = signed_in(DISTRICT)
    client.get(URL)  # warm the session and the caches
    small = count_queries(client, URL)
    small_ranking = count_queries(client, f"{URL}ranking/")
    grow(watched, 25)
    scores.refresh(watched["home"])
    client.get(URL)
    html = client.get(URL).content.decode()
    assert len(rows_of(html)) == 28
    assert count_queries(client, URL) == small
    assert count_queries(client, f"{URL}ranking/") == small_ranking
    view_queries = CaptureQueriesContext(connection)
    with view_queries:
        dashboard.overview(watched[DISTRICT], TODAY)
    assert len(view_queries) == 3


# --- ranking -------------------------------------------------------------------------


def test_the_ranking_orders_the_branches_by_score(watched, signed_in):
    ranked = dashboard.ranking(watched["home"], "month", datetime.date(2026, 10, 1))
    assert [r.code for r in ranked] == [BRANCH, SIBLING]
    assert ranked[0].rank == 1 and ranked[0].score > (ranked[1].score or 0)
    assert ranked[0].parent == "甲区一街道"
    html = signed_in(DISTRICT).get(f"{URL}ranking/", {"period": "year"}).content.decode()
    assert "2026 年度积分排名" in html
    body = html.split('data-testid="ranking"', 1)[1]
    assert body.index(BRANCH) < body.index(SIBLING)


def test_the_ranking_page_is_paginated_and_its_export_is_whole(watched, signed_in, monkeypatch):
    from oversight import dashboard_views

    monkeypatch.setattr(dashboard_views, "RANKING_PER_PAGE", 1)
    client = signed_in(DISTRICT)
    first = client.get(f"{URL}ranking/").content.decode()
    second = client.get(f"{URL}ranking/", {"p": 2}).content.decode()
    assert f'data-org="{BRANCH}"' in first and f'data-org="{SIBLING}"' not in first
    assert f'data-org="{SIBLING}"' in second
    assert client.get(f"{URL}ranking/", {"p": 3}).status_code == 404
    exported = client.get(f"{URL}ranking/", {"format": "csv"}).content.decode("utf-8-sig")
    assert len(exported.strip().splitlines()) == 3  # the headers and both branches


def test_equal_scores_share_a_rank(watched):
    OrganisationScore.objects.filter(period="month").update(score=50)
    ranked = dashboard.ranking(watched["home"], "month", datetime.date(2026, 10, 1))
    assert [r.rank for r in ranked] == [1, 1]


def test_a_bad_month_is_a_chinese_error(watched, signed_in):
    client = signed_in(DISTRICT)
    for month in ("2026-13", "abc", "2030-01"):
        response = client.get(f"{URL}ranking/", {"month": month})
        assert response.status_code == 200 and 'data-testid="errors"' in response.content.decode()
        assert "月份" in response.content.decode()
    earlier = client.get(f"{URL}ranking/", {"month": "2026-09"}).content.decode()
    assert "2026 年 9 月积分排名" in earlier


# --- exports -------------------------------------------------------------------------


def test_the_children_table_exports_as_csv_and_excel(watched, signed_in):
    client = signed_in(DISTRICT)
    response = client.get(URL, {"org": "da-s2", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["组织", "代码", "类型", "状态"]
    assert lines[1][:4] == ["二街道第一支部", SIBLING, "党支部", "僵尸"]
    assert "<" not in response.content.decode()
    book = load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content))
    sheet = book.worksheets[0]
    values = list(sheet.values)
    assert values[0][0] == "组织" and [v[1] for v in values[1:]] == [STREET, "da-s2"]
    assert isinstance(values[1][6], int)  # numbers stay numbers


def test_the_ranking_exports_with_ranks(watched, signed_in):
    client = signed_in(DISTRICT)
    response = client.get(f"{URL}ranking/", {"format": "csv", "period": "month"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:2] == ["名次", "党支部"] and lines[1][:3] == ["1", "一街道第一支部", BRANCH]
    xlsx = client.get(f"{URL}ranking/", {"format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).worksheets[0]["B2"].value == "一街道第一支部"


def test_an_export_outside_the_subtree_is_404(watched, signed_in):
    assert signed_in(STREET).get(URL, {"org": "da-s2", "format": "csv"}).status_code == 404
