"""The 党支部工作手册 (orglife/handbook.py, handbook_builds.py, handbook_views.py): the PDF
read back with poppler (pdftotext, pdfinfo, pdftoppm), its data gathered in a fixed
number of queries, the cache that holds until a record changes, who may get it, the
command, and the worker path with its status page."""

import datetime
import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from orglife import handbook, handbook_builds
from orglife.models import Attendance, HandbookBuild, RecordPhoto
from tests.content.factories import DirectiveFactory, library
from tests.factories import ImageFactory
from tests.learning.factories import MemberFactory

from .conftest import OWN, PARENT, SIBLING
from .factories import MeetingRecordFactory, attend, meeting_type, role_user

pytestmark = pytest.mark.django_db

FORM = "/admin/orglife/handbook/"
YEAR = timezone.localdate().year


def held(month, day=10, hour=9):
    """A moment of this year that is not in the future (tests run on any day)."""
    moment = timezone.make_aware(datetime.datetime(YEAR, month, day, hour))
    return min(moment, timezone.now() - datetime.timedelta(hours=1))


@pytest.fixture
def booklet(org_tree, branch_members):
    """da-s1-b1 with a 支部委员会, a 党课 and a 传达学习 of a city directive this year, the
    committee meeting with a photo and one member on leave; a record of last year and one
    of the sibling, which the booklet must leave out."""
    branch = org_tree[OWN]
    own = branch_members["own"]
    committee = MeetingRecordFactory(
        organisation=branch,
        meeting_type=meeting_type("wyh"),
        held_at=held(1),
        topic="研究年度工作计划",
        minutes="<p>书记通报<b>全年安排</b>。</p>",
        resolutions="一、按计划推进。",
    )
    attend(committee, own[0])
    attend(committee, own[1], Attendance.LEAVE, "外出学习")
    image = ImageFactory(title="会场照片")
    RecordPhoto.objects.create(record=committee, image=image, caption="会场")
    lecture = MeetingRecordFactory(
        organisation=branch, meeting_type=meeting_type("dk"), held_at=held(1, 20), topic="讲党课"
    )
    attend(lecture, own[0])
    directive = DirectiveFactory(
        parent=library(org_tree["home"], "city"), title="关于加强基层组织建设的意见"
    )
    relay = MeetingRecordFactory(
        organisation=branch,
        meeting_type=meeting_type("relay"),
        held_at=held(1, 25),
        topic="传达学习市委文件",
    )
    relay.directives.add(directive)
    relay.save()  # a parental many-to-many is written on save
    MeetingRecordFactory(
        organisation=branch, held_at=held(1) - datetime.timedelta(days=400), topic="去年的会议"
    )
    MeetingRecordFactory(organisation=org_tree[SIBLING], held_at=held(1), topic="兄弟支部的会")
    return {"branch": branch, "records": [committee, lecture, relay], "directive": directive}


def pdf_text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdf_pages(pdf):
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    line = next(li for li in info.decode().splitlines() if li.startswith("Pages:"))
    return int(line.split()[1])


def test_the_booklet_reads_back_with_cover_contents_records_and_members(booklet, tmp_path):
    pdf, pages = handbook.render(booklet["branch"], YEAR)
    text = pdf_text(pdf)
    cover = text.split("\f")[0].replace(" ", "")  # the cover's titles are letter-spaced
    assert "中国共产党" in cover and "党支部工作手册" in cover
    assert booklet["branch"].title in cover and "甲区一街道" in cover  # and its parent
    assert f"{YEAR}年度" in cover and "·" not in cover  # no running header on the cover
    contents = text.split("\f")[1]
    for entry in ["支部基本情况", "党员名册", "组织生活记录", "支部委员会", "党课", "传达学习"]:
        assert entry in contents
    assert "年度小结" in contents
    for topic in ["研究年度工作计划", "讲党课", "传达学习市委文件"]:
        assert topic in text
    squashed = "".join(text.split())  # table cells wrap their lines
    assert "关于加强基层组织建设的意见" in squashed  # the directive studied
    assert "李一" in text and "李二" in text and "赵三" not in text  # own members only
    assert "李二（请假：外出学习）" in squashed
    assert "出席1人/应到2人" in squashed
    assert "全年安排" in text  # the minutes' rich text, expanded
    assert "去年的会议" not in text and "兄弟支部的会" not in text
    assert pages == pdf_pages(pdf) == text.count("\f")
    assert pages >= 7  # cover, contents, situation, roster, records, relays, summary

    (tmp_path / "hb.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "hb.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    cover_image = Image.open(next(tmp_path.glob("page-*.png"))).convert("RGB")
    assert cover_image.size[0] < cover_image.size[1]  # portrait A4
    colours = cover_image.getcolors(maxcolors=1 << 20)
    inked = sum(n for n, rgb in colours if sum(rgb) < 600)
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 60 and b < 60)
    assert inked > 0.02 * cover_image.size[0] * cover_image.size[1]  # not blank
    assert red > 0  # the red title and band


def test_the_booklet_shows_the_records_photo_read_from_storage(booklet):
    handbook_data = handbook.gather(booklet["branch"], YEAR)
    (entry,) = handbook_data.sections[0].entries
    (src, rendition, caption), *_ = entry.photos
    assert src.startswith("/media/") and caption == "会场"
    body, _name = handbook.read_own_file(handbook.BASE_URL + src.lstrip("/"))
    assert Image.open(io.BytesIO(body)).size == (rendition.width, rendition.height)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/a.png",
        "file:///etc/passwd",
        handbook.BASE_URL + "media/documents/secret.pdf",
        handbook.BASE_URL + "media/../settings.py",
        handbook.BASE_URL + "elsewhere/a.png",
    ],
)
def test_the_booklet_reads_nothing_but_our_own_media_and_static_files(url):
    with pytest.raises(ValueError):
        handbook.read_own_file(url)


def test_gathering_takes_the_same_queries_for_more_records(booklet, branch_members):
    branch = booklet["branch"]
    handbook.gather(branch, YEAR)  # the photo's rendition is made once

    def queries():
        with CaptureQueriesContext(connection) as captured:
            handbook.gather(branch, YEAR)
        return len(captured)

    few = queries()
    for n in range(6):
        record = MeetingRecordFactory(organisation=branch, held_at=held(2, n + 1), topic=f"会{n}")
        attend(record, branch_members["own"][n % 2])
        RecordPhoto.objects.create(record=record, image=ImageFactory())
    handbook.gather(branch, YEAR)  # renditions of the new photos
    assert queries() == few


def signed_in(client, code, role="editors"):
    user = role_user(code, role)
    client.force_login(user)
    return user


def print_form(organisation, year=YEAR):
    return {"organisation": organisation.pk, "year": year}


@pytest.fixture
def renders(monkeypatch):
    """Counts the builds (the real render runs)."""
    calls = []
    real = handbook.render

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(handbook, "render", counting)
    return calls


def test_printing_in_the_admin_gives_the_pdf_and_keeps_it_until_a_record_changes(
    client, booklet, renders
):
    signed_in(client, OWN)
    page = client.get(FORM)
    assert page.status_code == 200 and "打印手册" in page.content.decode()
    response = client.post(FORM, print_form(booklet["branch"]), follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert "研究年度工作计划" in pdf_text(pdf) and len(renders) == 1

    client.post(FORM, print_form(booklet["branch"]), follow=True)
    assert len(renders) == 1  # nothing changed: the kept file

    committee = booklet["records"][0]
    committee.topic = "研究年度工作计划（修订）"
    committee.save()
    again = client.post(FORM, print_form(booklet["branch"]), follow=True)
    assert len(renders) == 2
    assert "（修订）" in pdf_text(b"".join(again.streaming_content))

    Attendance.objects.filter(record=committee, status=Attendance.LEAVE).update(reason="")
    client.post(FORM, print_form(booklet["branch"]), follow=True)
    assert len(renders) == 2  # a bulk update bypasses the models: not seen
    Attendance.objects.filter(record=committee).first().delete()
    client.post(FORM, print_form(booklet["branch"]), follow=True)
    assert len(renders) == 3  # an attendance change is
    assert HandbookBuild.objects.count() == 1  # one build per organisation and year


def test_the_cache_check_is_one_query(booklet, django_assert_num_queries):
    with django_assert_num_queries(1):
        count, version = handbook_builds.stamp(booklet["branch"], YEAR)
    assert count == 3


def test_a_member_joining_the_roll_makes_the_handbook_stale(booklet):
    before = handbook_builds.stamp(booklet["branch"], YEAR)
    MemberFactory(branch=booklet["branch"], name="新党员")
    assert handbook_builds.stamp(booklet["branch"], YEAR) != before


def test_a_sibling_gets_404_and_the_levels_above_get_the_pdf(client, booklet, org_tree):
    signed_in(client, OWN)
    done = client.post(FORM, print_form(booklet["branch"]))
    build = HandbookBuild.objects.get()
    assert done["Location"] == f"/admin/orglife/handbook/{build.pk}/pdf/"

    signed_in(client, SIBLING)
    assert client.get(done["Location"]).status_code == 404
    assert client.get(f"/admin/orglife/handbook/{build.pk}/").status_code == 404
    refused = client.post(FORM, print_form(booklet["branch"]))
    assert refused.status_code == 200 and "请选择您可以查看的组织" in refused.content.decode()
    assert org_tree[OWN].title not in refused.content.decode()  # not offered either

    for code, role in [(PARENT, "editors"), ("da", "editors"), (OWN, "reviewers")]:
        signed_in(client, code, role)
        response = client.get(done["Location"])
        assert response.status_code == 200, (code, role)
        assert response["Content-Type"] == "application/pdf"
    signed_in(client, PARENT)
    assert client.post(FORM, print_form(booklet["branch"])).status_code == 302


def test_a_member_or_a_stranger_may_not_print(client, booklet, branch_members):
    client.force_login(branch_members["own"][0].user)
    assert client.get(FORM).status_code in (302, 403)
    client.logout()
    assert client.get(FORM).status_code == 302  # to the login


@pytest.mark.parametrize(
    "year, message",
    [("20x6", "年份应为四位数字"), (1999, "年份应在 2000 到"), (YEAR + 1, "年份应在 2000 到")],
)
def test_a_bad_year_is_refused_in_chinese_and_nothing_is_built(client, booklet, year, message):
    signed_in(client, OWN)
    response = client.post(FORM, print_form(booklet["branch"], year))
    assert response.status_code == 200 and message in response.content.decode()
    assert not HandbookBuild.objects.exists()


def test_the_command_writes_the_pdf(booklet, tmp_path):
    target = tmp_path / "手册.pdf"
    out = io.StringIO()
    call_command("handbook", OWN, str(YEAR), "-o", str(target), stdout=out, verbosity=0)
    assert "页" in out.getvalue() and target.read_bytes().startswith(b"%PDF")
    assert "讲党课" in pdf_text(target.read_bytes())


@pytest.mark.parametrize(
    "code, year, message",
    [("no-such-org", YEAR, "没有代码为 no-such-org 的组织"), (OWN, "abcd", "年份应为四位数字")],
)
def test_the_command_refuses_bad_input_and_writes_nothing(booklet, tmp_path, code, year, message):
    target = tmp_path / "out.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("handbook", code, str(year), "-o", str(target), verbosity=0)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def database_tasks(settings):
    """The production backend (tasks in the database, run by `db_worker`)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PORTAL_HANDBOOK_INLINE_RECORDS = 2  # the booklet's 3 records are "large"
    return settings


# The worker closes the connection between tasks (close_old_connections), which would end
# the test's own transaction on PostgreSQL: this one runs outside a transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_year_is_built_by_the_worker_with_progress_shown(
    client, booklet, database_tasks, django_capture_on_commit_callbacks
):
    signed_in(client, OWN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, print_form(booklet["branch"]))
    build = HandbookBuild.objects.get()
    status = f"/admin/orglife/handbook/{build.pk}/"
    assert response["Location"] == status
    assert build.status == HandbookBuild.QUEUED and build.total == 3 + 3
    waiting = client.get(status).content.decode()
    assert "排队中" in waiting and 'http-equiv="refresh"' in waiting and "<progress" in waiting

    HandbookBuild.objects.filter(pk=build.pk).update(
        status=HandbookBuild.RUNNING, done=2, stage="整理记录"
    )
    running = client.get(status).content.decode()
    assert "生成中" in running and "已完成 2 / 6 步（33%）" in running and "整理记录" in running

    call_command("db_worker", batch=True, verbosity=0)
    build.refresh_from_db()
    assert build.status == HandbookBuild.DONE and build.done == build.total == 6
    done = client.get(status).content.decode()
    assert "已完成" in done and "http-equiv" not in done and f"共 {build.pages} 页" in done
    pdf = b"".join(client.get(f"{status}pdf/").streaming_content)
    assert "传达学习市委文件" in pdf_text(pdf)

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(FORM, print_form(booklet["branch"]))
    assert again["Location"] == f"{status}pdf/"  # kept: no second queue entry


def test_a_long_roll_goes_to_the_worker_too(client, booklet, database_tasks):
    database_tasks.PORTAL_HANDBOOK_INLINE_RECORDS = 40
    database_tasks.PORTAL_HANDBOOK_INLINE_MEMBERS = 1  # the branch has two members
    signed_in(client, OWN)
    response = client.post(FORM, print_form(booklet["branch"]))
    build = HandbookBuild.objects.get()
    assert response["Location"] == f"/admin/orglife/handbook/{build.pk}/"
    assert build.status == HandbookBuild.QUEUED


def test_a_failed_build_says_so_and_keeps_no_file(client, booklet, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(handbook, "render", broken)
    signed_in(client, OWN)
    response = client.post(FORM, print_form(booklet["branch"]), follow=True)
    build = HandbookBuild.objects.get()
    assert build.status == HandbookBuild.FAILED and not build.file
    assert "生成失败" in response.content.decode()
    assert client.get(f"/admin/orglife/handbook/{build.pk}/pdf/").status_code == 404


def test_a_build_a_dead_worker_left_running_is_asked_for_again(booklet, settings):
    count, version = handbook_builds.stamp(booklet["branch"], YEAR)
    left = timezone.now() - datetime.timedelta(seconds=settings.PORTAL_TASK_STALE_AFTER + 1)
    HandbookBuild.objects.create(
        organisation=booklet["branch"],
        year=YEAR,
        status=HandbookBuild.RUNNING,
        stamp=version,
        requested_at=left,
    )
    build = handbook_builds.request_handbook(booklet["branch"], YEAR)
    assert build.status == HandbookBuild.DONE and build.pages
