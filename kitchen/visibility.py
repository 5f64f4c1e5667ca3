"""Which pages the public may see: the view restrictions above a page.

A page under a Wagtail view restriction (password, login or groups; its own or an
ancestor's) is private: its events are recorded with `private=True`, stay out of the
public change feed and reach only the webhook subscribers trusted with private content.

When a restriction is added above live pages that were public (or a page is moved under
one), each of them gets a public `restrict` event (webhook `page.restricted`): outlets
drop the page as if it were unpublished. When the last restriction over a live page goes
(or it is moved out from under it), the page gets a public `publish` event again, with its
full payload, so outlets show it again. Those events are written by kitchen/changes.py.
"""

from wagtail.models import Page, PageViewRestriction

from sites.tree import ancestor_paths, below_path_q


def is_restricted(page, exclude=None):
    """Whether a view restriction on `page` or an ancestor hides it (`exclude`: a
    restriction not to count, e.g. the one being added)."""
    restrictions = PageViewRestriction.objects.filter(
        page__path__in=ancestor_paths(page.path, inclusive=True)
    )
    if exclude is not None:
        restrictions = restrictions.exclude(pk=exclude.pk)
    return restrictions.exists()


def live_pages_turned(root, exclude=None):
    """The live pages of `root`'s subtree (inclusive) whose visibility follows `root`'s:
    those not kept private by a restriction of their own further down."""
    inner = PageViewRestriction.objects.filter(below_path_q(root.path, field="page__path"))
    if exclude is not None:
        inner = inner.exclude(pk=exclude.pk)
    pages = Page.objects.filter(below_path_q(root.path, inclusive=True), live=True)
    for path in inner.values_list("page__path", flat=True):
        pages = pages.exclude(below_path_q(path, inclusive=True))
    return pages.order_by("path")
