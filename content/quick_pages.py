"""Pages made from a phone form or from another record without the page editor
(快速发布, a meeting record's 公开摘要): plain text as rich text, photos as embeds, and
submitting the new page for review as 提交审核 in the editor does."""

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from base.slugs import slug_for_title


def paragraphs(text):
    """Plain text → rich text: a paragraph per line, nothing but text."""
    lines = [line.strip() for line in (text or "").splitlines()]
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line)


def image_embed(image, alt):
    return f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="{escape(alt)}"/>'


def page_slug(title, column):
    return slug_for_title(title, column, fallback=timezone.localdate().strftime("%Y%m%d"))


@transaction.atomic
def submit_for_review(page, column, user):
    """Add `page` under `column` as a draft, save a revision as `user` and start the
    organisation's workflow. Returns the workflow state (None when no workflow applies:
    the page stays a draft)."""
    page.slug = page_slug(page.title, column)
    column.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is None:
        return None
    return workflow.start(page, user)
