"""The searchable page types of the content and learning apps, and how to read them."""

from content.models import ArticlePage, DirectivePage, DisclosurePage, NoticePage
from learning.models import AudiobookPage, MicroLessonPage
from livestream.models import LiveEventPage

from .attachments import text_of
from .index import Extracted, plain, register


def directive(page):
    attachments = " ".join(
        f"{document.title} {text_of(document)}" for document in page.attachment_documents()
    )
    return Extracted(
        summary=page.summary,
        body=f"{page.doc_number} {page.issuer} {plain(page.body)} {attachments}",
        level=page.level,
        year=page.issued_at.year if page.issued_at else None,
        organisation=page.issuing_organisation,
    )


def article(page):
    return Extracted(
        summary=getattr(page, "summary", "") or page.search_description,
        body=plain(getattr(page, "body", "")),
        year=page.date.year if getattr(page, "date", None) else None,
    )


def lesson(page):
    return Extracted(
        summary=page.summary,
        body=f"{page.speaker} {page.get_category_display()} " + plain(page.transcript),
    )


def audiobook(page):
    chapters = " ".join(f"{c.title} {c.transcript}" for c in page.chapters.all())
    return Extracted(summary=plain(page.description)[:300], body=f"{page.narrator} {chapters}")


def live_event(page):
    return Extracted(summary=plain(page.description)[:300], body=page.speaker)


def register_all():
    register(DirectivePage, "directive", directive)
    register(ArticlePage, "article", article)
    register(NoticePage, "notice", article)
    register(DisclosurePage, "disclosure", article)
    register(MicroLessonPage, "lesson", lesson)
    register(AudiobookPage, "audiobook", audiobook)
    register(LiveEventPage, "live", live_event)
