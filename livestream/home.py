"""Live events on an organisation's home: those on now or still to come in the 学习园地
of the organisation or of any organisation above it, joined into the 学习园地 card (one
query; sites.presentation.add_home_context, registered in apps.py)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.home import learning_columns, studied_under
from sites.presentation import HomeCard

from .models import LiveEventPage

HOME_LIVE_EVENTS = 2


def live_home_card(org, columns):
    home_columns = learning_columns(org)
    if not home_columns:
        return {}
    events = list(
        LiveEventPage.objects.live()
        .public()
        .filter(studied_under(home_columns))
        .filter(
            Q(status=LiveEventPage.LIVE)
            | Q(status=LiveEventPage.SCHEDULED, ends_at__gte=timezone.now())
        )
        .order_by("starts_at", "pk")[:HOME_LIVE_EVENTS]
    )
    for event in events:
        event.card_tag = event.public_state_label
        event.card_date = event.starts_at
    return {"home_cards": [HomeCard(key="learning", title=_("学习园地"), items=events, order=39)]}
