"""The search registry: each app declares its searchable page types once, in its
AppConfig.ready(); the index rows and the models' Wagtail search_fields both follow from
that declaration, and search itself imports none of those apps and names none of their
types."""

import ast
import inspect
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail.search import index as wagtail_index

from content.models import ArticlePage, DirectivePage, DisclosurePage, NoticePage
from learning.models import (
    AudiobookPage,
    CoursePage,
    MicroLessonPage,
)
from livestream.models import LiveEventPage
from search import index, query, registry
from search.models import SearchDocument
from tests.content.factories import NoticeFactory
from tests.learning.factories import (
    AudiobookFactory,
    CourseFactory,
    LessonFactory,
    learning_home,
)
from tests.sites.factories import column

SEARCH_DIR = Path(registry.__file__).parent
APPS_ABOVE = ("content", "learning", "livestream")
SEARCH = "/api/v2/search/"


def imported_names(source):
    """Every module an absolute `import` or `from … import` anywhere in `source` (inside
    functions too) names. (A relative import cannot leave search: it is a top-level
    package.)"""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def upward(names):
    return sorted({name for name in names if name.split(".")[0] in APPS_ABOVE})


def test_the_import_walker_sees_imports_inside_functions():
    source = "def f():\n    from content.models import X\n\n    import learning.api\n"
    assert upward(imported_names(source)) == ["content.models", "content.models.X", "learning.api"]
    assert upward(imported_names("from livestream import models as m")) == [
        "livestream",
        "livestream.models",
    ]
    assert upward(imported_names("from . import query\nimport django")) == []


def test_no_module_under_search_imports_content_learning_or_livestream():
    files = sorted(SEARCH_DIR.rglob("*.py"))
    assert SEARCH_DIR / "registry.py" in files and len(files) > 10
    found = {}
    for path in files:
        source = path.read_text(encoding="utf-8")
        names = upward(imported_names(source))
        # …nor reaches them by name (import_module("content.x"), apps.get_model("content.X")).
        names += [
            node.value
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith(tuple(f"{app}." for app in APPS_ABOVE))
        ]
        if names:
            found[str(path.relative_to(SEARCH_DIR))] = names
    assert found == {}


def test_search_code_names_no_page_type():
    """Boosts, cascading, labels and the API's types come from the registry."""
    kinds = set(registry.kinds())
    assert {"directive", "lesson", "live"} <= kinds
    for name in ("query.py", "elastic.py", "views.py", "api.py", "index.py"):
        tree = ast.parse((SEARCH_DIR / name).read_text(encoding="utf-8"))
        strings = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        named = {k for k in kinds for s in strings if s == k or f"'{k}'" in s or f'"{k}"' in s}
        assert not named, (name, named)


def test_each_app_registers_its_own_types():
    assert {model: t.kind for model, t in registry.REGISTRY.items()} == {
        DirectivePage: "directive",
        ArticlePage: "article",
        NoticePage: "notice",
        DisclosurePage: "disclosure",
        MicroLessonPage: "lesson",
        AudiobookPage: "audiobook",
        LiveEventPage: "live",
    }
    assert registry.boosts() == {"directive": 1.5} and registry.cascading() == ["directive"]
    assert registry.label("directive") == "上级精神与文件" and registry.label("x") == "x"


def searched_fields(model):
    return {field.field_name for field in model.get_searchable_search_fields()}


def restated_in_class(model, names):
    """SearchFields the model's own class body lists for these names."""
    tree = ast.parse(Path(inspect.getsourcefile(model)).read_text(encoding="utf-8"))
    body = next(
        n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == model.__name__
    )
    return {
        call.args[0].value
        for call in ast.walk(body)
        if isinstance(call, ast.Call)
        and getattr(call.func, "attr", getattr(call.func, "id", "")) == "SearchField"
        and call.args
        and isinstance(call.args[0], ast.Constant)
    } & set(names)


@pytest.mark.parametrize(
    "model, text_fields",
    [
        (DirectivePage, {"summary", "doc_number", "issuer", "body"}),
        (ArticlePage, {"summary", "search_description", "body"}),
        (NoticePage, {"search_description", "body"}),
        (DisclosurePage, {"search_description", "body"}),
        (MicroLessonPage, {"summary", "speaker", "get_category_display", "transcript"}),
        (AudiobookPage, {"description", "narrator"}),
        (LiveEventPage, {"description", "speaker"}),
    ],
)
def test_wagtail_search_fields_are_derived_from_the_registration(model, text_fields):
    declared = registry.REGISTRY[model].text_fields
    assert set(declared) == text_fields
    assert text_fields <= searched_fields(model)  # Wagtail's admin search reads them
    assert not restated_in_class(model, declared)  # …and the model does not list them again
    assert "title" in searched_fields(model)  # Page's own stay
    # Every name is a field or method Wagtail can read.
    assert not [e for e in model.check() if e.id == "modelsearch.W004"]


def test_the_filter_fields_stay():
    filters = {
        m: {f.field_name for f in m.get_filterable_search_fields()}
        for m in (DirectivePage, ArticlePage)
    }
    assert {"level", "issued_at", "live", "path"} <= filters[DirectivePage]
    assert {"date", "live"} <= filters[ArticlePage]


def test_wagtails_page_search_finds_text_only_a_registration_declared(org_tree):
    """MicroLessonPage lists no search_fields of its own: its summary reaches Wagtail's
    database backend (the admin's page search) through the registration alone."""
    lesson = LessonFactory(
        parent=learning_home(org_tree["home"]),
        title="第一课",
        slug="lesson-one",
        video__duration=60.0,
        speaker="",
        summary="Marxism primer",
    )
    wagtail_index.insert_or_update_object(lesson)
    assert list(MicroLessonPage.objects.search("primer")) == [lesson]


def test_each_type_contributes_what_it_declared(org_tree):
    branch = org_tree["da-s1-b1"]
    notice = NoticeFactory(
        parent=column(branch, "notices"),
        title="召开党员大会",
        slug="n1",
        search_description="党员大会通知",
        body="<p>全体<b>党员</b></p>",
    )
    home = learning_home(org_tree["home"])
    lesson = LessonFactory(
        parent=home,
        title="党课",
        slug="l1",
        video__duration=60.0,
        speaker="李老师",
        category="dangke",
        summary="十分钟党课",
        transcript="<p>初心使命</p>",
    )
    book = AudiobookFactory(
        parent=home,
        title="党史故事",
        slug="b1",
        narrator="王播音",
        description="<p>简介" + "长" * 400 + "</p>",
        chapters=[{"title": "第一章", "transcript": "红船精神", "duration": 60.0}],
    )
    extract = {
        page.pk: registry.REGISTRY[type(page)].extract(page) for page in (notice, lesson, book)
    }
    assert extract[notice.pk].summary == "党员大会通知" and extract[notice.pk].body == "全体党员"
    assert extract[lesson.pk].body == f"李老师 {lesson.get_category_display()} 初心使命"
    # A summary from rich text is its opening.
    assert extract[book.pk].summary == ("简介" + "长" * 400)[:300]
    assert extract[book.pk].body == "王播音 第一章 红船精神"


@pytest.fixture
def scratch_registry(monkeypatch):
    """What the test registers is undone afterwards (the registry, CoursePage's
    search_fields)."""
    monkeypatch.setattr(CoursePage, "search_fields", CoursePage.search_fields)
    saved = dict(registry.REGISTRY)
    yield
    registry.REGISTRY.clear()
    registry.REGISTRY.update(saved)


@pytest.fixture
def courses_registered(scratch_registry):
    """CoursePage made searchable, as an app would in its ready()."""
    registry.register(CoursePage, "course", "课程", summary="description")


def add_course(org_tree):
    course = CourseFactory(
        parent=learning_home(org_tree["da-s1-b1"]),
        title="入党教育课程",
        slug="ru-dang",
        description="<p>入党积极分子培训</p>",
    )
    course.save_revision().publish()  # (indexed on publish when registered)
    course.refresh_from_db()
    return course


def test_a_type_no_app_registered_is_not_indexed(client, org_tree):
    course = add_course(org_tree)
    assert not SearchDocument.objects.filter(page=course).exists()
    index.rebuild()
    assert not SearchDocument.objects.filter(page=course).exists()
    response = client.get(SEARCH, {"q": "入党", "type": "course"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_type"


def test_a_type_an_app_registers_is_indexed_found_and_filtered(
    client, org_tree, courses_registered
):
    course = add_course(org_tree)
    assert "description" in searched_fields(CoursePage)
    row = SearchDocument.objects.get(page=course)  # on publish
    assert row.kind == "course" and row.summary == "入党积极分子培训"
    assert row.org_code == "da-s1-b1" and row.year == course.first_published_at.year
    index.rebuild()
    assert SearchDocument.objects.get(page=course).kind == "course"
    body = client.get(SEARCH, {"q": "积极分子", "type": "course"}).json()
    assert [r["title"] for r in body["results"]] == [course.title]
    assert body["facets"]["type"] == {"course": 1}
    html = client.get(
        "/search/", {"q": "积极分子"}, HTTP_HOST="da-s1-b1.localhost"
    ).content.decode()
    assert "课程（1）" in html and course.title in html


@pytest.mark.parametrize(
    "declaration, message",
    [
        ({"kind": "Course Page"}, "小写字母"),
        ({"kind": "directive"}, "已被注册"),
        ({"summary": "no_such_field"}, "no_such_field"),
        ({"year": "no_such_date"}, "no_such_date"),
    ],
)
def test_a_wrong_declaration_fails_at_startup(scratch_registry, declaration, message):
    arguments = {"kind": "course", "summary": "description", **declaration}
    with pytest.raises(ImproperlyConfigured, match=message):
        registry.register(CoursePage, arguments.pop("kind"), "课程", **arguments)


def test_cascading_and_boost_follow_the_registration(client, org_tree, scratch_registry):
    registry.register(CoursePage, "course", "课程", summary="description", boost=2.0, cascades=True)
    course = CourseFactory(
        parent=learning_home(org_tree["home"]),
        title="市级党课课程",
        slug="city-course",
        description="<p>积极分子</p>",
    )
    course.save_revision().publish()
    found = client.get(SEARCH, {"q": "积极分子", "org": "da-s1-b1"}).json()["results"]
    assert [r["title"] for r in found] == [course.title]  # from the city, down to a branch
    assert "WHEN d.kind = 'course' THEN 2.0" in query.boost_sql()
