"""Real headless Chromium against the live server: mobile layout, large-font mode, CSP.

CI installs Debian's chromium and chromium-driver (.ci/run); without them these tests
fail rather than skip, because they are the only check of what a member actually sees.
"""

import pytest
from selenium.webdriver.common.by import By

# The live server runs in another thread, so data must be committed; serialized_rollback
# restores what migrations created (root page, locale) for the next test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(chromium):
    return chromium(390, 844, exact_viewport=True)  # a phone, not a 500 px window


def font_size(driver):
    return float(
        driver.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    )


def test_branch_home_on_a_phone_and_large_font_mode(org_tree, live_server, browser, tmp_path):
    browser.get(f"{live_server.url}/da/da-s1/da-s1-b1/")
    assert browser.find_element(By.TAG_NAME, "h1").text.strip().startswith("一街道第一支部")
    assert browser.find_element(By.ID, "main")  # skip-link target / main landmark
    # No horizontal scrolling on a 390 px phone.
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    normal = font_size(browser)
    browser.find_element(By.PARTIAL_LINK_TEXT, "大字").click()
    assert "large-font" in browser.find_element(By.TAG_NAME, "html").get_attribute("class")
    assert font_size(browser) >= normal * 1.2
    assert browser.current_url.endswith("/da/da-s1/da-s1-b1/")
    shot = tmp_path / "branch.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    # The strict Content-Security-Policy blocked nothing the page needs.
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_directory_search_in_the_browser(org_tree, live_server, browser):
    browser.get(f"{live_server.url}/directory/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("二街道")
    box.submit()
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "main a")]
    assert "甲区二街道" in links and "二街道第一支部" in links
    assert "甲区一街道" not in links


def test_an_english_browser_gets_english_until_the_reader_picks_chinese(
    org_tree, live_server, chromium
):
    """Accept-Language on the first visit (en-US → /en/); the switcher's choice is
    remembered, so the same unprefixed address then stays Chinese."""
    browser = chromium(390, 844, exact_viewport=True, languages="en-US,en")
    home = f"{live_server.url}/da/da-s1/da-s1-b1/"
    browser.get(home)
    assert "/en/" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # The branch has no English version: its Chinese text is shown and said to be Chinese.
    assert "not yet available in English" in browser.find_element(By.TAG_NAME, "body").text
    browser.find_element(By.CSS_SELECTOR, ".language-switcher a[hreflang='zh-Hans']").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    assert browser.find_element(By.TAG_NAME, "h1").text.strip().startswith("一街道第一支部")
    browser.get(home)
    assert "/en/" not in browser.current_url
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
