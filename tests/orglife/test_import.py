"""Meeting records from a spreadsheet: CSV (UTF-8 or GB18030) and Excel, attendees by
name or phone within the organisation, directives by title or 文号 that reach it; all or
nothing with every bad line named; rows already on record skipped; tallies in step; only
the organisation's own editors import, into their own organisation."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from base.tables import TableError
from orglife import tallies
from orglife.imports import import_records, people
from orglife.models import Attendance, MeetingRecord, OrgLifeTally
from tests.content.factories import DirectiveFactory, library, own_column
from tests.factories import UserFactory
from tests.learning.factories import MemberFactory

from .conftest import OWN, PARENT, SIBLING
from .factories import meeting_type, role_user

pytestmark = pytest.mark.django_db

HEADER = "类型,时间,地点,主持人,主题,出席,请假,缺席,决议,会议记录,学习文件\n"
URL = "/admin/orglife/import/"


@pytest.fixture
def branch(org_tree, branch_members):
    """da-s1-b1 with 李一, 李二 (phone 13900000002) and 王三, and a city directive."""
    MemberFactory(branch=org_tree[OWN], name="王三", phone="13900000003")
    profile = branch_members["own"][1]
    profile.phone = "13900000002"
    profile.save()
    DirectiveFactory(
        parent=library(org_tree["home"], "city"),
        title="关于加强学习的通知",
        doc_number="市〔2026〕1号",
    )
    return org_tree[OWN]


def table(*rows):
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


GOOD = table(
    '支部党员大会,2026-03-05 09:30,活动室,王书记,学习党章,"李一、13900000002",王三（出差）,,'
    '全体党员写心得,"书记领学。\n党员交流。",关于加强学习的通知',
    "党课,2026/4/2,,,专题党课,李一 王三,,李二,,,市〔2026〕1号",
)


def errors_of(raw, organisation, name="r.csv"):
    with pytest.raises(TableError) as error:
        import_records(raw, name, organisation)
    return error.value.errors


def test_a_good_csv_makes_records_with_attendance_directives_and_tallies(branch):
    report = import_records(GOOD, "records.csv", branch)
    assert len(report.created) == 2 and not report.skipped
    first = MeetingRecord.objects.get(topic="学习党章")
    assert first.meeting_type.code == "dyh" and first.place == "活动室"
    assert timezone.localtime(first.held_at).strftime("%Y-%m-%d %H:%M") == "2026-03-05 09:30"
    rows = {(a.member.name, a.status, a.reason) for a in first.attendances.all()}
    assert rows == {("李一", "present", ""), ("李二", "present", ""), ("王三", "leave", "出差")}
    assert first.minutes == "<p>书记领学。</p><p>党员交流。</p>"
    assert first.resolutions == "全体党员写心得"
    assert [d.title for d in first.directives.all()] == ["关于加强学习的通知"]
    second = MeetingRecord.objects.get(topic="专题党课")
    assert timezone.localtime(second.held_at).strftime("%H:%M") == "00:00"
    assert second.attendances.filter(status=Attendance.ABSENT).get().member.name == "李二"
    assert [d.doc_number for d in second.directives.all()] == ["市〔2026〕1号"]
    tally = OrgLifeTally.objects.get(organisation=branch, meeting_type=first.meeting_type)
    assert (tally.meetings, tally.expected, tally.present) == (1, 3, 2)
    assert not tallies.differences(
        tallies.computed_meeting_tallies(), tallies.stored_meeting_tallies()
    )


def test_a_good_xlsx_is_read_with_dates_and_times_as_cells(branch):
    book = Workbook()
    sheet = book.active
    sheet.append(["type", "date", "时刻", "topic", "present"])
    sheet.append(
        ["主题党日", datetime.datetime(2026, 5, 20), datetime.time(15, 0), "重温誓词", "李一"]
    )
    data = io.BytesIO()
    book.save(data)
    report = import_records(data.getvalue(), "records.xlsx", branch)
    (record,) = report.created
    assert record.meeting_type.code == "ztdr"
    assert timezone.localtime(record.held_at).strftime("%Y-%m-%d %H:%M") == "2026-05-20 15:00"
    assert record.attendances.get().member.name == "李一"


def test_a_gb18030_csv_from_chinese_excel_is_read(branch):
    report = import_records(GOOD.decode().encode("gb18030"), "记录.csv", branch)
    assert len(report.created) == 2


def test_one_bad_row_among_good_writes_nothing_and_names_its_line(branch):
    raw = table(
        "支部委员会,2026-03-01,,,研究工作,李一,,,,,",
        "支部委员会,2026-03-02,,,研究工作二,李四,,,,,",  # 3: nobody of that name
        "支部委员会,2026-03-03,,,研究工作三,李二,,,,,",
    )
    errors = errors_of(raw, branch)
    assert errors == ["第 3 行：本组织没有姓名或手机号为“李四”的党员"]
    assert not MeetingRecord.objects.exists() and not OrgLifeTally.objects.exists()


def test_a_failure_while_writing_leaves_no_record_and_no_tally(branch, monkeypatch):
    from orglife import imports

    written = []

    def write_then_fail(row, organisation, user):
        if written:
            raise RuntimeError("the disk is full")
        written.append(real_write(row, organisation, user))
        return written[-1]

    real_write = imports.write
    monkeypatch.setattr(imports, "write", write_then_fail)
    with pytest.raises(RuntimeError):
        import_records(GOOD, "records.csv", branch)
    assert written and not MeetingRecord.objects.exists()
    assert not OrgLifeTally.objects.filter(meetings__gt=0).exists()


def test_every_problem_of_the_file_is_listed_at_once(branch, org_tree):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    DirectiveFactory(parent=own_column(org_tree[SIBLING]), title="二街道的文件")
    raw = table(
        "茶话会,2026-03-01,,,聊天,,,,,,",  # 2: unknown type
        f"党课,{tomorrow} 09:00,,,明天的党课,,,,,,",  # 3: in the future
        "党课,2026-13-01,,,月份不对,,,,,,",  # 4: no such date
        "党课,2026-03-01,,,不存在的文件,,,,,,没有这份文件",  # 5: unknown directive
        "党课,2026-03-01,,,别人的文件,,,,,,二街道的文件",  # 6: not cascaded here
        "党课,2026-03-01,,,请假无原因,,李一,,,,",  # 7: leave without a reason
        "党课,2026-03-01,,,,,,,,,",  # 8: no topic
        "党课,2026-03-01,,,两次出现,李一,李一（病假）,,,,",  # 9: twice
    )
    errors = errors_of(raw, branch)
    lines = sorted({int(e.split()[1]) for e in errors})
    assert lines == [2, 3, 4, 5, 6, 7, 8, 9], errors
    text = "\n".join(errors)
    assert "未知的会议类型“茶话会”" in text and "支部党员大会" in text
    assert "第 3 行：会议时间不能晚于现在" in text
    assert "第 4 行：时间“2026-13-01”不是有效的日期或时刻" in text
    assert "第 5 行：没有找到文件“没有这份文件”" in text
    assert "第 6 行：以下文件未下达到本组织：二街道的文件" in text
    assert "第 7 行：请假的“李一”须写明原因" in text
    assert "第 8 行：主题不能为空" in text
    assert "第 9 行：“李一”在出勤中出现了两次" in text
    assert not MeetingRecord.objects.exists()


def test_a_name_two_members_share_asks_for_the_phone(branch, org_tree):
    MemberFactory(branch=org_tree[OWN], name="李一", phone="13900000011", username="second-li")
    errors = errors_of(table("党课,2026-03-01,,,党课,李一,,,,,"), branch)
    assert errors == ["第 2 行：姓名“李一”对应 2 名党员，请改填其手机号"]
    report = import_records(table("党课,2026-03-01,,,党课,13900000011,,,,,"), "r.csv", branch)
    assert report.created[0].attendances.get().member.phone == "13900000011"


def test_a_directive_named_ambiguously_asks_for_the_other_key(branch, org_tree):
    DirectiveFactory(
        parent=own_column(org_tree[PARENT]), title="街道的通知", doc_number="市〔2026〕1号"
    )
    errors = errors_of(table("党课,2026-03-01,,,党课,,,,,,市〔2026〕1号"), branch)
    assert errors == ["第 2 行：有 2 份文件的文号为“市〔2026〕1号”，请改填标题"]
    DirectiveFactory(parent=own_column(org_tree[PARENT]), title="关于加强学习的通知")
    errors = errors_of(table("党课,2026-03-01,,,党课,,,,,,《关于加强学习的通知》"), branch)
    assert errors == ["第 2 行：有 2 份文件名为“关于加强学习的通知”，请改填文号"]
    report = import_records(table("党课,2026-03-01,,,党课,,,,,,街道的通知"), "r.csv", branch)
    assert [d.title for d in report.created[0].directives.all()] == ["街道的通知"]


def test_a_member_of_another_branch_is_refused(branch, branch_members):
    errors = errors_of(table("党课,2026-03-01,,,党课,李一、赵三,,,,,"), branch)
    assert errors == ["第 2 行：赵三不是本组织的党员"]
    assert not MeetingRecord.objects.exists()


def test_rows_already_on_record_are_skipped_and_two_equal_rows_are_an_error(branch):
    import_records(GOOD, "records.csv", branch)
    again = import_records(GOOD, "records.csv", branch)
    assert again.created == [] and [line for line, _record in again.skipped] == [2, 3]
    assert MeetingRecord.objects.count() == 2
    tally = OrgLifeTally.objects.get(organisation=branch, meeting_type=meeting_type("dyh"))
    assert tally.meetings == 1
    grown = GOOD + "党课,2026-04-09,,,又一次党课,李一,,,,,\n".encode()
    assert len(import_records(grown, "records.csv", branch).created) == 1
    twice = table("党课,2026-03-01,,,同一次,,,,,,", "党课,2026-03-01,,,同一次,,,,,,")
    assert errors_of(twice, branch) == ["第 3 行：与第 2 行是同一次会议（类型、时间、主题相同）"]


def test_cells_name_people_with_reasons_in_brackets_or_after_a_colon():
    assert people("张三、李四，王五, 赵六;钱七 孙八") == [
        (name, "") for name in ["张三", "李四", "王五", "赵六", "钱七", "孙八"]
    ]
    assert people("王五（出差，外地） 李四:病假、周一(事假)") == [
        ("王五", "出差，外地"),
        ("李四", "病假"),
        ("周一", "事假"),
    ]


def test_unreadable_tables_get_the_table_readers_message(branch):
    assert "表头缺少列：主题" in errors_of("类型,时间\n党课,2026-03-01\n".encode(), branch)[0]
    assert "只支持 CSV" in errors_of(b"x", branch, "r.pdf")[0]


def test_the_command_imports_or_fails_with_line_numbers(branch, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(table("茶话会,2026-03-01,,,聊天,,,,,,"))
    with pytest.raises(CommandError) as error:
        call_command("import_orglife", OWN, str(bad), stdout=io.StringIO())
    assert "第 2 行" in str(error.value) and not MeetingRecord.objects.exists()
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    out = io.StringIO()
    call_command("import_orglife", OWN, str(good), stdout=out)
    assert "导入 2 条记录" in out.getvalue()
    call_command("import_orglife", OWN, str(good), stdout=out)
    assert "第 2 行：已有同一次会议的记录“学习党章”，跳过" in out.getvalue()
    with pytest.raises(CommandError, match="没有代码为 nowhere 的组织"):
        call_command("import_orglife", "nowhere", str(good), stdout=io.StringIO())


# --- the admin view ------------------------------------------------------------------


def upload(raw=GOOD, name="records.csv"):
    return SimpleUploadedFile(name, raw)


def test_an_editor_imports_into_their_own_organisation(client, branch):
    editor = role_user(OWN, "editors")
    client.force_login(editor)
    form = client.get(URL).content.decode()
    assert f'<option value="{branch.pk}"' in form and "下载模板" in form
    response = client.post(URL, {"organisation": branch.pk, "file": upload()})
    body = response.content.decode()
    assert response.status_code == 200 and "导入 2 条记录，跳过 0 条已有记录。" in body
    assert set(MeetingRecord.objects.values_list("created_by", flat=True)) == {editor.pk}
    again = client.post(URL, {"organisation": branch.pk, "file": upload()}).content.decode()
    assert "跳过 2 条已有记录" in again and "第 2 行" in again


def test_the_bad_line_is_shown_on_the_form_and_nothing_written(client, branch):
    client.force_login(role_user(OWN, "editors"))
    raw = table("党课,2026-03-01,,,党课,李一、赵三,,,,,")
    response = client.post(URL, {"organisation": branch.pk, "file": upload(raw)})
    assert "第 2 行：赵三不是本组织的党员" in response.content.decode()
    assert not MeetingRecord.objects.exists()


@pytest.mark.parametrize(("code", "role"), [(SIBLING, "editors"), (PARENT, "editors")])
def test_no_editor_imports_into_another_organisation(client, branch, org_tree, code, role):
    client.force_login(role_user(code, role))
    form = client.get(URL).content.decode()
    assert f'<option value="{branch.pk}"' not in form
    response = client.post(URL, {"organisation": branch.pk, "file": upload()})
    assert response.status_code == 200 and "有效的选项" in response.content.decode()
    assert not MeetingRecord.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "member", "nobody"])
def test_readers_and_members_may_not_import(client, branch, org_tree, who):
    user = {
        "reviewer": lambda: role_user(OWN, "reviewers"),
        "member": lambda: MemberFactory(branch=org_tree[OWN], name="看看", is_staff=True),
        "nobody": lambda: UserFactory(username="nobody", is_staff=True),
    }[who]()
    client.force_login(user)
    assert client.get(URL).status_code in (302, 403)
    client.post(URL, {"organisation": branch.pk, "file": upload()})
    assert not MeetingRecord.objects.exists()


def test_the_record_list_and_menu_offer_the_import_to_editors_only(client, branch):
    listing = "/admin/snippets/orglife/meetingrecord/"
    client.force_login(role_user(OWN, "editors"))
    assert URL in client.get(listing).content.decode()
    assert URL in client.get("/admin/").content.decode()
    client.force_login(role_user(OWN, "reviewers"))
    assert URL not in client.get(listing).content.decode()


def test_the_template_downloads_as_csv_and_xlsx_and_imports_as_written(client, branch):
    client.force_login(role_user(OWN, "editors"))
    csv_file = client.get(f"{URL}template/?format=csv")
    assert csv_file["Content-Type"].startswith("text/csv")
    text = csv_file.content.decode("utf-8-sig")
    assert text.startswith("类型,时间,地点,主持人,主题,出席,请假,缺席,决议,会议记录,学习文件")
    xlsx = client.get(f"{URL}template/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:5] == ["类型", "时间", "地点", "主持人", "主题"]
    errors = errors_of(csv_file.content, branch)  # its example people are nobody here
    assert errors and all(e.startswith("第 2 行：") for e in errors)
