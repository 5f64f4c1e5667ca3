"""快速记录 on a phone (390×844) in real Chromium: a branch editor goes from the admin home
to a saved record — a type, a topic, one member marked 请假 with a reason, a photo from the
"camera" — counting every tap the test makes (a click, and opening the camera; typing and
picking files are not taps), then publishes its public summary from the success screen.
The time the flow takes is printed for the report, never asserted. Screenshots go to
/tmp/look-quick/ (the phone and a 1366×900 desktop) for people to look at."""

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from wagtail.models import WorkflowState

from content.models import ArticlePage
from orglife.models import MeetingRecord
from tests.kitchen.factories import photo_bytes
from tests.learning.factories import MemberFactory
from tests.orglife.factories import role_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE, DESKTOP = (390, 844), (1366, 900)
SHOTS = Path("/tmp/look-quick")
MAX_TAPS = 6
BRANCH = "da-s1-b1"
NAMES = ["李一", "李二", "王三", "张四"]


@pytest.fixture
def members(org_tree):
    return [MemberFactory(branch=org_tree[BRANCH], name=name).member for name in NAMES]


@pytest.fixture
def editor(client, org_tree):
    user = role_user(BRANCH, "editors")
    client.force_login(user)
    return user


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(photo_bytes(size=(800, 600)))
    return path


def test_a_meeting_from_the_admin_home_to_saved_in_a_handful_of_taps(
    signed_in_admin, live_server, client, editor, members, picture, org_tree, wait
):
    phone = signed_in_admin(PHONE, SHOTS)
    driver = phone.driver
    assert driver.execute_script("return innerWidth") == PHONE[0]
    started = time.monotonic()
    phone.tap("[data-testid=quick-record-panel-button]")
    wait(driver, lambda d: d.find_elements(By.ID, "id_topic"), 15, "no 快速记录 form")
    phone.full_shot("phone-1-form")
    assert phone.wider_than_the_screen() == []
    assert len(driver.find_elements(By.CSS_SELECTOR, "[data-testid=qr-present]:checked")) == 4
    # Nothing of 请假/缺席 is in the way while everyone is ticked.
    assert not driver.find_element(By.CSS_SELECTOR, "[data-testid=qr-reason]").is_displayed()

    phone.tap("[data-testid=qr-type]:nth-child(5)")  # 主题党日 (types in their order)
    phone.type("#id_topic", "重温入党誓词主题党日")
    li2 = f"[data-testid=qr-member][data-name={NAMES[1]}]"
    phone.tap(f"{li2} [data-testid=qr-present]")
    reason = driver.find_element(By.CSS_SELECTOR, f"{li2} [data-testid=qr-reason]")
    assert reason.is_displayed()  # shown in place, 请假 chosen by default
    assert driver.find_element(By.CSS_SELECTOR, f"{li2} [data-testid=qr-leave]").is_selected()
    reason.send_keys("外出学习")
    phone.pick_photo(picture)
    caption = wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[name=photo_caption]"),
        10,
        "the photo got no 图片说明 field",
    )[0]
    assert caption.get_attribute("value") == "重温入党誓词主题党日"  # from the topic
    phone.full_shot("phone-2-filled")
    assert phone.wider_than_the_screen() == []
    phone.tap("[data-testid=quick-submit]")
    wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=quick-record-done]"),
        20,
        "no success screen",
    )
    elapsed = time.monotonic() - started
    record_taps = phone.taps
    phone.shoot("phone-3-saved")
    print(f"快速记录: {record_taps} taps, {elapsed:.1f} s from the admin home to 已保存")
    assert record_taps <= MAX_TAPS and record_taps == 5

    record = MeetingRecord.objects.get(topic="重温入党誓词主题党日")
    assert record.organisation == org_tree[BRANCH] and record.meeting_type.code == "ztdr"
    statuses = {a.member.name: (a.status, a.reason) for a in record.attendances.all()}
    assert statuses == {
        "李一": ("present", ""),
        "李二": ("leave", "外出学习"),
        "王三": ("present", ""),
        "张四": ("present", ""),
    }
    photo = record.photos.get()
    assert photo.caption == "重温入党誓词主题党日"
    assert photo.image.description == "重温入党誓词主题党日"
    text = driver.find_element(By.CSS_SELECTOR, "[data-testid=quick-done-attendance]").text
    assert "出席 3 人，请假 1 人，缺席 0 人" in text

    # 发布公开摘要 from the success screen: confirm the prefilled text, submit.
    phone.tap("[data-testid=public-summary-button]")
    wait(driver, lambda d: d.find_elements(By.ID, "id_text"), 15, "no confirmation")
    assert driver.find_element(By.ID, "id_title").get_attribute("value") == record.topic
    phone.full_shot("phone-4-summary")
    assert phone.wider_than_the_screen() == []
    phone.tap("[data-testid=public-summary-submit]")
    done = wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=public-summary-done]"),
        20,
        "no summary result",
    )[0]
    phone.shoot("phone-5-summary-submitted")
    assert done.get_attribute("data-state") == "in_review"
    print(f"发布公开摘要: {phone.taps - record_taps} taps more")
    record.refresh_from_db()
    page = ArticlePage.objects.get(pk=record.public_summary_id)
    assert page.cover == photo.image
    assert WorkflowState.objects.for_instance(page).get().status == "in_progress"


def test_the_form_and_its_errors_on_a_desktop(
    signed_in_admin, live_server, client, editor, members, picture, wait
):
    desk = signed_in_admin(DESKTOP, SHOTS)
    driver = desk.driver
    driver.get(f"{live_server.url}/admin/orglife/quick-record/")
    wait(driver, lambda d: d.find_elements(By.ID, "id_topic"), 15, "no 快速记录 form")
    desk.shoot("desktop-1-form")
    assert desk.wider_than_the_screen() == []
    li2 = f"[data-testid=qr-member][data-name={NAMES[1]}]"
    desk.tap(f"{li2} [data-testid=qr-present]")
    desk.pick_photo(picture)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[name=photo_caption]"), 10)
    form_url = driver.current_url
    desk.tap("[data-testid=quick-submit]")  # no topic, 请假 without a reason
    # The browser stops it before anything is sent: the picked photo stays.
    invalid = driver.execute_script(
        "return [...document.querySelectorAll(':invalid')].map(e => e.name)"
    )
    assert "topic" in invalid and f"reason-{members[1].pk}" in invalid
    assert driver.current_url == form_url
    assert driver.find_elements(By.CSS_SELECTOR, "[data-testid=quick-photo]")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid=quick-problems]")

    # A browser that checks nothing: the server names every problem and writes nothing.
    driver.execute_script(
        "document.querySelector('[data-quick-record]').noValidate = true;"
        "document.querySelectorAll('[data-testid=quick-submit]').forEach(b => b.disabled = false)"
    )
    desk.tap("[data-testid=quick-submit]")
    problems = wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=quick-problems]"),
        15,
        "no problems shown",
    )[0]
    desk.shoot("desktop-2-errors")
    assert "请填写主题" in problems.text and "李二请假，请填写原因" in problems.text
    assert "照片尚未保存" in problems.text and "张照片无法使用" not in problems.text
    # The member stays unticked with the reason field open, where the problem is.
    assert driver.find_element(By.CSS_SELECTOR, f"{li2} [data-testid=qr-reason]").is_displayed()
    assert MeetingRecord.objects.count() == 0
