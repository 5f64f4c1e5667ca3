"""The Wagtail page editor under the admin's Content-Security-Policy, which allows no
inline script without the request's nonce (base/security.py): in real headless Chromium
the editor's inline panels and date pickers run, a page saves, and the console shows no
CSP violation."""

import pytest
from selenium.webdriver.common.by import By

from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def csp_errors(driver):
    logs = driver.get_log("browser")
    return [e["message"] for e in logs if "Content Security Policy" in e["message"]]


def test_the_page_editor_works_without_unsafe_inline_scripts(
    org_tree, live_server, chromium, wait, client
):
    client.force_login(UserFactory(username="editor-in-chief", is_staff=True, is_superuser=True))
    browser = chromium(1280, 900)
    browser.get(f"{live_server.url}/admin/login/")
    browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})

    branch = org_tree["da-s1-b1"]
    browser.get(f"{live_server.url}/admin/pages/{branch.pk}/edit/")
    policy = client.get(f"/admin/pages/{branch.pk}/edit/")["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src
    # The inline panel's script ran (it wires the add button) and adds a form.
    before = len(browser.find_elements(By.CSS_SELECTOR, "[id^=inline_child_leaders-]"))
    browser.execute_script("document.getElementById('id_leaders-ADD').click()")
    wait(
        browser,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "[id^=inline_child_leaders-]")) > before,
        10,
        "the inline panel did not add a form",
    )
    # The date/time pickers of the schedule dialog were set up by their inline scripts.
    wait(
        browser,
        lambda d: d.execute_script(
            "return document.querySelectorAll('.xdsoft_datetimepicker').length"
        ),
        10,
        "no date picker was initialised",
    )
    # Saving a draft works.
    browser.execute_script("document.getElementById('id_leaders-TOTAL_FORMS').value = 0")
    title = browser.find_element(By.ID, "id_title")
    title.clear()
    title.send_keys("一街道第一支部（改）")
    browser.execute_script("document.querySelector('form[data-edit-form]').requestSubmit()")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".messages .success"), 15, "not saved")
    branch.refresh_from_db()
    assert branch.get_latest_revision().content["title"] == "一街道第一支部（改）"
    assert csp_errors(browser) == []
