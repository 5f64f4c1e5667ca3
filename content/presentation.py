"""What directive pages show."""

from django.core.paginator import Paginator

from base.pictures import attach_pictures
from sites.tree import descendants_q

from .cascade import directives_for

DIRECTIVES_PAGE_SIZE = 20
LATEST_DIRECTIVES = 5

DIRECTIVE_LIST_FIELDS = (
    "id",
    "title",
    "path",
    "depth",
    "url_path",
    "slug",
    "level",
    "doc_number",
    "issuer",
    "issued_at",
    "summary",
    "issuing_organisation_id",
    "app_cover_id",  # the list's thumbnail
)


def directive_index_context(index, request):
    org = index.organisation()
    directives = directives_for(org, index.level or None).only(*DIRECTIVE_LIST_FIELDS)
    page_number = request.GET.get("page") if request is not None else 1
    directives = Paginator(directives, DIRECTIVES_PAGE_SIZE).get_page(page_number)
    directives.object_list = attach_pictures(directives.object_list, "thumb")
    return {
        "organisation": org,
        "directives": directives,
        "accepts_directives": index.accepts_directives(),
    }


def organisation_directives_context(org, columns):
    """上级精神 on an organisation's home: newest directives from above, its pins, the
    newest of its own directive columns, and which columns only hold directive columns
    (专栏专题), which the home replaces with the 上级精神 card."""
    from .models import DirectiveIndexPage, PinnedDirective

    own = [c for c in columns if isinstance(c, DirectiveIndexPage)]
    latest_by_column = {
        column.path: list(column.directives().only(*DIRECTIVE_LIST_FIELDS)[:LATEST_DIRECTIVES])
        for column in own
    }
    steplen = org.steplen
    nested = list(DirectiveIndexPage.objects.filter(descendants_q(org), depth=org.depth + 2))
    hubs = {index.path[: len(org.path) + steplen] for index in nested}
    superiors = next((index for index in nested if not index.level), None)
    return {
        "superior_directives": list(
            directives_for(org).only(*DIRECTIVE_LIST_FIELDS)[:LATEST_DIRECTIVES]
        ),
        "superior_index": superiors,
        "pinned_directives": list(
            PinnedDirective.objects.filter(organisation=org, directive__live=True)
            .select_related("directive")
            .order_by("sort_order")
        ),
        "latest_by_column": latest_by_column,
        "replaced_columns": hubs,
    }
