"""The reviewer in Wagtail's page editor on a phone (390×844) in real Chromium: the page an
editor submitted to 一审 offers 通过并发布 (not 通过 和发布) and no bare 发布; approving
publishes it and the message says 已发布. A screenshot goes to /tmp/shots-editor/."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from selenium.webdriver.common.by import By

from content.models import ArticlePage
from tests.content.factories import article_form
from tests.factories import ImageFactory, UserFactory
from tests.sites.factories import column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = (390, 844)
SHOTS = Path("/tmp/shots-editor")
TITLE = "支部开展主题党日活动"
APPROVE = "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"


def submitted_page(branch):
    editor = Client()
    editor.force_login(UserFactory(username="phone-editor", groups=[f"{branch.code}:editors"]))
    news = column(branch, "news")
    cover = ImageFactory(description="党员走访老党员")
    data = article_form(TITLE, "<p>支部党员走访慰问老党员。</p>", cover=cover.pk)
    url = reverse("wagtailadmin_pages:add", args=["content", "articlepage", news.pk])
    assert editor.post(url, {**data, "action-submit": "1"}).status_code == 302
    return ArticlePage.objects.get(title=TITLE)


def tap(driver, element):
    # The admin scrolls smoothly; a finger would swipe first (a swipe is no tap).
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.click()


def test_the_reviewer_approves_and_publishes_on_a_phone(chromium, live_server, org_tree, wait):
    branch = org_tree["da-s1-b1"]
    page = submitted_page(branch)
    reviewer = Client()
    reviewer.force_login(
        UserFactory(username="phone-reviewer", groups=[f"{branch.code}:reviewers"])
    )
    driver = chromium(*PHONE, exact_viewport=True)
    driver.get(f"{live_server.url}/admin/login/")  # a page of the host, for the cookie
    driver.add_cookie({"name": "sessionid", "value": reviewer.cookies["sessionid"].value})
    driver.get(f"{live_server.url}{reverse('wagtailadmin_pages:edit', args=[page.pk])}")
    button = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, APPROVE), 20, "no 通过")[0]
    assert driver.execute_script("return innerWidth") == PHONE[0]
    labels = [
        b.get_attribute("textContent").strip()
        for b in driver.find_elements(By.CSS_SELECTOR, "footer button, footer a")
    ]
    assert "通过并发布" in labels
    assert not any("和发布" in label for label in labels)
    assert not driver.find_elements(By.CSS_SELECTOR, "button[name=action-publish]")

    if not button.is_displayed():  # in the action menu's drop-up: open it first
        toggle = driver.find_element(
            By.CSS_SELECTOR, "footer .w-dropdown-button .w-dropdown__toggle"
        )
        tap(driver, toggle)
        button = wait(
            driver,
            lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, APPROVE) if b.is_displayed()],
            10,
            "通过并发布 not shown",
        )[0]
    assert button.text.strip() == "通过并发布"
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / "1-review-menu.png"))
    tap(driver, button)

    message = wait(
        driver,
        lambda d: [
            m for m in d.find_elements(By.CSS_SELECTOR, ".messages li") if "已发布" in m.text
        ],
        20,
        "no 已发布 message",
    )[0]
    driver.save_screenshot(str(SHOTS / "2-published.png"))
    assert message.text.startswith(f"已发布：{TITLE}")
    assert "已被更新" not in driver.find_element(By.CSS_SELECTOR, ".messages").text
    page.refresh_from_db()
    assert page.live
