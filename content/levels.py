from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectiveLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省委")
    CITY = "city", _("市委")
    DISTRICT = "district", _("区委")
    STREET = "street", _("街道党工委")
    COMMUNITY = "community", _("社区党委")
    BRANCH = "branch", _("党支部")


# Levels kept in the portal's (the city's) directive library; the others are filed under
# the issuing organisation, whose kind has the same name.
LIBRARY_LEVELS = (DirectiveLevel.CENTRAL, DirectiveLevel.PROVINCE, DirectiveLevel.CITY)
