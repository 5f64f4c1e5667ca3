"""Real headless Chromium (tests/browser/chromium.py) and what the browser tests read off
the pages it shows."""

import contextlib

import pytest
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
