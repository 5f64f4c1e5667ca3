"""监督总览 in real Chromium on a phone (390×844) and a desktop (1366×900): a district
editor sees its streets with coloured status badges, the table scrolls inside itself
(the page never sideways), the filters are on screen, and a row drills down a level.
Screenshots go to /tmp/look-oversight/ for people to look at."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from orglife.models import PublishTally
from oversight import scores
from tests.orglife.factories import role_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path("/tmp/look-oversight")
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
ZOMBIE_GREY = "rgba(87, 96, 106, 1)"


def sideways(driver):
    return driver.execute_script("return document.documentElement.scrollWidth > innerWidth + 1;")


def shoot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_the_district_editor_reads_the_dashboard(chromium, client, live_server, aged_tree, size):
    branch = aged_tree["da-s1-b1"]
    posted = timezone.now() - datetime.timedelta(days=2)
    PublishTally.objects.create(
        organisation=branch,
        organisation_path=branch.path,
        month=timezone.localdate(posted).replace(day=1),
        purpose="news",
        updates=1,
        last_at=posted,
    )
    scores.refresh(aged_tree["home"])
    driver = chromium(*SIZES[size], exact_viewport=True, languages="zh-CN,zh")
    client.force_login(role_user("da", "editors"))
    driver.get(f"{live_server.url}/admin/login/")
    driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})
    driver.get(f"{live_server.url}/admin/oversight/")
    main = driver.find_element(By.TAG_NAME, "main")
    assert "甲区一街道" in main.text and "近12个月趋势" in main.text
    shoot(driver, f"dashboard-{size}")
    assert not sideways(driver)
    badge = driver.find_element(By.CSS_SELECTOR, 'tr[data-org="da-s2"] .ov-status')
    assert badge.text == "僵尸"
    assert badge.value_of_css_property("background-color") == ZOMBIE_GREY
    scroller = driver.find_element(By.CSS_SELECTOR, ".ov-scroll")
    inside = driver.execute_script(
        "return arguments[0].scrollWidth > arguments[0].clientWidth;", scroller
    )
    assert inside is (size == "phone")  # the table scrolls in its box on a phone only
    status = driver.find_element(By.ID, "id_status")
    assert status.is_displayed() and status.size["width"] <= SIZES[size][0]
    assert driver.find_element(By.CSS_SELECTOR, "svg.ov-trend rect").is_displayed()
    driver.find_element(By.LINK_TEXT, "甲区一街道").click()
    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-org="da-s1-b1"]')
    assert "2 天前" in row.text
    shoot(driver, f"street-{size}")
    assert not sideways(driver)
