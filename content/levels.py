from django.db import models


class DirectiveLevel(models.TextChoices):
    CENTRAL = "central", "中央"
    PROVINCE = "province", "省委"
    CITY = "city", "市委"
    DISTRICT = "district", "区委"
    STREET = "street", "街道党工委"
    COMMUNITY = "community", "社区党委"
    BRANCH = "branch", "党支部"


# Levels kept in the portal's (the city's) directive library; the others are filed under
# the issuing organisation, whose kind has the same name.
LIBRARY_LEVELS = (DirectiveLevel.CENTRAL, DirectiveLevel.PROVINCE, DirectiveLevel.CITY)
