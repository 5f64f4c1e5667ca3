"""发布公开摘要: a meeting record's public face, made with one action.

A record is internal. Its organisation's own editors may publish a short summary of it as
a 支部动态 item: an ArticlePage in the organisation's news column (ColumnPage.purpose
"news", sites/column_types.py) with the topic as title, the meeting's date, the record's
photos (their 图片说明 as alt text) and a short text — by default the first paragraphs of
the minutes, edited on a confirmation screen. Nothing else of the record goes out: no
attendance, no minutes beyond the text chosen, no resolutions, no directives. The page is
submitted to the organisation's review workflow (content/quick_pages.py) and linked from
the record (MeetingRecord.public_summary); a second request links to the same page.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from content.models import ArticlePage
from content.quick_pages import image_embed, paragraphs, submit_for_review
from sites.column_types import ColumnPurpose
from sites.models import ColumnPage

from .models import MeetingRecord

TEXT_MAX = 500
# The suggested text: the first paragraph of the minutes, and the second while the text
# is shorter than this many characters (a short text; the rest of the minutes stays in).
SUGGESTED_LENGTH = 60
SUGGESTED_PARAGRAPHS = 2
PARAGRAPH_END = re.compile(r"</p\s*>|<br\s*/?>|</h\d\s*>|</li\s*>", re.IGNORECASE)


class NoNewsColumn(Exception):
    """The organisation has no 支部动态 column to publish into."""


def news_column(org):
    """The organisation's own 动态 column (the topmost column of purpose news)."""
    return (
        ColumnPage.objects.child_of(org)
        .filter(purpose=ColumnPurpose.NEWS)
        .exact_type(ColumnPage)
        .order_by("path")
        .first()
    )


def minutes_paragraphs(html):
    """The minutes (rich text) as plain-text paragraphs."""
    parts = (" ".join(strip_tags(part).split()) for part in PARAGRAPH_END.split(html or ""))
    return [part for part in parts if part]


def suggested_text(record):
    """The first paragraph(s) of the minutes, or one sentence saying what took place."""
    chosen = []
    for paragraph in minutes_paragraphs(record.minutes)[:SUGGESTED_PARAGRAPHS]:
        if chosen and sum(map(len, chosen)) >= SUGGESTED_LENGTH:
            break
        chosen.append(paragraph)
    if chosen:
        return Truncator("\n".join(chosen)).chars(TEXT_MAX)
    day = timezone.localtime(record.held_at).date()
    return _("%(month)s月%(day)s日，%(org)s召开%(type)s，主题为“%(topic)s”。") % {
        "month": day.month,
        "day": day.day,
        "org": record.organisation.title,
        "type": record.meeting_type.name,
        "topic": record.topic,
    }


def photos_of(record):
    """(image, alt text) of the record's photos in order; a caption not written falls back
    on the image's own description, then on the topic."""
    rows = record.photos.select_related("image").order_by("sort_order", "pk")
    return [(p.image, p.caption or p.image.description or record.topic) for p in rows]


def build_page(record, title, text, owner):
    photos = photos_of(record)
    # The text is the body (the article template shows a summary above the body: the
    # same words twice); the app's summary falls back on the body.
    page = ArticlePage(title=title, owner=owner, live=False, date=record.held_at)
    if photos:
        cover, alt = photos[0]
        if not cover.description:  # the cover's alt text is the image's description
            cover.description = alt
            cover.save(update_fields=["description"])
        page.cover = cover
    page.body = paragraphs(text) + "".join(image_embed(image, alt) for image, alt in photos[1:])
    return page


@transaction.atomic
def publish_summary(record, user, title, text):
    """(the summary page, whether it was made now). Made once per record: the record's
    row is locked while it is made, so two taps at once make one page."""
    record = MeetingRecord.objects.select_for_update().get(pk=record.pk)
    if record.public_summary_id is not None:
        return record.public_summary, False
    column = news_column(record.organisation)
    if column is None:
        raise NoNewsColumn
    page = build_page(record, title, text, user)
    submit_for_review(page, column, user)
    MeetingRecord.objects.filter(pk=record.pk).update(public_summary=page)
    return page, True


def review_state(page):
    """What became of the summary: "live", "in_review" (with the task's name) or "draft"."""
    if page.live:
        return "live", ""
    state = page.current_workflow_state
    if state is not None and state.current_task_state is not None:
        return "in_review", state.current_task_state.task.name
    return "draft", ""
