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


def start_chromium(
    width, height, extra_flags=(), exact_viewport=False, languages="zh-CN,zh", network_log=False
):
    """A driver whose window is width×height; with exact_viewport the page itself is,
    and below 500 px it is a phone's touch screen. (A headless window is never narrower
    than 500 px and --window-size counts the window's frame, so the page's size is set
    through the DevTools protocol.) The browser asks for `languages` (Accept-Language):
    a member's phone set to Chinese unless a test says otherwise (headless Chromium
    would send en-US, and the portal sends English browsers to /en/). With network_log,
    every request the pages make is in `driver.get_log("performance")` (DevTools'
    Network events)."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    window = max(width, 500) if exact_viewport else width
    for flag in [*QUIET, *extra_flags, f"--window-size={window},{height}"]:
        options.add_argument(flag)
    logs = {"browser": "ALL", "performance": "ALL"} if network_log else {"browser": "ALL"}
    options.set_capability("goog:loggingPrefs", logs)
    options.add_argument(f"--lang={languages.split(',')[0]}")
    options.add_experimental_option("prefs", {"intl.accept_languages": languages})
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    if exact_viewport:
        phone = width < 500
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone},
        )
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": phone})
    return driver
