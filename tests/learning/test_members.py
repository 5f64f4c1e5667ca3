"""Members' accounts: bulk import (CSV in UTF-8 or GB18030, Excel), all or nothing with
line numbers, scoped to what the importing reviewer manages; the admin lists a reviewer's
own members only."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from base.tables import TableError
from learning.members import import_members
from learning.models import MemberProfile
from sites.models import OrganisationPage
from tests.factories import UserFactory
from tests.learning.factories import MemberFactory

GOOD = "姓名,手机号,支部代码\n张三,13800000001,da-s1-b1\n李四,13800000002,da-s2-b1\n"


def test_csv_import_creates_accounts_and_is_idempotent(org_tree):
    report = import_members(GOOD.encode(), "members.csv")
    assert [(n, p, u) for n, p, u, _ in report.created] == [
        ("张三", "13800000001", "13800000001"),
        ("李四", "13800000002", "13800000002"),
    ]
    password = report.created[0][3]
    user = get_user_model().objects.get(username="13800000001")
    assert user.check_password(password) and user.member.branch == org_tree["da-s1-b1"]
    again = import_members(GOOD.encode(), "members.csv")
    assert (again.created, again.updated, again.unchanged) == ([], 0, 2)
    moved = GOOD.replace("李四,13800000002,da-s2-b1", "李四,13800000002,da-s1-b1")
    assert import_members(moved.encode(), "m.csv").updated == 1


def test_excel_and_chinese_windows_csv_are_read(org_tree):
    import_members(GOOD.encode("gb18030"), "成员.csv")
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机号", "支部代码", "初始密码"])
    sheet.append(["王五", 13800000003, "da-s1-b1", "Study-2026!"])  # phone typed as a number
    data = io.BytesIO()
    book.save(data)
    report = import_members(data.getvalue(), "members.xlsx")
    assert report.created == [("王五", "13800000003", "13800000003", "")]
    assert get_user_model().objects.get(username="13800000003").check_password("Study-2026!")
    assert MemberProfile.objects.count() == 3


def test_every_bad_line_is_named_and_nothing_is_written(org_tree):
    UserFactory(username="taken")
    bad = (
        "姓名,手机号,支部代码,用户名,初始密码\n"
        "张三,13800000001,da-s1-b1,,\n"
        ",12345,da-s1-b1,,\n"  # 3: no name, bad phone
        "李四,13800000001,da-s1-b1,,\n"  # 4: duplicate phone
        "王五,13800000005,nowhere,,\n"  # 5: unknown branch
        "赵六,13800000006,da-s1,,\n"  # 6: a street, not a branch
        "钱七,13800000007,da-s1-b1,taken,\n"  # 7: username taken
        "孙八,13800000008,da-s1-b1,,123\n"  # 8: weak password
    )
    with pytest.raises(TableError) as error:
        import_members(bad.encode(), "members.csv")
    lines = sorted({int(e.split()[1]) for e in error.value.errors})
    assert lines == [3, 4, 5, 6, 7, 8], error.value.errors
    assert any("与第 2 行重复" in e for e in error.value.errors)
    assert (
        MemberProfile.objects.count() == 0
        and not get_user_model().objects.filter(username="13800000001").exists()
    )


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "m.csv", "缺少表头"),
        ("姓名,电话号码,支部代码\n".encode(), "m.csv", "未知的列“电话号码”"),
        ("姓名,支部代码\n".encode(), "m.csv", "表头缺少列：手机号"),
        (b"\xff\xfe\x00garbage\xff", "m.csv", "编码"),
        (b"PK\x03\x04 not really a zip", "m.xlsx", "不是有效的 Excel"),
        (b"name,phone,branch\n", "m.pdf", "只支持 CSV"),
    ],
)
def test_unreadable_tables_get_a_clear_message(org_tree, data, name, message):
    with pytest.raises(TableError) as error:
        import_members(data, name)
    assert message in str(error.value)


def test_import_command_limits_to_an_organisation(org_tree, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(GOOD)
    with pytest.raises(CommandError) as error:
        call_command("import_members", str(path), "--org", "da-s1", stdout=io.StringIO())
    assert "第 3 行" in str(error.value) and MemberProfile.objects.count() == 0
    out = io.StringIO()
    call_command("import_members", str(path), "--org", "da", stdout=out)
    assert "新增 2 人" in out.getvalue() and "初始密码" in out.getvalue()


def reviewer_of(org):
    user = UserFactory(username=f"rev-{org.code}")
    user.groups.add(org.access.reviewers)
    return user


def test_reviewers_manage_only_their_own_members(client, org_tree):
    MemberFactory(branch=org_tree["da-s1-b1"], name="本街道党员")
    MemberFactory(branch=org_tree["da-s2-b1"], name="别的街道党员")
    client.force_login(reviewer_of(org_tree["da-s1"]))
    listing = client.get("/admin/snippets/learning/memberprofile/").content.decode()
    assert "本街道党员" in listing and "别的街道党员" not in listing
    url = "/admin/learning/members/import/"
    form = client.get(url).content.decode()
    assert "导入党员" in form
    upload = SimpleUploadedFile("m.csv", GOOD.encode())
    response = client.post(url, {"organisation": org_tree["da-s1"].pk, "file": upload})
    assert "第 3 行" in response.content.decode() and MemberProfile.objects.count() == 2
    ok = "姓名,手机号,支部代码\n张三,13800000001,da-s1-b1\n"
    response = client.post(
        url,
        {"organisation": org_tree["da-s1"].pk, "file": SimpleUploadedFile("m.csv", ok.encode())},
    )
    page = response.content.decode()
    assert "新增 1 人" in page and "只在这里显示一次" in page
    # Someone else's organisation cannot be chosen.
    response = client.post(
        url,
        {"organisation": org_tree["da-s2"].pk, "file": SimpleUploadedFile("m.csv", ok.encode())},
    )
    assert "新增" not in response.content.decode()


def test_people_without_a_review_role_cannot_import(client, org_tree):
    editor = UserFactory(username="editor")
    editor.groups.add(org_tree["da-s1"].access.editors)
    client.force_login(editor)
    assert client.get("/admin/learning/members/import/").status_code == 403


def test_organisation_groups_may_upload_lesson_media_in_their_collection(org_tree):
    from wagtailmedia.permissions import permission_policy

    access = org_tree["da-s1-b1"].access
    editor = UserFactory(username="media-editor")
    editor.groups.add(access.editors)
    collections = permission_policy.collections_user_has_permission_for(editor, "add")
    assert list(collections) == [access.collection]


def test_reviewers_cannot_reach_or_move_members_outside_their_subtree(client, org_tree):
    mine = MemberFactory(branch=org_tree["da-s1-b1"], name="本街道党员").member
    theirs = MemberFactory(branch=org_tree["da-s2-b1"], name="别的街道党员").member
    client.force_login(reviewer_of(org_tree["da-s1"]))
    base = "/admin/snippets/learning/memberprofile"
    assert client.get(f"{base}/edit/{theirs.pk}/").status_code == 404
    assert client.get(f"{base}/delete/{theirs.pk}/").status_code == 404
    form = client.get(f"{base}/edit/{mine.pk}/").content.decode()
    assert "一街道第一支部" in form and "二街道第一支部" not in form  # branch choices
    response = client.post(
        f"{base}/edit/{mine.pk}/",
        {"name": "本街道党员", "phone": "", "branch": org_tree["da-s2-b1"].pk},
    )
    assert response.status_code == 200  # the form refuses a branch outside
    mine.refresh_from_db()
    assert mine.branch == org_tree["da-s1-b1"]


def test_yearly_evaluations_are_scoped_and_feed_the_composite_ranking(client, org_tree):
    from django.utils import timezone

    from learning import points
    from learning.models import Evaluation

    a = MemberFactory(branch=org_tree["da-s1-b1"], name="甲")
    b = MemberFactory(branch=org_tree["da-s1-b1"], name="乙")
    outsider = MemberFactory(branch=org_tree["da-s2-b1"], name="丙")
    points.award(a, "lesson_done", "lesson:1")  # 10 points: the best, so 100 × 60 %
    year = timezone.localdate().year
    client.force_login(reviewer_of(org_tree["da-s1"]))
    url = "/admin/snippets/learning/evaluation/add/"
    assert "丙" not in client.get(url).content.decode()
    client.post(url, {"member": b.member.pk, "year": year, "score": 95, "note": ""})
    refused = client.post(url, {"member": outsider.member.pk, "year": year, "score": 99})
    assert refused.status_code == 200 and Evaluation.objects.count() == 1
    ranking = client.get("/api/v2/leaderboard/", {"org": "da-s1", "scope": "composite"}).json()[
        "results"
    ]
    assert [(r["name"], r["composite"]) for r in ranking] == [("甲", 60.0), ("乙", 38.0)]


def test_a_branch_reviewer_cannot_take_a_sibling_branchs_member_by_import(client, demo):
    """The demo's branch_reviewer (银河社区第一党支部) imports a row with the phone of a
    member of the sibling branch: a line error, and nothing is written."""
    stolen = MemberProfile.objects.get(phone="13900000004")
    before = (stolen.name, stolen.branch_id)
    assert stolen.branch.code != "donghu-hp-yh-d1"
    client.force_login(get_user_model().objects.get(username="branch_reviewer"))
    own = OrganisationPage.objects.get(code="donghu-hp-yh-d1")
    rows = (
        "姓名,手机号,支部代码\n"
        "新党员,13800000009,donghu-hp-yh-d1\n"
        "抢来的党员,13900000004,donghu-hp-yh-d1\n"
    )
    response = client.post(
        "/admin/learning/members/import/",
        {"organisation": own.pk, "file": SimpleUploadedFile("m.csv", rows.encode())},
    )
    page = response.content.decode()
    assert "第 3 行：该手机号已属于其他组织的党员" in page
    assert "更新 1 人" not in page
    stolen.refresh_from_db()
    assert (stolen.name, stolen.branch_id) == before
    assert not MemberProfile.objects.filter(phone="13800000009").exists()
