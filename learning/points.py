"""Study points: an append-only ledger with per-rule daily caps, and the tallies that
leaderboards read.

award() is the only way points are earned. It is idempotent per (member, rule, ref) — a
lesson finished twice earns once — caps what a rule can earn in a day, and adds the
points to the member's day/week/month/year/all-time tallies in the same transaction, with
the member's branch path copied in, so a ranking over any subtree is one index range.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from sites.tree import below_path_q

from .models import Evaluation, MemberProfile, PointEvent, PointRule, PointTally

EPOCH = datetime.date(2000, 1, 1)
PERIODS = ("day", "week", "month", "year", "all")


def period_starts(day):
    return {
        "day": day,
        "week": day - datetime.timedelta(days=day.weekday()),
        "month": day.replace(day=1),
        "year": day.replace(month=1, day=1),
        "all": EPOCH,
    }


def award(user, code, ref, now=None, units=1):
    """Points earned by `user` under rule `code` for `ref` (`units` times the rule's
    points, e.g. per right answer); 0 when the rule is off, the user is not a member,
    `ref` was already rewarded or today's cap is reached."""
    rule = PointRule.objects.filter(code=code, active=True).first()
    member = MemberProfile.objects.filter(user=user).select_related("branch").first()
    if rule is None or member is None:
        return 0
    day = timezone.localdate(now)
    with transaction.atomic():
        if PointEvent.objects.filter(user=user, rule=rule, ref=ref).exists():
            return 0
        points = rule.points * units
        if rule.daily_cap:
            today = (
                PointEvent.objects.filter(user=user, rule=rule, day=day).aggregate(
                    total=Sum("points")
                )["total"]
                or 0
            )
            points = min(points, rule.daily_cap - today)
        if points <= 0:
            return 0
        try:
            with transaction.atomic():
                PointEvent.objects.create(user=user, rule=rule, points=points, day=day, ref=ref)
        except IntegrityError:  # the same award from a concurrent request
            return 0
        add_to_tallies(member, day, points)
    return points


def add_to_tallies(member, day, points):
    where = {"branch_id": member.branch_id, "branch_path": member.branch.path}
    for period, starts in period_starts(day).items():
        updated = PointTally.objects.filter(user_id=member.user_id, period=period, starts=starts)
        if not updated.update(points=F("points") + points, **where):
            PointTally.objects.create(
                user_id=member.user_id, period=period, starts=starts, points=points, **where
            )


def members_below(org):
    return below_path_q(org.path, inclusive=True, field="branch__path")


def balance(user):
    row = PointTally.objects.filter(user=user, period="all", starts=EPOCH).first()
    return row.points if row else 0


def history(user, limit=50):
    return (
        PointEvent.objects.filter(user=user)
        .select_related("rule")
        .order_by("-created_at", "-id")[:limit]
    )


def leaderboard(org, scope="members", period="week", day=None, limit=50):
    """Ranking under organisation `org` (its whole subtree) for the period containing
    `day`: members by points, or branches by their members' average points (members
    without points count as 0)."""
    starts = period_starts(day or timezone.localdate())[period]
    tallies = PointTally.objects.filter(
        below_path_q(org.path, inclusive=True, field="branch_path"), period=period, starts=starts
    )
    if scope == "members":
        rows = tallies.order_by("-points", "user_id").values(
            "user_id",
            "points",
            "branch_id",
            name=F("user__member__name"),
            branch_title=F("branch__title"),
        )[:limit]
        return [{"rank": n, **row} for n, row in enumerate(rows, 1)]
    totals = dict(tallies.values_list("branch_id").annotate(total=Sum("points")))
    members = (
        MemberProfile.objects.filter(members_below(org))
        .values("branch_id", "branch__title")
        .annotate(n=Count("id"))
    )
    rows = [
        {
            "branch_id": m["branch_id"],
            "branch_title": m["branch__title"],
            "members": m["n"],
            "points": totals.get(m["branch_id"], 0),
            "average": round(totals.get(m["branch_id"], 0) / m["n"], 2),
        }
        for m in members
    ]
    rows.sort(key=lambda r: (-r["average"], r["branch_id"]))
    return [{"rank": n, **row} for n, row in enumerate(rows[:limit], 1)]


PLATFORM_SHARE, EVALUATION_SHARE = 0.6, 0.4


def composite_ranking(org, year, limit=50):
    """The yearly composite (the 学习强国 / 党建e家 pattern): 60 % study points, scaled so
    the subtree's best scores 100, plus 40 % the branch's evaluation (0–100; none = 0)."""
    starts = datetime.date(year, 1, 1)
    tallies = dict(
        PointTally.objects.filter(
            below_path_q(org.path, inclusive=True, field="branch_path"),
            period="year",
            starts=starts,
        ).values_list("user_id", "points")
    )
    evaluations = dict(
        Evaluation.objects.filter(
            below_path_q(org.path, inclusive=True, field="member__branch__path"), year=year
        ).values_list("member__user_id", "score")
    )
    best = max(tallies.values(), default=0) or 1
    members = MemberProfile.objects.filter(members_below(org)).values(
        "user_id", "name", "branch_id", branch_title=F("branch__title")
    )
    rows = []
    for m in members:
        platform = 100 * tallies.get(m["user_id"], 0) / best
        evaluation = evaluations.get(m["user_id"], 0)
        rows.append(
            {
                **m,
                "points": tallies.get(m["user_id"], 0),
                "evaluation": evaluation,
                "composite": round(PLATFORM_SHARE * platform + EVALUATION_SHARE * evaluation, 1),
            }
        )
    rows.sort(key=lambda r: (-r["composite"], r["user_id"]))
    return [{"rank": n, **row} for n, row in enumerate(rows[:limit], 1)]
