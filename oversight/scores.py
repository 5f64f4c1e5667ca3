"""The stored score table (OrganisationScore): one row per organisation and period
(month, year), computed from the facts of oversight/status.py.

Figures of a period [start, end), summed over the organisation's subtree (itself included):

- rules: each rule period that ends in the period and has begun by the day computed
  (a monthly rule in its month, a quarterly one in its quarter's last month or, for a
  year, every quarter begun), applicable when the organisation existed at its start;
  met when the tallies reach the rule's minimum. A period still open and not met yet
  is not counted (it is not late before its last day), so on the 4th of a month the
  month's 达标率 is of what has been met so far, not 0 % for everyone — unless the rule
  is in arrears (its previous period was missed): then it counts against the period from
  its first day. Once a period's last day has come, an unmet period counts against it;
- 传达学习: directives whose deadline falls in the period (and has come) owed by the
  branches, done when a record links them (late ones too);
- attendance: present / expected of the meeting records (OrgLifeTally);
- study: members' points (PointTally) per member against ScoreWeight "study".target a
  month, capped at 100 %;
- the score: 100 × the weighted mean of the four rates the organisation has (a part with
  nothing to measure — no relay owed, no meeting held — is left out, the other weights
  share its place). Default weights (migration 0002): rules 40, relay 25, attendance 20,
  study 15, study target 30 points per member and month.

A closed period's rows are computed once more after it closed and marked `final`; they
are never computed again, so a rule changed later does not rewrite history.
"""

import datetime
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from sites.tree import ancestor_paths, below_path_q

from . import periods
from .models import OrganisationScore, ScoreWeight
from .status import Facts, evaluate

PARTS = ("compliance", "relay", "attendance", "study")
FIGURES = (
    "updates",
    "rules_due",
    "rules_met",
    "relay_owed",
    "relay_done",
    "expected",
    "present",
    "points",
    "members",
)
STATUS_COUNTS = {
    OrganisationScore.OK: "orgs_ok",
    OrganisationScore.NEW: "orgs_ok",
    OrganisationScore.DUE: "orgs_due",
    OrganisationScore.OVERDUE: "orgs_overdue",
    OrganisationScore.ZOMBIE: "orgs_zombie",
}


def weights():
    """{part: weight} and the study target (points per member per month)."""
    rows = {w.part: w for w in ScoreWeight.objects.all()}
    study = rows.get(ScoreWeight.STUDY)
    return {part: (rows[part].weight if part in rows else 0) for part in PARTS}, (
        study.target if study and study.target else 30
    )


def own_figures(org, facts, start, end):
    """The figures of `org` alone in [start, end) as of facts.today."""
    today = facts.today
    months = periods.months_in(start, end)
    figures = dict.fromkeys(FIGURES, 0)
    figures["updates"] = sum(facts.updates.get((org.pk, m), 0) for m in months)
    for rule in facts.rules.get(org.kind, []):
        for p_start, p_end in _rule_periods(rule.period_months, start, end, today):
            if org.created > p_start:
                continue
            met = facts.count(org, rule, p_start, p_end) >= rule.minimum
            if not met and p_end - _DAY > today and not _in_arrears(org, rule, p_start, facts):
                continue  # still open and not late yet: it counts once met or once over
            figures["rules_due"] += 1
            figures["rules_met"] += met
    for pk, _title, _issuer, _deadline in facts.owed(org, start, min(end, today + _DAY)):
        figures["relay_owed"] += 1
        figures["relay_done"] += (org.pk, pk) in facts.relayed
    for month in months:
        expected, present = facts.attendance.get((org.pk, month), (0, 0))
        figures["expected"] += expected
        figures["present"] += present
        figures["points"] += facts.points.get((org.pk, month), 0)
    figures["members"] = facts.members.get(org.pk, 0)
    return figures


_DAY = datetime.timedelta(days=1)


def _in_arrears(org, rule, start, facts):
    """Whether the rule's period before the one starting at `start` was missed: a rule
    in arrears counts against the current period from its first day (a 僵尸 branch does
    not score well on the 4th for having nothing due yet)."""
    previous = periods.period_of(start - _DAY, rule.period_months)
    if org.created > previous[0]:
        return False
    return facts.count(org, rule, *previous) < rule.minimum


@lru_cache(maxsize=1024)
def _rule_periods(months, start, end, today):
    """The periods of `months` months that end in (start, end] and have begun by today."""
    found, day = [], start
    while day < end:
        p_start, p_end = periods.period_of(day, months)
        if start < p_end <= end and p_start <= today and (p_start, p_end) not in found:
            found.append((p_start, p_end))
        day = p_end
    return tuple(found)


def rates(figures, study_target, month_count):
    def share(done, total):
        return min(1.0, done / total) if total else None

    return {
        "compliance": share(figures["rules_met"], figures["rules_due"]),
        "relay": share(figures["relay_done"], figures["relay_owed"]),
        "attendance": share(figures["present"], figures["expected"]),
        "study": share(figures["points"], figures["members"] * study_target * month_count),
    }


def score_of(parts, weight_of):
    present = [(weight_of[p], parts[p]) for p in PARTS if parts[p] is not None and weight_of[p]]
    total = sum(w for w, _v in present)
    if not total:
        return None
    return round(100 * sum(w * v for w, v in present) / total, 1)


def compute(facts, period, starts, final=False):
    """Unsaved OrganisationScore rows of every organisation in `facts` for the period."""
    end = periods.add_months(starts, 1 if period == OrganisationScore.MONTH else 12)
    month_count = len(periods.months_in(starts, min(end, periods.add_months(facts.today, 1))))
    weight_of, study_target = weights()
    now = timezone.now()
    by_path, rows = {}, []
    for org in facts.orgs:
        status = evaluate(org, facts)
        row = OrganisationScore(
            organisation_id=org.pk,
            organisation_path=org.path,
            depth=org.depth,
            kind=org.kind,
            period=period,
            starts=starts,
            final=final,
            computed_at=now,
            status=status.status,
            last_update_at=status.last_update_at,
            rules_open=len(status.due),
            rules_missed=len(status.missed),
            **own_figures(org, facts, starts, end),
        )
        row.orgs_total = 1
        setattr(row, STATUS_COUNTS[row.status], 1)
        rows.append(row)
        by_path[org.path] = row
    # Subtrees: each row adds its own figures to every row above it (deepest first is not
    # needed: own figures are added, never the sums).
    own = {row.organisation_path: _counts(row) for row in rows}
    for path, counts in own.items():
        for above in _above(path, by_path):
            for name, value in counts.items():
                setattr(above, name, getattr(above, name) + value)
    for row in rows:
        parts = rates({f: getattr(row, f) for f in FIGURES}, study_target, max(1, month_count))
        for part, value in parts.items():
            setattr(row, part, value)
        row.score = score_of(parts, weight_of)
    return rows


def _counts(row):
    names = FIGURES + ("orgs_total", "orgs_ok", "orgs_due", "orgs_overdue", "orgs_zombie")
    return {name: getattr(row, name) for name in names}


def _above(path, by_path):
    return [by_path[p] for p in ancestor_paths(path) if p in by_path]


@transaction.atomic
def store(rows):
    """Write `rows`, replacing the same organisations' non-final rows of the period;
    final rows already stored are kept as they are."""
    if not rows:
        return 0
    period, starts = rows[0].period, rows[0].starts
    pks = [row.organisation_id for row in rows]
    existing = OrganisationScore.objects.filter(period=period, starts=starts)
    kept = set(existing.filter(final=True).values_list("organisation_id", flat=True))
    for chunk in _chunks(pks, 900):
        existing.filter(final=False, organisation_id__in=chunk).delete()
    fresh = [row for row in rows if row.organisation_id not in kept]
    OrganisationScore.objects.bulk_create(fresh, batch_size=1000)
    return len(fresh)


def _chunks(items, size):
    for index in range(0, len(items), size):
        yield items[index : index + size]


def refresh(scope=None, today=None, progress=None):
    """Compute and store the current month and year of `scope`'s subtree (everything
    when None), and finalise the last month (and last year in January) if not yet done.
    Returns the number of organisations."""
    today = today or timezone.localdate()
    this_month, this_year = periods.month_start(today), periods.year_start(today)
    last_month = periods.add_months(this_month, -1)
    facts = Facts.load(scope, today)
    jobs = [
        (OrganisationScore.MONTH, this_month, False, today),
        (OrganisationScore.YEAR, this_year, False, today),
    ]
    if not _finalised(OrganisationScore.MONTH, last_month, scope, facts):
        jobs.append((OrganisationScore.MONTH, last_month, True, this_month - _DAY))
    last_year = periods.add_months(this_year, -12)
    if today.month == 1 and not _finalised(OrganisationScore.YEAR, last_year, scope, facts):
        jobs.append((OrganisationScore.YEAR, last_year, True, this_month - _DAY))
    for period, starts, final, as_of in jobs:
        facts.today = as_of
        store(compute(facts, period, starts, final=final))
        if progress:
            progress.update(1)
    facts.today = today
    return len(facts.orgs)


def _finalised(period, starts, scope, facts):
    """Whether every organisation of `facts` has a final row for the period."""
    done = OrganisationScore.objects.filter(period=period, starts=starts, final=True)
    if scope is not None:
        done = done.filter(below_path_q(scope.path, True, "organisation_path"))
    return done.count() >= len(facts.orgs)
