"""The demo's homes and a cascaded directive as a member sees them in real headless
Chromium, on a phone (390×844) and a laptop (1366×900): cards full of the subtree's items,
and a central directive opened from a branch that stays on the branch's site."""

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = [(390, 844), (1366, 900)]
BRANCH, BRANCH_TITLE = "donghu-hp-yh-d1", "银河社区第一党支部"


@pytest.fixture(params=VIEWPORTS, ids=["phone", "laptop"])
def browser(request, chromium):
    """A window whose page is exactly width×height (a phone's a touch screen)."""
    width, height = request.param
    driver = chromium(width, height, exact_viewport=True)
    driver.viewport = request.param
    return driver


def host_url(live_server, code=None):
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{code + '.' if code else ''}localhost:{port}"


def visible_texts(driver, selector):
    return [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.text]


def card(driver, key):
    return driver.find_element(By.ID, f"card-{key}")


def fits_the_screen(driver):
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
        " && innerWidth === arguments[0]",
        driver.viewport[0],
    )


def shoot(driver, tmp_path, name):
    path = tmp_path / f"{name}-{driver.viewport[0]}.png"
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 10_000


def test_city_home_cards_show_the_whole_city(demo, live_server, browser, tmp_path):
    browser.get(host_url(live_server) + "/")
    assert fits_the_screen(browser)
    assert "暂无内容" not in browser.find_element(By.ID, "main").text
    headlines = card(browser, "headlines")
    covers = headlines.find_elements(By.TAG_NAME, "img")
    assert covers and all(
        browser.execute_script("return arguments[0].naturalWidth", img) > 0 for img in covers
    )
    news = card(browser, "news").find_elements(By.CSS_SELECTOR, ".item-list__item")
    assert len(news) >= 5
    orgs = [item.find_element(By.CSS_SELECTOR, ".item-list__org").text for item in news]
    assert all(name.endswith("党支部") for name in orgs), orgs
    learning = card(browser, "learning").text
    assert "微课" in learning and "有声读物" in learning and "未开始" in learning
    children = visible_texts(browser, "#card-children .child-list__link")
    assert "东湖区" in children
    shoot(browser, tmp_path, "city")


def test_district_home_tours_its_streets(demo, live_server, browser, tmp_path):
    browser.get(host_url(live_server, "donghu") + "/")
    assert fits_the_screen(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("东湖区")
    streets = card(browser, "children").find_elements(By.CSS_SELECTOR, ".child-list__item")
    assert streets and all("最近更新" in s.text or "尚未更新" in s.text for s in streets)
    assert len(card(browser, "news").find_elements(By.CSS_SELECTOR, ".item-list__item")) >= 5
    directives = card(browser, "directives").text
    assert "区委" in directives and "中央" in directives
    shoot(browser, tmp_path, "district")


def test_a_central_directive_opened_on_a_branch_stays_on_the_branch(
    demo, live_server, browser, tmp_path
):
    branch = host_url(live_server, BRANCH)
    browser.get(branch + "/")
    assert fits_the_screen(browser)
    assert browser.find_element(By.CSS_SELECTOR, ".site-brand__link").text == BRANCH_TITLE
    directives = card(browser, "directives")
    assert directives.find_elements(By.CSS_SELECTOR, ".pinned-list__item")
    link = next(
        a
        for a in directives.find_elements(By.CSS_SELECTOR, ".item-list__item a")
        if "/topics/central/" in a.get_attribute("href")
    )
    title = link.text
    shoot(browser, tmp_path, "branch")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()

    assert browser.current_url.startswith(branch + "/topics/central/")
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    assert browser.find_element(By.CSS_SELECTOR, ".site-brand__link").text == BRANCH_TITLE
    nav = visible_texts(browser, ".site-nav__list a")
    assert "本支部文件" in nav and "支部动态" in nav
    crumbs = visible_texts(browser, ".breadcrumbs__list li")
    assert crumbs == ["首页", "专栏专题", "中央精神", title]
    canonical = browser.find_element(By.CSS_SELECTOR, 'link[rel="canonical"]')
    stored = urlsplit(canonical.get_attribute("href"))  # the city's (the Site's own port)
    assert stored.hostname == "localhost" and stored.path.startswith("/topics/central/")
    assert fits_the_screen(browser)
    shoot(browser, tmp_path, "directive")
