"""The rules and weights in the admin (the city edits them)."""

from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ScoreWeight, UpdateRule


class UpdateRuleViewSet(SnippetViewSet):
    model = UpdateRule
    icon = "time"
    list_display = ["name", "kind", "subject", "period_months", "minimum", "active"]


class ScoreWeightViewSet(SnippetViewSet):
    model = ScoreWeight
    icon = "pick"
    list_display = ["part", "weight", "target"]
