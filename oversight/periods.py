"""Calendar periods: a rule of n months (n dividing 12) has periods starting in the
months 1, 1+n, 1+2n … of each year; dates are local days, periods are [start, end)."""

import datetime
from functools import lru_cache


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    """The first day of the month `months` after `day`'s month."""
    years, index = divmod(day.month - 1 + months, 12)
    return datetime.date(day.year + years, index + 1, 1)


@lru_cache(maxsize=4096)
def period_of(day, months):
    """(start, end) of the period of `months` months containing `day`."""
    first_month = (day.month - 1) // months * months + 1
    start = datetime.date(day.year, first_month, 1)
    return start, add_months(start, months)


def previous_period(day, months):
    start, _end = period_of(day, months)
    return period_of(start - datetime.timedelta(days=1), months)


@lru_cache(maxsize=4096)
def months_in(start, end):
    """The first days of the months from `start` up to (not including) `end` (a tuple)."""
    months, month = [], month_start(start)
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    return tuple(months)


def year_start(day):
    return datetime.date(day.year, 1, 1)


def last_months(day, count):
    """The first days of the `count` months ending with `day`'s month, oldest first."""
    this = month_start(day)
    return [add_months(this, -n) for n in range(count - 1, -1, -1)]
