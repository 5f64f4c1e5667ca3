"""The e-map (党建电子地图) in real headless Chromium, on a phone (390×844, touch) and a
desktop (1366×900): a mark per organisation in its status's colour, two close
organisations merged into a cluster (coloured by the worse status) that splits when
zoomed in (the + button, the wheel, a pinch or a click on it), a click on a mark opens
the organisation's card, and every request the page makes stays on 127.0.0.1 (the
DevTools network log). Screenshots go to /tmp/look-oversight-map/."""

import json
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from oversight import scores
from oversight.models import OrganisationScore
from sites.models import OrganisationPage
from tests.factories import UserFactory

# The oversight test tree (registered under its own name; imported under another so
# that the test parameters do not shadow it).

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path("/tmp/look-oversight-map")
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# code: (latitude, longitude, status); the street and its branch are ~30 m apart.
PLACES = {
    "testcity": ("39.140000", "117.200000", OrganisationScore.OK),
    "da": ("39.110000", "117.225000", OrganisationScore.DUE),
    "da-s1": ("39.160000", "117.165000", OrganisationScore.OVERDUE),
    "da-s1-b1": ("39.160200", "117.165200", OrganisationScore.ZOMBIE),
    "da-s2-b1": ("39.095000", "117.170000", OrganisationScore.NEW),
}
UNMAPPED = "da-s2"
COLOURS = {  # oversight/static/oversight/map.css
    "ok": "rgb(46, 125, 50)",
    "due": "rgb(245, 158, 11)",
    "overdue": "rgb(211, 47, 47)",
    "zombie": "rgb(55, 71, 79)",
    "new": "rgb(30, 136, 229)",
}


@pytest.fixture
def map_tree(aged_tree):
    """aged_tree placed on the city (da-s2 without coordinates), with this month's scores
    stored and each organisation given a status of its own."""
    for code, (lat, lon, _status) in PLACES.items():
        OrganisationPage.objects.filter(pk=aged_tree[code].pk).update(
            latitude=Decimal(lat), longitude=Decimal(lon)
        )
    scores.refresh(aged_tree["testcity"])
    for code, (_lat, _lon, status) in PLACES.items():
        OrganisationScore.objects.filter(organisation=aged_tree[code], period="month").update(
            status=status, score=80.0, compliance=0.5
        )
    OrganisationScore.objects.filter(organisation=aged_tree[UNMAPPED], period="month").update(
        status=OrganisationScore.OK
    )
    return aged_tree


def open_map(chromium, client, live_server, size):
    driver = chromium(*SIZES[size], exact_viewport=True, network_log=True)
    client.force_login(UserFactory(username="city-overseer", is_staff=True, is_superuser=True))
    driver.get(f"{live_server.url}/admin/login/")  # a page of the host, for the cookie
    driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})
    driver.get_log("performance")  # from here on: the map page's requests only
    driver.get(f"{live_server.url}/admin/oversight/map/")
    return driver


def ready(driver, wait):
    wait(
        driver,
        lambda d: d.execute_script("return !!document.querySelector('[data-omap][data-ready]')"),
    )


def drawn(driver):
    """[(kind, status, fill, codes, count)] of what is drawn."""
    return driver.execute_script(
        """return [...document.querySelectorAll('.omap-marks > g')].map(g => {
            const c = g.querySelector('circle');
            return [g.classList.contains('omap-cluster') ? 'cluster' : 'mark',
                    g.dataset.status, getComputedStyle(c).fill,
                    (g.dataset.codes || g.dataset.code).split(' '),
                    Number(g.dataset.count || 1)];
        });"""
    )


def requested(driver):
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def shoot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SHOTS / f"{name}.png"))


def settle(driver, wait, before):
    wait(
        driver,
        lambda d: (
            d.execute_script("return document.querySelector('[data-omap]').dataset.zoom") != before
        ),
    )
    time.sleep(0.05)


def zoom(driver):
    return driver.execute_script("return document.querySelector('[data-omap]').dataset.zoom")


@pytest.mark.parametrize("size", SIZES)
def test_marks_in_their_colours_cluster_when_zoomed_out_and_split_when_zoomed_in(
    chromium, client, live_server, map_tree, wait, size
):
    driver = open_map(chromium, client, live_server, size)
    ready(driver, wait)
    shoot(driver, f"map-{size}")
    groups = drawn(driver)
    marks = [g for g in groups if g[0] == "mark"]
    clusters = [g for g in groups if g[0] == "cluster"]
    # Every mapped organisation is drawn once, the unmapped one is listed under the map.
    assert sorted(c for g in groups for c in g[3]) == sorted(PLACES)
    for _kind, status, fill, codes, _count in marks:
        assert status == PLACES[codes[0]][2] and fill == COLOURS[status], codes
    assert [sorted(g[3]) for g in clusters] == [["da-s1", "da-s1-b1"]]
    assert clusters[0][1] == "zombie" and clusters[0][2] == COLOURS["zombie"]  # the worse
    assert clusters[0][4] == 2
    assert driver.find_element(
        By.CSS_SELECTOR, f'[data-testid="unmapped"] tr[data-code="{UNMAPPED}"]'
    )
    legend = driver.find_element(By.CSS_SELECTOR, '[data-testid="legend"]').text
    assert all(word in legend for word in ("正常", "即将到期", "逾期", "僵尸", "新建"))
    assert driver.execute_script("return document.documentElement.scrollWidth <= innerWidth + 1")

    # The + button, until the two part.
    for _ in range(8):
        if not any(g[0] == "cluster" for g in drawn(driver)):
            break
        before = zoom(driver)
        driver.find_element(By.CSS_SELECTOR, '[data-zoom="in"]').click()
        settle(driver, wait, before)
    split = drawn(driver)
    assert not [g for g in split if g[0] == "cluster"]
    pair = {g[3][0]: g for g in split if g[3][0] in ("da-s1", "da-s1-b1")}
    assert pair["da-s1"][2] == COLOURS["overdue"] and pair["da-s1-b1"][2] == COLOURS["zombie"]
    shoot(driver, f"map-zoomed-{size}")

    # Back out: merged again; a click on the cluster splits it.
    before = zoom(driver)
    driver.find_element(By.CSS_SELECTOR, '[data-zoom="reset"]').click()
    settle(driver, wait, before)
    assert [g[4] for g in drawn(driver) if g[0] == "cluster"] == [2]
    before = zoom(driver)
    driver.find_element(By.CSS_SELECTOR, ".omap-cluster").click()
    settle(driver, wait, before)
    assert not [g for g in drawn(driver) if g[0] == "cluster"]

    # A click on a mark opens its card.
    driver.find_element(By.CSS_SELECTOR, '.omap-mark[data-code="da-s1-b1"]').click()
    card = driver.find_element(By.CSS_SELECTOR, '[data-testid="card"]')
    wait(driver, lambda d: card.is_displayed())
    text = card.text
    branch = map_tree["da-s1-b1"]
    assert branch.title in text and map_tree["da-s1"].title in text and "僵尸" in text
    assert "最近更新" in text and "从未更新" in text and "50%" in text and "80" in text
    dashboard = card.find_element(By.CSS_SELECTOR, '[data-field="dashboard_url"]')
    wanted = reverse("oversight_dashboard") + "?org=da-s1-b1"
    assert dashboard.get_attribute("href").endswith(wanted)
    assert card.find_element(By.CSS_SELECTOR, '[data-field="site_url"]').get_attribute("href")
    shoot(driver, f"map-card-{size}")

    urls = requested(driver)
    assert any(u.endswith("/static/oversight/jiangcheng.geojson") for u in urls), urls
    assert any("/static/oversight/map.js" in u for u in urls)
    outside = [
        u
        for u in urls
        if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOCAL_HOSTS
    ]
    assert not outside


def test_the_wheel_zooms_in_around_the_pointer_on_the_desktop(
    chromium, client, live_server, map_tree, wait
):
    driver = open_map(chromium, client, live_server, "desktop")
    ready(driver, wait)
    driver.execute_script(
        "document.querySelector('.omap').scrollIntoView({block: 'center', behavior: 'instant'})"
    )
    for _ in range(12):
        if not driver.find_elements(By.CSS_SELECTOR, ".omap-cluster"):
            break
        before = zoom(driver)
        # A wheel turn towards the screen over the cluster (a mouse's, not a trackpad's).
        driver.execute_script(
            """const g = document.querySelector('.omap-cluster'), box = g.getBoundingClientRect();
            g.closest('svg').dispatchEvent(new WheelEvent('wheel', {deltaY: -400,
                clientX: box.x + box.width / 2, clientY: box.y + box.height / 2,
                bubbles: true, cancelable: true}));"""
        )
        settle(driver, wait, before)
    assert not driver.find_elements(By.CSS_SELECTOR, ".omap-cluster")
    assert float(zoom(driver)) > 1
    # The pair stays in view: the zoom was centred on them.
    inside = driver.execute_script(
        """const svg = document.querySelector('.omap-svg').getBoundingClientRect();
        return ['da-s1', 'da-s1-b1'].map(code => {
            const box = document.querySelector(`.omap-mark[data-code="${code}"] circle`)
                .getBoundingClientRect();
            return box.x >= svg.x && box.right <= svg.right && box.y >= svg.y
                && box.bottom <= svg.bottom;
        });"""
    )
    assert inside == [True, True]
    shoot(driver, "map-wheel-desktop")


def test_a_pinch_zooms_in_on_the_phone(chromium, client, live_server, map_tree, wait):
    driver = open_map(chromium, client, live_server, "phone")
    ready(driver, wait)
    box = driver.execute_script(
        "const r = document.querySelector('.omap-svg').getBoundingClientRect();"
        "return [r.x + r.width / 2, r.y + r.height / 2];"
    )
    x, y = box
    before = float(zoom(driver))

    def touch(kind, spread):
        points = (
            []
            if kind == "touchEnd"
            else [
                {"x": x - spread, "y": y, "id": 1},
                {"x": x + spread, "y": y, "id": 2},
            ]
        )
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 20)
    for spread in range(30, 140, 10):
        touch("touchMove", spread)
    touch("touchEnd", 0)
    wait(driver, lambda d: float(zoom(d)) > before * 2)
    shoot(driver, "map-pinch-phone")
