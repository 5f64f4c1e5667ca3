"""快速发布 on a phone (390×844, a touch screen) in real Chromium: from the admin home to
「已提交一审」 with a photo, counting every tap the test makes (a click, and opening the file
chooser; typing and picking files are not taps), and a story that 自动校对 rejects, shown on
the same screen with nothing submitted and the photo kept. Screenshots go to
/tmp/shots-quick/ for people to look at."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from wagtail.models import Page, WorkflowState

from content.models import ArticlePage
from kitchen import proofreading
from kitchen.models import LexiconTerm
from tests.kitchen.factories import photo_bytes, quick_editor
from tests.sites.factories import column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = (390, 844)
SHOTS = Path("/tmp/shots-quick")
MAX_TAPS = 5
TAPS_BEFORE = 12  # ☰ → 页面 → 支部动态 → ⊕ → page type → form … (issue 19)


@pytest.fixture
def phone(signed_in_admin, client, org_tree):
    client.force_login(quick_editor(org_tree["da-s1-b1"]))
    return signed_in_admin(PHONE, SHOTS)


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(photo_bytes(size=(800, 600)))
    return path


def test_a_photo_story_from_the_admin_home_to_submitted_in_five_taps_or_fewer(
    phone, picture, org_tree, wait
):
    driver = phone.driver
    assert driver.execute_script("return innerWidth") == PHONE[0]
    phone.shoot("1-admin-home")
    phone.tap("[data-testid=quick-panel-button]")
    wait(driver, lambda d: d.find_elements(By.ID, "id_title"), 15, "no 快速发布 form")
    title = "银河社区第一党支部开展主题党日活动"
    phone.type("#id_title", title)
    phone.type("#id_text", "今天上午，支部党员走访慰问老党员。\n大家表示要继续发挥作用。")
    phone.pick_photo(picture)
    caption = wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[name=photo_caption]"),
        10,
        "the photo got no 图片说明 field",
    )[0]
    assert caption.get_attribute("value") == title  # prefilled from the title
    thumbnail = driver.find_element(By.CSS_SELECTOR, "[data-testid=quick-photo] img")
    assert thumbnail.get_attribute("src").startswith("blob:")
    assert phone.wider_than_the_screen() == []
    phone.shoot("2-form")
    phone.tap("[data-testid=quick-submit]")

    done = wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=quick-done]"),
        20,
        "no result screen",
    )[0]
    phone.shoot("3-submitted")
    assert done.get_attribute("data-state") == "submitted"
    heading = driver.find_element(By.CSS_SELECTOR, "[data-testid=quick-done-title]").text
    assert heading == f"已提交一审：{title}"
    assert phone.wider_than_the_screen() == []
    print(f"快速发布: {phone.taps} taps (before: {TAPS_BEFORE} over 7 screens)")
    assert phone.taps <= MAX_TAPS and phone.taps == 3

    news = column(org_tree["da-s1-b1"], "news")
    page = ArticlePage.objects.child_of(news).get(title=title)
    assert page.cover is not None and page.cover.description == title
    assert WorkflowState.objects.for_instance(page).get().status == "in_progress"


def test_a_story_proofreading_rejects_is_shown_on_the_same_screen(phone, picture, wait):
    LexiconTerm.objects.create(word="非法集资", kind="banned")
    proofreading.bump_lexicon_version()
    driver = phone.driver
    pages = Page.objects.count()
    phone.tap("[data-testid=quick-panel-button]")
    wait(driver, lambda d: d.find_elements(By.ID, "id_title"), 15, "no 快速发布 form")
    form_url = driver.current_url
    phone.type("#id_title", "支部提醒")
    phone.type("#id_text", "请大家警惕非法集资。")
    phone.pick_photo(picture)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[name=photo_caption]"), 10)
    phone.tap("[data-testid=quick-submit]")

    problems = wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=quick-problems]"),
        20,
        "no findings shown",
    )[0]
    phone.shoot("4-rejected")
    assert driver.current_url == form_url  # the same screen, not a result page
    assert "还没有提交" in problems.text
    assert "禁用词“非法集资”" in problems.text and "删去或改写“非法集资”" in problems.text
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid=quick-done]")
    assert "已提交" not in driver.find_element(By.TAG_NAME, "main").text
    # What was typed and the photo are still there (the photo as a kept image).
    assert driver.find_element(By.ID, "id_text").get_attribute("value") == "请大家警惕非法集资。"
    assert driver.find_elements(By.CSS_SELECTOR, "[name=kept_image]")
    assert phone.wider_than_the_screen() == []
    assert Page.objects.count() == pages and not WorkflowState.objects.exists()
