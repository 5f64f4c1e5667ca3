"""The "which organisation?" screen of the phone forms (快速发布, 快速记录) for those who
work for several: a search when the list is long, the first rows, each row with the
organisation above it (branches of different communities share names)."""

from .tree import parent_title

TEMPLATE = "sites/admin/choose_organisation.html"
ROWS = 30


def picker_context(organisations, query, question, empty):
    """The template's context for `organisations` (a queryset the user may use), filtered
    by the search text `query`; `question` heads the list, `empty` says why it is empty."""
    query = query.strip()
    if query:
        organisations = organisations.filter(title__icontains=query) | organisations.filter(
            code__icontains=query
        )
    total = organisations.count()
    return {
        "organisations": list(organisations.annotate(above=parent_title())[:ROWS]),
        "total": total,
        "query": query,
        "more": max(total - ROWS, 0),
        "question": question,
        "empty": empty,
    }
