"""Template filters of the study pages."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def whole(number):
    """A number of points as a whole number, for {% blocktranslate count %} (1 point,
    2 points): the chart keeps its values as floats."""
    try:
        return round(float(number))
    except (TypeError, ValueError):
        return 0


@register.filter
def duration(seconds):
    """A length as people say it: 45秒, 3分20秒, 1小时5分."""
    try:
        seconds = max(0, round(float(seconds)))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return gettext("%(h)d小时%(m)d分") % {"h": hours, "m": minutes}
    if minutes:
        return (
            gettext("%(m)d分%(s)d秒") % {"m": minutes, "s": secs}
            if secs
            else gettext("%(m)d分钟") % {"m": minutes}
        )
    return gettext("%(s)d秒") % {"s": secs}
