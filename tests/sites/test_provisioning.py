import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from sites.models import ColumnPage, OrganisationAccess, OrganisationPage
from sites.provisioning import ProvisioningError, provision_csv
from sites.skeleton import skeleton_for
from tests.sites.factories import TREE_CSV, column

HEADER = "code,parent_code,name,kind,hostname\n"


def snapshot():
    """Everything provisioning writes, counted."""
    return {
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "page_perms": GroupPagePermission.objects.count(),
        "collection_perms": GroupCollectionPermission.objects.count(),
        "titles": sorted(Page.objects.values_list("title", flat=True)),
    }


def spec_count(kind):
    return sum(spec.count() for spec in skeleton_for(kind))


def test_creates_pages_sites_columns_groups_and_collections(org_tree):
    branch = org_tree["da-s1-b1"]
    assert branch.kind == "branch"
    assert branch.get_parent().specific == org_tree["da-s1"]
    assert org_tree["da"].get_parent().specific == org_tree["home"]
    site = Site.objects.get(root_page=branch)
    assert site.hostname == "da-s1-b1.localhost"
    assert site.site_name == "一街道第一支部"
    # The whole branch skeleton from branch.yaml, nested as written.
    assert ColumnPage.objects.descendant_of(branch).count() == spec_count("branch")
    lxyz = column(branch, "news").get_children().get(slug="lxyz")
    assert [p.title for p in lxyz.get_children()] == [
        "学习方案",
        "学习计划",
        "学习重点",
        "学习标杆",
        "学习载体",
        "学习氛围",
    ]
    jczz = column(branch, "news").get_children().get(slug="jczz")
    assert [p.title for p in jczz.get_children()] == [
        "后进整顿",
        "场所清零",
        "活动阵地",
        "组织生活",
        "重点任务",
    ]
    topics = column(branch, "topics").get_children().specific()
    assert [(p.title, p.level) for p in topics] == [
        ("上级精神", ""),
        ("中央精神", "central"),
        ("省委精神", "province"),
        ("市委精神", "city"),
    ]
    assert column(branch, "directives").specific.level == "branch"
    access = OrganisationAccess.objects.get(organisation=branch)
    assert access.editors.name == "da-s1-b1:editors"
    assert access.reviewers.name == "da-s1-b1:reviewers"
    editor_perms = set(
        GroupPagePermission.objects.filter(group=access.editors).values_list(
            "page_id", "permission__codename"
        )
    )
    assert editor_perms == {(branch.pk, "add_page"), (branch.pk, "change_page")}
    reviewer_perms = set(
        GroupPagePermission.objects.filter(group=access.reviewers).values_list(
            "permission__codename", flat=True
        )
    )
    assert reviewer_perms == {"add_page", "change_page", "publish_page"}
    # The branch collection nests under its street's collection.
    street_collection = OrganisationAccess.objects.get(organisation=org_tree["da-s1"]).collection
    assert access.collection.get_parent() == street_collection
    assert Page.find_problems() == ([], [], [], [], [])


def test_bulk_created_columns_are_live_routable_pages(org_tree, client):
    branch = org_tree["da-s1-b1"]
    plan = column(branch, "news").get_children().get(slug="lxyz").get_children().get(slug="plan")
    assert plan.live and plan.url_path.endswith("/da/da-s1/da-s1-b1/news/lxyz/plan/")
    assert plan.specific_class is ColumnPage
    response = client.get("/" + plan.url_path[len(org_tree["home"].url_path) :])
    assert response.status_code == 200
    assert "学习方案" in response.content.decode()
    by_host = client.get("/news/lxyz/plan/", HTTP_HOST="da-s1-b1.localhost")
    assert by_host.status_code == 200


def test_rerun_changes_nothing_and_renamed_orgs_update(org_tree):
    before = snapshot()
    report = provision_csv(TREE_CSV.encode())
    assert (report.created, report.updated, report.unchanged) == ([], [], 5)
    assert report.columns_created == report.sites_created == report.access_created == 0
    assert snapshot() == before

    renamed = TREE_CSV.replace("甲区二街道", "甲区新二街道")
    report = provision_csv(renamed.encode())
    assert report.updated == ["da-s2"]
    street = OrganisationPage.objects.get(code="da-s2")
    assert street.title == "甲区新二街道"
    assert Site.objects.get(root_page=street).site_name == "甲区新二街道"
    assert Page.objects.count() == before["pages"]


def test_rerun_recreates_only_missing_columns_and_keeps_editors_titles(org_tree):
    branch = org_tree["da-s1-b1"]
    column(branch, "notices").delete()
    profile = column(branch, "profile")
    profile.title = "我们的支部"
    profile.save()
    report = provision_csv(TREE_CSV.encode())
    assert report.columns_created == 1
    assert column(branch, "notices").title == "通知公告"
    assert column(branch, "profile").title == "我们的支部"
    assert Page.find_problems() == ([], [], [], [], [])


def test_explicit_hostname(home):
    provision_csv((HEADER + "db,,乙区,district,party.example.org\n").encode())
    district = OrganisationPage.objects.get(code="db")
    assert Site.objects.get(root_page=district).hostname == "party.example.org"


@pytest.mark.parametrize(
    "rows, expected",
    [
        ("da,,甲区,district\nda-x,nope,某街道,street\n", "line 3: 未知的上级组织代码 nope"),
        ("da,,甲区,district\nda,,甲区重复,district\n", "line 3: 组织代码 da 重复"),
        ("da,,甲区,county\n", "line 2: 组织类型 county 无效"),
        ("da,,甲区,district\nx1,x2,某,street\nx2,x1,某,street\n", "上级关系成环"),
        ("c1,,某社区,community\n", "line 2: 市委下不能直接设立社区党委"),
        ("da,,甲区,district\nb1,da,某支部,branch\n", "line 3: 区委下不能直接设立党支部"),
        ("Bad_Code,,某区,district\n", "line 2: 组织代码 bad_code 无效"),
        ("admin,,某区,district\n", "line 2: 组织代码 admin 是门户或栏目的保留名称"),
        ("news,,某区,district\n", "line 2: 组织代码 news 是门户或栏目的保留名称"),
        ("da,,,district\n", "line 2: 缺少名称"),
        ("da,,甲区,district,bad host!\n", "line 2: 域名 bad host! 无效"),
        (
            "da,,甲区,district,same.example\ndb,,乙区,district,same.example\n",
            "line 3: 域名 same.example 与第 2 行重复",
        ),
        ("da,,甲区\n", "line 2: 列数不足：至少 4 列，实际 3 列"),
        ("da,,甲区,district,a.example,extra\n", "line 2: 列数过多：最多 5 列，实际 6 列"),
        ("testcity,,市,district\n", "line 2: testcity 是门户首页"),
        ("zz,,市,city\n", "line 2: 市级组织就是门户首页"),
    ],
)
def test_bad_rows_abort_with_line_numbers_and_write_nothing(home, rows, expected):
    before = snapshot()
    with pytest.raises(ProvisioningError) as excinfo:
        provision_csv((HEADER + rows).encode())
    assert any(expected in error for error in excinfo.value.errors), excinfo.value.errors
    assert all(error.startswith("line ") for error in excinfo.value.errors)
    assert snapshot() == before


def test_a_bad_row_after_good_ones_writes_nothing(home):
    before = snapshot()
    rows = "da,,甲区,district\nda-s1,da,一街道,street\nda-s2,da,二街道,planet\n"
    with pytest.raises(ProvisioningError) as excinfo:
        provision_csv((HEADER + rows).encode())
    assert excinfo.value.errors == [
        "line 4: 组织类型 planet 无效，应为 city、district、street、community、branch 之一"
    ]
    assert snapshot() == before


def test_bad_encoding_reports_its_line(home):
    data = (HEADER + "da,,甲区,district\n").encode() + "db,,乙区,district\n".encode("gbk")
    with pytest.raises(ProvisioningError) as excinfo:
        provision_csv(data)
    assert excinfo.value.errors == ["line 3: 文件不是 UTF-8 编码（请用 UTF-8 另存为 CSV）"]


def test_existing_hostname_and_moves_are_refused(org_tree):
    taken = HEADER + "dz,,丙区,district,da.localhost\n"
    with pytest.raises(ProvisioningError, match="line 2: 域名 da.localhost 已被其他站点使用"):
        provision_csv(taken.encode())
    moved = HEADER + "da,,甲区,district\nda-s1,,甲区一街道,district\n"
    with pytest.raises(ProvisioningError) as excinfo:
        provision_csv(moved.encode())
    assert any("不能改为区委" in e for e in excinfo.value.errors)


def test_command_progress_dry_run_and_errors(home, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(TREE_CSV, encoding="utf-8")
    before = snapshot()
    out = io.StringIO()
    call_command("provision_sites", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "将新建组织 5 个" in out.getvalue()
    assert snapshot() == before

    out, err = io.StringIO(), io.StringIO()
    call_command("provision_sites", str(path), stdout=out, stderr=err)
    assert "已新建组织 5 个" in out.getvalue()
    assert "组织页面" in err.getvalue()  # the tqdm progress bar
    assert OrganisationPage.objects.filter(code="da-s2-b1").exists()

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "dq,nowhere,某街道,street\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误，未写入任何内容"):
        call_command("provision_sites", str(bad), stdout=io.StringIO(), stderr=err)
    assert "line 2: 未知的上级组织代码 nowhere" in err.getvalue()

    with pytest.raises(CommandError, match="无法读取"):
        call_command("provision_sites", str(tmp_path / "missing.csv"))
