"""传达学习 as people see it in real Chromium, on a phone (390×844) and a desktop
(1366×900): a branch editor's status on the directive page, and a district editor's
传达学习情况 and a directive's coverage in the admin. Nothing sticks out sideways;
screenshots go to /tmp/look-relay/ for people to look at."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

# The 传达学习 test tree's fixtures (registered by their own names, relay_tree and
# relay_world; imported under others so that the test parameters do not shadow them).
from tests.orglife.conftest import relay_tree as _relay_tree  # noqa: F401
from tests.orglife.conftest import relay_world as _relay_world  # noqa: F401
from tests.orglife.factories import role_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path("/tmp/look-relay")
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def portal_path(org, home, directive):
    """`directive` inside `org`'s site, by path on the portal host."""
    issuer = directive.issuing_organisation
    return org.url_path[len(home.url_path) - 1 :] + directive.url_path[len(issuer.url_path) :]


def signed_in(chromium, size, client, live_server, user):
    driver = chromium(*SIZES[size], exact_viewport=True, languages="zh-CN,zh")
    client.force_login(user)
    driver.get(f"{live_server.url}/admin/login/")  # a page of the host, for the cookie
    driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})
    return driver


def sideways(driver):
    return driver.execute_script("return document.documentElement.scrollWidth > innerWidth + 1;")


def shoot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_the_branch_editor_sees_the_status_on_the_directive_page(
    chromium, client, live_server, relay_tree, relay_world, size
):
    branch, directive = relay_tree["ra-s2-c1-b2"], relay_world["district"]
    driver = signed_in(chromium, size, client, live_server, role_user(branch.code, "editors"))
    driver.get(live_server.url + portal_path(branch, relay_tree["home"], directive))
    note = driver.find_element(By.CSS_SELECTOR, ".relay-note")
    assert "待传达" in note.text and "还剩 10 天" in note.text
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", note)
    shoot(driver, f"page-branch-due-{size}")
    assert not sideways(driver)
    note.find_element(By.LINK_TEXT, "填写传达学习记录").click()
    topic = driver.find_element(By.ID, "id_topic")
    assert topic.get_attribute("value") == f"传达学习《{directive.title}》"
    shoot(driver, f"add-record-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_the_district_editor_sees_who_has_and_has_not_relayed(
    chromium, client, live_server, relay_tree, relay_world, size
):
    driver = signed_in(chromium, size, client, live_server, role_user("ra", "editors"))
    driver.get(f"{live_server.url}/admin/orglife/relay/")
    assert "3/4（75%）" in driver.find_element(By.TAG_NAME, "main").text
    shoot(driver, f"admin-index-{size}")
    assert not sideways(driver)
    driver.find_element(By.LINK_TEXT, relay_world["district"].title).click()
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "已传达 3 个，共 4 个党支部" in main and "二街道一社区" in main
    shoot(driver, f"admin-coverage-{size}")
    assert not sideways(driver)
    driver.get(
        live_server.url + portal_path(relay_tree["ra"], relay_tree["home"], relay_world["city"])
    )
    shoot(driver, f"page-district-{size}")
    assert "下属支部已传达" in driver.find_element(By.CSS_SELECTOR, ".relay-note").text
