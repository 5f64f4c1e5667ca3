"""Organisation kinds and which kinds may sit under which (settings.PORTAL_ALLOWED_CHILD_KINDS)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CITY = "city", _("市委")
    DISTRICT = "district", _("区委")
    STREET = "street", _("街道党工委")
    COMMUNITY = "community", _("社区党委")
    BRANCH = "branch", _("党支部")


def allowed_child_kinds(parent_kind):
    return list(settings.PORTAL_ALLOWED_CHILD_KINDS.get(parent_kind, []))


def kind_label(kind):
    return str(OrganisationKind(kind).label) if kind in OrganisationKind.values else str(kind)


def kind_not_allowed_message(parent_kind, kind):
    allowed = "、".join(kind_label(k) for k in allowed_child_kinds(parent_kind)) or "无"
    return f"{kind_label(parent_kind)}下不能直接设立{kind_label(kind)}（允许：{allowed}）。"
