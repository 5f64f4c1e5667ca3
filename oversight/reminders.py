"""Reminders: the messages the nightly run makes for every organisation's editors, from
the status of every organisation (oversight/status.py):

- a rule still open when its period ends within the rule's reminder days
  (`rule:<id>:<period start>:due`), and a rule whose previous period was missed
  (`rule:<id>:<previous period start>:overdue`);
- a 传达学习 before its deadline (`relay:<directive id>:due`) and after it
  (`relay:<directive id>:overdue`);
- for upper organisations (not branches), a weekly digest of their subtree's overdue and
  僵尸 organisations (`digest:<ISO year>-W<week>`), made by the first run of a week.

A reminder is made once per organisation × key (the unique constraint), and gets one
Delivery per editor (one per reminder × user), so a rerun, or a run after a crash, makes
nothing twice; an editor who joins later gets the reminders still current. Organisations
without editors get no reminder (nobody would read it; their upper levels see them in the
digest). Emails go out afterwards (oversight/mail.py)."""

import bisect
import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content.models import DirectivePage
from orglife.relay import add_record_url

from .access import editors_of
from .models import DailyRun, Delivery, Reminder, UpdateRule
from .status import DUE, OVERDUE, ZOMBIE, Facts, evaluate

QUICK_PUBLISH_URL = "kitchen_quick_publish"  # kitchen/quick_publish_views.py FORM_URL
QUICK_RECORD_URL = "orglife_quick_record"  # orglife/quick_record_views.py FORM_URL
DASHBOARD_URL = "oversight_dashboard"  # oversight/dashboard_views.py INDEX_URL
UPPER_KINDS = ("city", "district", "street", "community")
DIGEST_LIMIT = 50  # organisations listed in one digest; the rest are counted


# --- wording ------------------------------------------------------------------------


def short_date(day):
    return _("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}


def this_period(months):
    return {1: _("本月"), 3: _("本季度"), 6: _("本半年"), 12: _("本年度")}.get(months, _("本周期"))


def period_label(start, end, months):
    """9月, 2026年第三季度, 2026年上半年, 2025年, 7月—8月."""
    last = end - datetime.timedelta(days=1)
    if months == 1:
        return _("%(year)d年%(month)d月") % {"year": start.year, "month": start.month}
    if months == 3:
        quarter = "一二三四"[(start.month - 1) // 3]
        return _("%(year)d年第%(quarter)s季度") % {"year": start.year, "quarter": quarter}
    if months == 6:
        if start.month == 1:
            return _("%(year)d年上半年") % {"year": start.year}
        return _("%(year)d年下半年") % {"year": start.year}
    if months == 12:
        return _("%(year)d年") % {"year": start.year}
    return _("%(year)d年%(first)d月—%(last)d月") % {
        "year": start.year,
        "first": start.month,
        "last": last.month,
    }


def rule_link(rule, org):
    """Where to act on a rule: 快速发布 for a column, 快速记录 for meetings."""
    name = QUICK_PUBLISH_URL if rule.subject == UpdateRule.COLUMN else QUICK_RECORD_URL
    return f"{reverse(name)}?org={org.pk}"


def relay_link(directive_id):
    return add_record_url(DirectivePage(pk=directive_id))


def rule_due_message(org, state):
    rule, last = state.rule, state.end - datetime.timedelta(days=1)
    days = max(state.days_left, 0)
    subject = _("「%(rule)s」%(period)s尚未完成，还剩 %(days)d 天（截至 %(date)s）") % {
        "rule": rule.name,
        "period": this_period(rule.period_months),
        "days": days,
        "date": short_date(last),
    }
    body = _(
        "%(org)s：按「%(rule)s」，%(period)s至少需要 %(minimum)d 次，目前 %(count)d 次。"
        "请在 %(date)s 前完成。"
    ) % {
        "org": org.title,
        "rule": rule.name,
        "period": this_period(rule.period_months),
        "minimum": rule.minimum,
        "count": state.count,
        "date": short_date(last),
    }
    return subject, body


def rule_overdue_message(org, state):
    rule = state.rule
    start, end = state.previous
    label = period_label(start, end, rule.period_months)
    subject = _("「%(rule)s」%(period)s未完成，已逾期") % {"rule": rule.name, "period": label}
    body = _(
        "%(org)s：按「%(rule)s」，%(period)s至少需要 %(minimum)d 次，未能完成。"
        "请尽快补上，并按时完成%(current)s的要求。"
    ) % {
        "org": org.title,
        "rule": rule.name,
        "period": label,
        "minimum": rule.minimum,
        "current": this_period(rule.period_months),
    }
    return subject, body


def relay_due_message(org, relay, today):
    days = (relay.deadline - today).days
    subject = _("传达学习《%(title)s》将于 %(date)s 到期，还剩 %(days)d 天") % {
        "title": relay.title,
        "date": short_date(relay.deadline),
        "days": days,
    }
    body = _("%(org)s：请在 %(date)s 前组织传达学习《%(title)s》，并填写传达学习记录。") % {
        "org": org.title,
        "title": relay.title,
        "date": short_date(relay.deadline),
    }
    return subject, body


def relay_overdue_message(org, relay, today):
    days = (today - relay.deadline).days
    subject = _("传达学习《%(title)s》已逾期 %(days)d 天（截止 %(date)s）") % {
        "title": relay.title,
        "days": days,
        "date": short_date(relay.deadline),
    }
    body = _(
        "%(org)s：《%(title)s》的传达学习截止于 %(date)s，尚无记录。请尽快组织学习并填写记录。"
    ) % {
        "org": org.title,
        "title": relay.title,
        "date": short_date(relay.deadline),
    }
    return subject, body


def zombie_message(org, status):
    subject = _("本站已 %(days)d 天没有公开更新，被列为僵尸网页") % {"days": status.days_quiet}
    since = timezone.localdate(status.last_update_at) if status.last_update_at else None
    body = (
        _("%(org)s：网站自 %(date)s 起没有公开更新。请用快速发布更新支部动态，让网站重新活起来。")
        % {"org": org.title, "date": short_date(since)}
        if since
        else _("%(org)s：网站建立以来还没有公开更新。请用快速发布更新支部动态。")
        % {"org": org.title}
    )
    return subject, body


def overdue_items(status):
    """What is overdue at one organisation, as short phrases."""
    items = []
    if status.zombie:
        items.append(_("僵尸网页（%(days)d 天无公开更新）") % {"days": status.days_quiet})
    for state in status.missed:
        start, end = state.previous
        items.append(
            _("「%(rule)s」%(period)s未完成")
            % {
                "rule": state.rule.name,
                "period": period_label(start, end, state.rule.period_months),
            }
        )
    for relay in status.relays_overdue:
        items.append(_("传达学习《%(title)s》逾期") % {"title": relay.title})
    return items


def digest_message(org, entries, week):
    """entries: [(name with parent, items, days quiet)] of the subtree's overdue ones."""
    year, number = week
    subject = ngettext(
        "%(org)s %(year)d年第%(week)d周汇总：%(count)d 个组织逾期",
        "%(org)s %(year)d年第%(week)d周汇总：%(count)d 个组织逾期",
        len(entries),
    ) % {"org": org.title, "year": year, "week": number, "count": len(entries)}
    lines = [
        _("%(org)s所辖组织中，以下组织有逾期事项：") % {"org": org.title},
        "",
    ]
    for name, items, days in entries[:DIGEST_LIMIT]:
        lines.append(
            _("· %(name)s：%(items)s；%(days)d 天无公开更新")
            % {"name": name, "items": "、".join(items), "days": days}
        )
    if len(entries) > DIGEST_LIMIT:
        lines.append(
            _("……另有 %(count)d 个组织，详见监督总览。") % {"count": len(entries) - DIGEST_LIMIT}
        )
    return subject, "\n".join(lines)


# --- making them --------------------------------------------------------------------


def iso_week(day):
    year, week, _weekday = day.isocalendar()
    return year, week


def first_run_of_week(day):
    """No run of an earlier day of `day`'s ISO week has finished: this run makes the
    week's digests (Mondays, or the first day the worker ran; a crashed Monday run leaves
    it to Tuesday's)."""
    monday = day - datetime.timedelta(days=day.weekday())
    return not DailyRun.objects.filter(
        day__gte=monday, day__lt=day, finished_at__isnull=False
    ).exists()


def wanted(day, facts, editors):
    """{(organisation id, key): (kind, subject, body, link)} of everything tonight's run
    owes, for organisations with editors."""
    found, statuses = {}, {}
    for org in facts.orgs:
        status = evaluate(org, facts)
        statuses[org.pk] = status
        if not editors.get(org.pk):
            continue
        if status.zombie:  # once a month while the site stays quiet
            found[(org.pk, f"zombie:{day:%Y-%m}")] = (
                Reminder.ZOMBIE,
                *zombie_message(org, status),
                f"{reverse(QUICK_PUBLISH_URL)}?org={org.pk}",
            )
        for state in status.rules:
            if state.state == DUE:
                key = f"rule:{state.rule.pk}:{state.start.isoformat()}:due"
                found[(org.pk, key)] = (
                    Reminder.RULE_DUE,
                    *rule_due_message(org, state),
                    rule_link(state.rule, org),
                )
            if state.missed:
                key = f"rule:{state.rule.pk}:{state.previous[0].isoformat()}:overdue"
                found[(org.pk, key)] = (
                    Reminder.RULE_OVERDUE,
                    *rule_overdue_message(org, state),
                    rule_link(state.rule, org),
                )
        for relay in status.relays:
            stage, kind, message = (
                ("overdue", Reminder.RELAY_OVERDUE, relay_overdue_message)
                if relay.overdue
                else ("due", Reminder.RELAY_DUE, relay_due_message)
            )
            found[(org.pk, f"relay:{relay.directive_id}:{stage}")] = (
                kind,
                *message(org, relay, day),
                relay_link(relay.directive_id),
            )
    if first_run_of_week(day):
        found.update(digests(day, facts, statuses, editors))
    return found


def digests(day, facts, statuses, editors):
    titles = {org.path: org.title for org in facts.orgs}
    late = [(org.path, org) for org in facts.orgs if statuses[org.pk].status in (OVERDUE, ZOMBIE)]
    paths = [path for path, _org in late]
    week = iso_week(day)
    key = f"digest:{week[0]}-W{week[1]:02d}"
    found = {}
    for org in facts.orgs:
        if org.kind not in UPPER_KINDS or not editors.get(org.pk):
            continue
        low = bisect.bisect_right(paths, org.path)  # strictly below: longer paths
        high = bisect.bisect_left(paths, org.path + "\uffff")
        if low == high:
            continue
        entries = []
        for _path, below in late[low:high]:
            parent = titles.get(below.path[:-4])
            name = f"{parent} {below.title}" if parent else below.title
            status = statuses[below.pk]
            entries.append((name, overdue_items(status), status.days_quiet))
        link = f"{reverse(DASHBOARD_URL)}?org={org.pk}"
        found[(org.pk, key)] = (Reminder.DIGEST, *digest_message(org, entries, week), link)
    return found


def send_reminders(day=None):
    """Make tonight's reminders and their deliveries; returns how many reminders were
    made (0 on a rerun)."""
    day = day or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        facts = Facts.load(None, day)
        editors = editors_of([org.pk for org in facts.orgs])
        owed = wanted(day, facts, editors)
    if not owed:
        return 0
    keys = {key for _org, key in owed}
    with transaction.atomic():
        existing = {
            (org, key): pk
            for org, key, pk in Reminder.objects.filter(key__in=keys).values_list(
                "organisation_id", "key", "pk"
            )
            if (org, key) in owed
        }
        now = timezone.now()
        new = [
            Reminder(
                organisation_id=org,
                key=key,
                kind=kind,
                subject=subject[:200],
                body=body,
                link=link[:300],
                created_at=now,
            )
            for (org, key), (kind, subject, body, link) in owed.items()
            if (org, key) not in existing
        ]
        # A concurrent run may have made some meanwhile: the constraint keeps them single.
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
        made = {
            (org, key): pk
            for org, key, pk in Reminder.objects.filter(key__in=keys).values_list(
                "organisation_id", "key", "pk"
            )
            if (org, key) in owed
        }
        deliveries = [
            Delivery(
                reminder_id=pk,
                user_id=editor["id"],
                email=editor["email"] or "",
                email_state=Delivery.PENDING if editor["email"] else Delivery.NO_ADDRESS,
                next_try_at=now,
            )
            for (org, _key), pk in made.items()
            for editor in editors.get(org, [])
        ]
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(made) - len(existing)


def unread_count(user):
    """The user's unread messages (the dashboard and the 待办 panel show it)."""
    if not user.is_authenticated:
        return 0
    return Delivery.objects.filter(user=user, read_at__isnull=True).count()
