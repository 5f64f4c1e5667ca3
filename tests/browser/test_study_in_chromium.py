"""The study space in real Chromium at 390×844 (a phone) and 1366×900: lesson cards, a
quiz taken to the end one question at a time (timer shown, then score and
explanations), and rankings with masked names for a visitor and the member's own row
highlighted. Screenshots go to /tmp/shots-study/ for people to look at."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from learning import points, quizzes
from tests.learning.factories import LessonFactory, MemberFactory, bank_quiz, learning_home

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = [(390, 844), (1366, 900)]
SHOTS = Path("/tmp/shots-study")


@pytest.fixture
def window(chromium):
    """A Chromium whose page is exactly width×height (a phone's a touch screen)."""
    return lambda width, height: chromium(width, height, exact_viewport=True)


def shoot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 5_000


def no_sideways_scrolling(driver, width):
    """The page is laid out `width` wide and needs no scrolling sideways."""
    return driver.execute_script(
        "return innerWidth === arguments[0] && document.documentElement.scrollWidth <= innerWidth",
        width,
    )


def sign_in(driver, live_server, client, user):
    client.force_login(user)
    driver.get(f"{live_server.url}/a11y/font/")  # any page, to set the cookie on the host
    driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})


def visible(driver, selector):
    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


@pytest.fixture
def branch(org_tree):
    return org_tree["da-s1-b1"]


def test_lesson_cards_on_a_phone_and_a_desktop(live_server, branch, window):
    home = learning_home(branch)
    kinds = ["dangke", "gushi", "lilun", "dongman", "dangke", "gushi"]
    for n, kind in enumerate(kinds):
        LessonFactory(parent=home, title=f"第{n + 1}课 学习党章", category=kind, slug=f"c{n}")
    for width, height in SIZES:
        driver = window(width, height)
        driver.get(f"{live_server.url}/da/da-s1/da-s1-b1/learning/")
        cards = visible(driver, "[data-testid=lesson-card]")
        assert len(cards) == 6
        first = cards[0]
        assert first.find_element(By.CSS_SELECTOR, "[data-testid=duration]").text == "2分钟"
        assert first.find_element(By.CSS_SELECTOR, "[data-testid=lesson-type]").text in {
            "微党课",
            "微故事",
            "微理论",
            "微动漫",
        }
        thumb = first.find_element(By.CSS_SELECTOR, ".study-card__thumb")
        assert thumb.size["height"] > 50 and thumb.size["width"] > 100
        columns = {card.location["x"] for card in cards}
        assert (len(columns) == 1) if width < 720 else (len(columns) >= 3), columns
        assert no_sideways_scrolling(driver, width)
        # Filtering by type is a plain link.
        driver.find_element(By.LINK_TEXT, "微故事").click()
        assert len(visible(driver, "[data-testid=lesson-card]")) == 2
        shoot(driver, f"browser-cards-{width}")


@pytest.fixture
def quiz(db):
    return bank_quiz("党章学习 · 课后测验")


@pytest.mark.parametrize("width, height", SIZES)
def test_a_quiz_one_question_at_a_time_to_the_result(
    live_server, branch, quiz, client, window, wait, width, height
):
    user = MemberFactory(branch=branch, name="张三", username=f"quiz{width}")
    driver = window(width, height)
    sign_in(driver, live_server, client, user)
    driver.get(f"{live_server.url}/learning/quiz/{quiz.pk}/")
    timer = driver.find_element(By.CSS_SELECTOR, "[data-testid=timer]")
    wait(driver, lambda d: timer.is_displayed() and ":" in timer.text, 5, "no timer")
    minutes, seconds = map(int, timer.text.split(":"))
    assert 4 * 60 < minutes * 60 + seconds <= 5 * 60
    questions = quizzes.questions_of(quiz)
    for number, question in enumerate(questions, 1):
        shown = visible(driver, "[data-quiz-question]")
        assert len(shown) == 1 and question.text in shown[0].text
        assert (
            f"第 {number} / {len(questions)} 题"
            in driver.find_element(By.CSS_SELECTOR, "[data-quiz-step]").text
        )
        for index in question.answer:  # every answer right
            shown[0].find_elements(By.CSS_SELECTOR, "label.quiz__choice")[index].click()
        if number == 1:
            assert no_sideways_scrolling(driver, width)
            shoot(driver, f"browser-quiz-{width}")
        if number < len(questions):
            assert not visible(driver, "[data-quiz-submit]")
            driver.find_element(By.CSS_SELECTOR, "[data-quiz-next]").click()
    driver.find_element(By.CSS_SELECTOR, "[data-quiz-submit]").click()
    result = wait(
        driver,
        lambda d: visible(d, "[data-testid=quiz-result]"),
        10,
        "no result after handing in",
    )[0]
    assert driver.find_element(By.CSS_SELECTOR, "[data-testid=score]").text == "100"
    assert f"获得 {len(questions)} 积分" in result.text
    explanations = visible(driver, "[data-testid=explanation]")
    assert any("见党章总纲" in e.text for e in explanations)
    assert no_sideways_scrolling(driver, width)
    shoot(driver, f"browser-quiz-result-{width}")
    # Opening it again shows the same result and awards nothing more.
    balance = points.balance(user)
    driver.get(f"{live_server.url}/learning/quiz/{quiz.pk}/")
    assert visible(driver, "[data-testid=quiz-result]") and points.balance(user) == balance


@pytest.mark.parametrize("width, height", SIZES)
def test_rankings_mask_names_for_visitors_and_mark_the_member(
    live_server, org_tree, client, window, width, height
):
    b1, b2 = org_tree["da-s1-b1"], org_tree["da-s2-b1"]
    people = [("张小静", b1, 3), ("李四", b2, 3), ("王五", b1, 1)]
    users = {}
    for name, branch, lessons in people:
        users[name] = MemberFactory(branch=branch, name=name, username=f"r{width}{name}")
        for n in range(lessons):
            points.award(users[name], "lesson_done", f"lesson:{n}")
    driver = window(width, height)
    driver.get(f"{live_server.url}/learning/ranking/?org=da")
    names = [e.text for e in visible(driver, "[data-testid=member-name]")]
    assert sorted(names) == ["张*静", "李*", "王*"]
    ranks = [e.text for e in visible(driver, ".rank-badge")]
    assert ranks == ["1", "1", "3"]
    assert no_sideways_scrolling(driver, width)
    shoot(driver, f"browser-ranking-visitor-{width}")

    sign_in(driver, live_server, client, users["王五"])
    driver.get(f"{live_server.url}/learning/ranking/?org=da")
    mine = visible(driver, "[data-testid=my-row]")
    assert len(mine) == 1 and "王五" in mine[0].text
    other = visible(driver, ".ranking-table__row:not(.ranking-table__row--mine) td")[1]
    background = "return getComputedStyle(arguments[0]).backgroundColor"
    mine_bg = driver.execute_script(background, mine[0].find_elements(By.TAG_NAME, "td")[1])
    assert mine_bg != driver.execute_script(background, other)
    assert sorted(e.text for e in visible(driver, "[data-testid=member-name]")) == [
        "张小静",
        "李四",
        "王五",
    ]
    active = visible(driver, "[data-testid=org-choices] [aria-current=page]")
    assert [a.text for a in active] == ["本区"]
    shoot(driver, f"browser-ranking-member-{width}")
