"""Pictures as a member sees them, in real headless Chromium on a phone (390×844) and a
desktop (1366×900): an article's cover is shown and decoded, a column lists its items
with thumbnails beside them, an album opens in a lightbox that goes to the next photo by
arrow key, by the next button and by a sideways swipe."""

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from content.models import AlbumPage, AlbumPhoto
from tests.content.factories import ArticleFactory
from tests.factories import ImageFactory
from tests.sites.factories import column

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = [(390, 844), (1366, 900)]
BRANCH_PATH = "/da/da-s1/da-s1-b1"
DECODED = "return arguments[0].complete && arguments[0].naturalWidth > 0"


def window(chromium, width, height):
    """A page of exactly width×height CSS pixels; a phone's is a touch screen."""
    return chromium(width, height, exact_viewport=True)


def picture(alt, width=1600, height=900):
    return ImageFactory(description=alt, file__width=width, file__height=height)


@pytest.fixture
def pictured(org_tree):
    branch = org_tree["da-s1-b1"]
    news = column(branch, "news")
    for n in range(3):
        ArticleFactory(
            parent=news, slug=f"a{n}", title=f"支部活动报道{n}", cover=picture(f"封面{n}")
        )
    album = AlbumPage(title="主题党日活动剪影", slug="album")
    for n, caption in enumerate(["重温入党誓词", "参观教育基地", "集体合影"]):
        photo = picture(caption, 1200, 800 + 100 * n)
        album.photos.add(AlbumPhoto(image=photo, caption=caption, sort_order=n))
    column(branch, "gallery").add_child(instance=album)
    return branch


def console_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def shown(driver, element):
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.width > 0 && r.height > 0 && getComputedStyle(arguments[0]).visibility"
        " === 'visible' && r.right <= innerWidth + 1;",
        element,
    )


@pytest.mark.parametrize("width,height", SIZES)
def test_an_article_cover_is_shown_and_decoded(
    pictured, live_server, chromium, wait, width, height
):
    browser = window(chromium, width, height)
    browser.get(f"{live_server.url}{BRANCH_PATH}/news/a0/")
    cover = browser.find_element(By.CSS_SELECTOR, ".page-cover img")
    wait(browser, lambda d: d.execute_script(DECODED, cover), 15, "the cover never decoded")
    assert shown(browser, cover) and cover.get_attribute("alt") == "封面0"
    box = cover.rect
    assert box["width"] >= min(width, 700) * 0.8  # the column's width, not a stamp
    assert abs(box["width"] / box["height"] - 16 / 9) < 0.05
    # The browser chose a rendition that fits the screen from the srcset.
    chosen = browser.execute_script("return arguments[0].currentSrc", cover)
    assert ".webp" in chosen
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert not console_errors(browser)


@pytest.mark.parametrize("width,height", SIZES)
def test_a_column_lists_its_items_with_thumbnails(
    pictured, live_server, chromium, wait, width, height
):
    browser = window(chromium, width, height)
    browser.get(f"{live_server.url}{BRANCH_PATH}/news/")
    items = browser.find_elements(By.CSS_SELECTOR, ".item-list__item")
    assert len(items) == 3
    for item in items:
        thumb = item.find_element(By.CSS_SELECTOR, ".item-thumb img")
        title = item.find_element(By.CSS_SELECTOR, ".item-list__title")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", thumb)
        wait(browser, lambda d, t=thumb: d.execute_script(DECODED, t), 15, "thumb not decoded")
        assert shown(browser, thumb)
        # Beside the text, on its right, and small.
        assert thumb.rect["x"] > title.rect["x"] + title.rect["width"] * 0.4
        assert 60 <= thumb.rect["width"] <= 200
        assert thumb.get_attribute("loading") == "lazy"
    assert not console_errors(browser)


def lightbox_state(driver):
    return driver.execute_script(
        "const d = document.querySelector('dialog.lightbox');"
        "const img = d && d.querySelector('img');"
        "return d && [d.open, d.dataset.index, d.querySelector('.lightbox__count').textContent,"
        " img.complete && img.naturalWidth > 0, img.alt];"
    )


def swipe_left(driver, element):
    """A finger moving 200 px to the left across `element`."""
    touch = PointerInput(interaction.POINTER_TOUCH, "finger")
    actions = ActionBuilder(driver, mouse=touch)
    centre_x = element.rect["x"] + element.rect["width"] / 2
    centre_y = element.rect["y"] + element.rect["height"] / 2
    actions.pointer_action.move_to_location(int(centre_x + 100), int(centre_y))
    actions.pointer_action.pointer_down()
    for step in range(1, 11):
        actions.pointer_action.move_to_location(int(centre_x + 100 - 20 * step), int(centre_y))
    actions.pointer_action.pointer_up()
    actions.perform()


@pytest.mark.parametrize("width,height", SIZES)
def test_the_album_lightbox_opens_and_goes_to_the_next_photo(
    pictured, live_server, chromium, wait, width, height
):
    browser = window(chromium, width, height)
    browser.get(f"{live_server.url}{BRANCH_PATH}/gallery/album/")
    photos = browser.find_elements(By.CSS_SELECTOR, "[data-album-photo] img")
    assert len(photos) == 3
    wait(browser, lambda d: d.execute_script(DECODED, photos[0]), 15, "first photo not decoded")
    assert shown(browser, photos[0])
    browser.find_elements(By.CSS_SELECTOR, "[data-album-photo]")[0].click()
    wait(browser, lambda d: (lightbox_state(d) or [False])[0], 10, "the lightbox did not open")
    wait(browser, lambda d: lightbox_state(d)[3], 15, "the lightbox photo was not decoded")
    assert lightbox_state(browser)[1:3] == ["0", "1 / 3"]
    assert lightbox_state(browser)[4] == "重温入党誓词"
    large = browser.find_element(By.CSS_SELECTOR, "dialog.lightbox img")
    assert large.rect["width"] >= width * 0.6 or large.rect["height"] >= height * 0.5

    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    wait(browser, lambda d: lightbox_state(d)[1] == "1", 5, "the arrow key did not go on")
    wait(browser, lambda d: lightbox_state(d)[3], 15, "the second photo was not decoded")
    assert "参观教育基地" in browser.find_element(By.CSS_SELECTOR, ".lightbox__caption").text

    swipe_left(browser, large)
    wait(browser, lambda d: lightbox_state(d)[1] == "2", 5, "the swipe did not go on")
    assert lightbox_state(browser)[0], "a swipe must not close the lightbox"

    browser.find_element(By.CSS_SELECTOR, ".lightbox__button--next").click()
    wait(browser, lambda d: lightbox_state(d)[1] == "0", 5, "next did not wrap around")
    next_button = browser.find_element(By.CSS_SELECTOR, ".lightbox__button--next")
    close_button = browser.find_element(By.CSS_SELECTOR, ".lightbox__button--close")
    assert shown(browser, next_button) and shown(browser, close_button)

    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait(browser, lambda d: not lightbox_state(d)[0], 5, "Esc did not close the lightbox")
    assert not console_errors(browser)
