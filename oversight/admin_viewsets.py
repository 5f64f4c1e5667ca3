"""The rules and weights in the admin: the city edits them (superusers), nobody else sees
them — not in the menu, not by URL, not in the group editor's permissions.

A rule's form shows the model's own checks (UpdateRule.clean) as Chinese errors on the
fields: a zero, negative or odd period (one that does not tile the calendar year), a
minimum below one, a column rule without its column."""

from django.contrib.auth.models import Permission
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ScoreWeight, UpdateRule


class SuperusersOnly(BasePermissionPolicy):
    """Every action for active superusers, none for anyone else (whatever their groups)."""

    def user_has_permission(self, user, action):
        return bool(user.is_active and user.is_superuser)

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class CityOnlyViewSet(SnippetViewSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        register_permission_policy(self.model, SuperusersOnly(self.model), exact_class=True)

    def get_permissions_to_register(self):
        return Permission.objects.none()  # not for groups: superusers only


class UpdateRuleViewSet(CityOnlyViewSet):
    model = UpdateRule
    icon = "time"
    list_display = ["name", "kind", "subject", "period_months", "minimum", "active"]
    list_filter = ["kind", "subject", "active"]


class ScoreWeightViewSet(CityOnlyViewSet):
    model = ScoreWeight
    icon = "pick"
    list_display = ["part", "weight", "target"]
