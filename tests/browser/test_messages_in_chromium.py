"""监督 → 消息 and the 待办 panel in real Chromium, on a phone (390×844) and a desktop
(1366×900): a branch editor's 待办 on the admin home, the message list, a message and the
branch's sent reminders. Nothing sticks out sideways; screenshots go to
/tmp/look-messages/ for people to look at."""

from pathlib import Path

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path("/tmp/look-messages")
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
BRANCH = "da-s1-b1"


def sideways(driver):
    return driver.execute_script("return document.documentElement.scrollWidth > innerWidth + 1;")


def shoot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_a_branch_editor_reads_their_reminders_and_acts(
    chromium, client, live_server, aged_tree, size
):
    from oversight.reminders import send_reminders

    editor = UserFactory(username="b-editor", email="b@example.org", groups=[f"{BRANCH}:editors"])
    assert send_reminders(timezone.localdate()) > 0
    client.force_login(editor)
    driver = chromium(*SIZES[size], exact_viewport=True, languages="zh-CN,zh")
    driver.get(f"{live_server.url}/admin/login/")  # a page of the host, for the cookie
    driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})

    driver.get(f"{live_server.url}/admin/")
    panel = driver.find_element(By.CSS_SELECTOR, '[data-testid="todo-panel"]')
    assert "未读" in panel.text and "僵尸" in panel.text
    buttons = panel.find_elements(By.CSS_SELECTOR, '[data-testid="todo-item"] a.button')
    assert buttons and all(b.is_displayed() for b in buttons)
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", panel)
    shoot(driver, f"todo-panel-{size}")
    assert not sideways(driver)

    driver.get(f"{live_server.url}/admin/oversight/messages/")
    unread = driver.find_elements(By.CSS_SELECTOR, '[data-testid="message"][data-unread]')
    assert unread
    shoot(driver, f"messages-{size}")
    assert not sideways(driver)
    unread[0].find_element(By.TAG_NAME, "a").click()
    act = driver.find_element(By.CSS_SELECTOR, '[data-testid="message-act"]')
    assert act.is_displayed()
    shoot(driver, f"message-{size}")
    assert not sideways(driver)

    driver.get(f"{live_server.url}/admin/oversight/messages/sent/")
    assert driver.find_elements(By.CSS_SELECTOR, '[data-testid="delivery"]')
    shoot(driver, f"sent-{size}")
    assert not sideways(driver)
