"""Real headless Chromium (tests/browser/chromium.py) and what the browser tests read off
the pages it shows."""

import contextlib
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .chromium import start_chromium


@pytest.fixture
def chromium():
    """Starts a Chromium window, `chromium(width, height, extra_flags, exact_viewport,
    languages=…)`; every window started is closed after the test."""
    drivers = []

    def start(width, height, extra_flags=(), exact_viewport=False, **options):
        driver = start_chromium(width, height, extra_flags, exact_viewport, **options)
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        with contextlib.suppress(Exception):  # (a test may have closed it already)
            driver.quit()


def _wait(driver, condition, seconds=15, message="", every=0.1):
    return WebDriverWait(driver, seconds, poll_frequency=every).until(
        lambda d: condition(d), message
    )


@pytest.fixture
def wait():
    """`wait(driver, condition, seconds, message, every)`: condition's first true value."""
    return _wait


@pytest.fixture
def on_stage():
    """(item id, caption, emergency overlay shown, online) as the screen player shows
    them."""

    def read(driver):
        return driver.execute_script(
            """const stage = document.querySelector('[data-testid="stage"]');
            const caption = document.querySelector('[data-testid="caption"]');
            const emergency = document.querySelector('[data-testid="emergency"]');
            return [stage.dataset.item, caption.hidden ? "" : caption.textContent,
                    !emergency.hidden, stage.dataset.online];"""
        )

    return read


@pytest.fixture
def screenshot():
    """Saves a screenshot after the player's cross-fade, so the picture matches the
    caption."""

    def save(driver, path):
        _wait(
            driver,
            lambda d: d.execute_script(
                "const front = document.querySelector('.layer.is-front');"
                "return !front || getComputedStyle(front).opacity === '1';"
            ),
            5,
        )
        assert driver.save_screenshot(str(path)) and path.stat().st_size > 5_000

    return save


class TappingBrowser:
    """A signed-in admin in Chromium that counts the taps made on it (a click, opening the
    camera; typing and picking files are not taps): the phone forms' tests (快速发布,
    快速记录) count the taps a job takes."""

    def __init__(self, driver, size, shots):
        self.driver, self.size, self.shots, self.taps = driver, size, Path(shots), 0

    def tap(self, selector):
        element = self.driver.find_element(By.CSS_SELECTOR, selector)
        # The admin scrolls smoothly; a finger would swipe first (a swipe is no tap).
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
        )
        element.click()
        self.taps += 1

    def pick_photo(self, path):
        """Tap 添加照片 (opening the camera or album counts as a tap), then choose a file."""
        self.taps += 1
        self.driver.find_element(By.ID, "quick-photo-input").send_keys(str(path))

    def type(self, selector, text):
        self.driver.find_element(By.CSS_SELECTOR, selector).send_keys(text)

    def shoot(self, name):
        self.shots.mkdir(parents=True, exist_ok=True)
        assert self.driver.save_screenshot(str(self.shots / f"{name}.png"))

    def full_shot(self, name):
        """The whole page: the viewport made as tall as the page, then back."""
        width, height = self.size
        full = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.resize(width, max(full, height))
        self.shoot(name)
        self.resize(width, height)

    def resize(self, width, height):
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
        )

    def wider_than_the_screen(self):
        """What sticks out sideways (nothing when the page needs no sideways scrolling)."""
        return self.driver.execute_script(
            "const wide = document.documentElement.scrollWidth > innerWidth ? ['page'] : [];"
            "return wide.concat([...document.querySelectorAll('.quick *')]"
            ".filter(e => e.getClientRects().length"
            " && e.getBoundingClientRect().right > innerWidth + 1)"
            ".map(e => e.outerHTML.slice(0, 120)));"
        )


@pytest.fixture
def signed_in_admin(chromium, live_server, client):
    """`signed_in_admin(size, shots)`: Chromium at `size` on the admin home, signed in as
    the user the test's `client` is logged in as, counting its taps from there."""

    def start(size, shots):
        driver = chromium(*size, exact_viewport=True, languages="zh-CN,zh")
        driver.get(f"{live_server.url}/admin/login/")  # a page of the host, for the cookie
        driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})
        driver.get(f"{live_server.url}/admin/")  # the admin home: where the count starts
        return TappingBrowser(driver, size, shots)

    return start
