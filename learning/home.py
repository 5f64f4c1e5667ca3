"""学习园地 on an organisation's home: the lessons and audiobooks it can study, its own
and those of every organisation above it (the city's library reaches every branch), in
one query per type (sites.presentation.add_home_context, registered in apps.py)."""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext as _

from sites.presentation import HomeCard
from sites.tree import ancestor_paths, below_path_q

from .models import AudiobookPage, CourseIndexPage, MicroLessonPage

HOME_LESSONS = 4
HOME_AUDIOBOOKS = 2


def learning_columns(org):
    """The 学习园地 columns of `org` and of every organisation above it."""
    steplen = org.steplen
    paths = ancestor_paths(org.path, inclusive=True, top=2)
    children_of = (below_path_q(path) & Q(depth=len(path) // steplen + 1) for path in paths)
    return list(CourseIndexPage.objects.live().filter(reduce(or_, children_of)))


def studied_under(columns):
    """A filter for pages below any of the `columns`."""
    return reduce(or_, (below_path_q(column.path) for column in columns))


def learning_home_card(org, columns):
    home_columns = learning_columns(org)
    own = next((c for c in columns if isinstance(c, CourseIndexPage)), None)
    replaced = [own.path] if own else []
    if not home_columns:
        return {"replaced_columns": replaced}
    under = studied_under(home_columns)
    items = []
    for model, limit, label in (
        (MicroLessonPage, HOME_LESSONS, _("微课")),
        (AudiobookPage, HOME_AUDIOBOOKS, _("有声读物")),
    ):
        found = list(
            model.objects.live()
            .public()
            .filter(under)
            .order_by("-first_published_at", "-pk")[:limit]
        )
        for item in found:
            item.card_tag = label
            item.card_date = item.first_published_at
        items.extend(found)
    card = HomeCard(key="learning", title=_("学习园地"), items=items, column=own, order=40)
    return {"home_cards": [card], "replaced_columns": replaced}
