"""Start Debian's headless Chromium through chromedriver (both installed by .ci/run)."""

import shutil

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

QUIET = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def start_chromium(width, height, extra_flags=(), exact_viewport=False):
    """A driver whose window is width×height; with exact_viewport the page itself is
    (--window-size counts the window's frame)."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in [*QUIET, *extra_flags, f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    if exact_viewport:
        inner = driver.execute_script("return [innerWidth, innerHeight]")
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    return driver
