"""The rules and weights in the admin: the city (superusers) edits them, with the model's
Chinese errors for a bad period; nobody else sees them, by menu or by URL."""

import pytest
from django.contrib.auth.models import Group, Permission

from oversight.models import ScoreWeight, UpdateRule
from tests.factories import UserFactory

from .conftest import DISTRICT

pytestmark = pytest.mark.django_db
RULES = "/admin/snippets/oversight/updaterule/"
WEIGHTS = "/admin/snippets/oversight/scoreweight/"
PERIOD_ERROR = "周期须为 1、2、3、4、6 或 12 个月（不能为零或负数）"


@pytest.fixture
def city(client):
    client.force_login(UserFactory(username="city", is_superuser=True))
    return client


def rule_form(**fields):
    return {
        "name": "支部动态",
        "kind": "branch",
        "subject": "column",
        "purpose": "news",
        "meeting_type": "",
        "period_months": "1",
        "minimum": "1",
        "remind_days": "7",
        "active": "on",
        "order": "0",
        **fields,
    }


def test_the_city_lists_and_adds_rules(city):
    assert city.get(RULES).status_code == 200
    before = UpdateRule.objects.count()
    response = city.post(f"{RULES}add/", rule_form(name="季度党务公开", period_months="3"))
    assert response.status_code == 302
    assert UpdateRule.objects.count() == before + 1
    assert UpdateRule.objects.get(name="季度党务公开").period_months == 3


@pytest.mark.parametrize("period", ["0", "-1", "5", "7", "24"])
def test_a_bad_period_is_refused_with_the_models_chinese_message(city, period):
    before = UpdateRule.objects.count()
    response = city.post(f"{RULES}add/", rule_form(period_months=period))
    html = response.content.decode()
    assert response.status_code == 200 and PERIOD_ERROR in html
    assert "violated" not in html and "Constraint" not in html
    assert UpdateRule.objects.count() == before


def test_editing_a_rule_to_a_zero_period_and_minimum_is_refused(city):
    rule = UpdateRule.objects.filter(subject="column").first()
    response = city.post(
        f"{RULES}edit/{rule.pk}/",
        rule_form(purpose=rule.purpose, period_months="0", minimum="0"),
    )
    html = response.content.decode()
    assert response.status_code == 200 and PERIOD_ERROR in html and "至少次数须大于零" in html
    rule.refresh_from_db()
    assert rule.period_months != 0


def test_a_column_rule_without_a_column_is_refused(city):
    response = city.post(f"{RULES}add/", rule_form(purpose=""))
    assert response.status_code == 200 and "栏目更新规则须选择栏目" in response.content.decode()


def test_the_city_edits_a_weight(city):
    weight = ScoreWeight.objects.get(part="relay")
    response = city.post(
        f"{WEIGHTS}edit/{weight.pk}/", {"part": "relay", "weight": "30", "target": "0"}
    )
    assert response.status_code == 302
    weight.refresh_from_db()
    assert weight.weight == 30


@pytest.mark.parametrize("url", [RULES, f"{RULES}add/", WEIGHTS, f"{WEIGHTS}add/"])
def test_an_editor_may_not_reach_them_even_with_model_permissions(client, aged_tree, url):
    from tests.orglife.factories import role_user

    editor = role_user(DISTRICT, "editors")
    group = Group.objects.get(name=f"{DISTRICT}:editors")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="oversight")
    )  # granted by mistake: still refused
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert not response["Location"].startswith(RULES)
    edit = client.get(f"{RULES}edit/{UpdateRule.objects.first().pk}/")
    assert edit.status_code in (302, 403)


def test_the_menu_shows_the_rules_to_the_city_only(client, city, aged_tree):
    from tests.orglife.factories import role_user

    assert RULES in city.get("/admin/").content.decode()
    client.force_login(role_user(DISTRICT, "editors"))
    home = client.get("/admin/").content.decode()
    assert RULES not in home and WEIGHTS not in home
    assert "/admin/oversight/" in home  # the dashboard is theirs


def test_the_group_editor_offers_no_rule_permissions(city):
    html = city.get("/admin/groups/add/").content.decode()
    assert "updaterule" not in html.lower() and "更新规则" not in html
