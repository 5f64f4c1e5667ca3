"""Study points: an append-only ledger with per-rule daily caps, and the tallies that
leaderboards read.

award() is the only way points are earned. It is idempotent per (member, rule, ref) — a
lesson finished twice earns once — caps what a rule can earn in a day, and adds the
points to the member's day/week/month/year/all-time tallies in the same transaction, with
the member's branch path copied in, so a ranking over any subtree is one index range.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, FloatField, OuterRef, Subquery, Sum, Window
from django.db.models.functions import Cast, Coalesce, Rank
from django.utils import timezone

from sites.models import OrganisationPage
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
    without points count as 0). Standard competition ranking computed by the database
    (the same points, the same rank: 1, 1, 3); each row carries its branch's tree path."""
    starts = period_starts(day or timezone.localdate())[period]
    if scope == "members":
        rows = (
            tallies_below(org, period, starts)
            .annotate(rank=Window(Rank(), order_by=F("points").desc()))
            .order_by("rank", "user_id")
            .values(
                "rank",
                "user_id",
                "points",
                "branch_id",
                "branch_path",
                name=F("user__member__name"),
                branch_title=F("branch__title"),
            )[:limit]
        )
        return list(rows)
    totals = (
        PointTally.objects.filter(period=period, starts=starts, branch_id=OuterRef("pk"))
        .values("branch_id")
        .annotate(total=Sum("points"))
        .values("total")
    )
    average = Cast("summed_points", FloatField()) / F("counted_members")
    rows = (
        OrganisationPage.objects.filter(below_path_q(org.path, inclusive=True))
        .annotate(counted_members=Count("members"))
        .filter(counted_members__gt=0)
        .annotate(summed_points=Coalesce(Subquery(totals), 0))
        .annotate(rank=Window(Rank(), order_by=average.desc()))
        .order_by("rank", "pk")
        .values("rank", "counted_members", "summed_points", "pk", "path", "title")[:limit]
    )
    return [
        {
            "rank": row["rank"],
            "branch_id": row["pk"],
            "branch_path": row["path"],
            "branch_title": row["title"],
            "members": row["counted_members"],
            "points": row["summed_points"],
            "average": round(row["summed_points"] / row["counted_members"], 2),
        }
        for row in rows
    ]


def tallies_below(org, period, starts):
    return PointTally.objects.filter(
        below_path_q(org.path, inclusive=True, field="branch_path"), period=period, starts=starts
    )


def member_rank(org, user, period="week", day=None):
    """(rank, points) of `user` among the members under `org` this period, or None."""
    starts = period_starts(day or timezone.localdate())[period]
    tallies = tallies_below(org, period, starts)
    own = tallies.filter(user=user).values_list("points", flat=True).first()
    if own is None:
        return None
    return tallies.filter(points__gt=own).count() + 1, own


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
