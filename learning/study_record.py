"""What 我的学习 shows of a member's points: today's points per rule against its daily cap,
this week's total, and the points of each of the last 30 days (for the chart) — three
queries whatever the length of the ledger."""

import datetime

from django.db.models import Sum
from django.utils import timezone

from .models import PointEvent, PointRule, PointTally
from .points import period_starts

CHART_DAYS = 30


def today_by_rule(user, day=None):
    """[(rule, points earned today, cap or 0)] for the active rules."""
    day = day or timezone.localdate()
    earned = dict(
        PointEvent.objects.filter(user=user, day=day)
        .values_list("rule_id")
        .annotate(total=Sum("points"))
    )
    rules = PointRule.objects.filter(active=True).order_by("pk")
    return [(rule, earned.get(rule.pk, 0), rule.daily_cap) for rule in rules]


def period_points(user, period, day=None):
    starts = period_starts(day or timezone.localdate())[period]
    row = PointTally.objects.filter(user=user, period=period, starts=starts).first()
    return row.points if row else 0


def daily_points(user, days=CHART_DAYS, day=None):
    """[(date, points)] for each of the last `days` days, oldest first, zeros included."""
    last = day or timezone.localdate()
    first = last - datetime.timedelta(days=days - 1)
    totals = dict(
        PointEvent.objects.filter(user=user, day__gte=first, day__lte=last)
        .values_list("day")
        .annotate(total=Sum("points"))
    )
    return [
        (first + datetime.timedelta(days=n), totals.get(first + datetime.timedelta(days=n), 0))
        for n in range(days)
    ]
