"""What directive pages and organisation homes show of content."""

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from base.pictures import attach_pictures
from sites.presentation import SUBTREE, HomeCard, newest_below_q, with_organisations
from sites.tree import descendants_q

from .cascade import directives_for, visible_directives
from .models import ArticlePage, NoticePage

DIRECTIVES_PAGE_SIZE = 20
LATEST_DIRECTIVES = 6
LATEST_IN_SUBTREE = 8
HEADLINES = 4

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


def organisation_home_cards(org, columns):
    """What content puts on an organisation's home (sites.presentation.HomeCard):

    - 上级精神 (with 本级文件): the newest directives shown here, from above and its own,
      under its pins; it replaces the directive columns (专栏专题, 本级文件);
    - 头条: articles marked as headline, with a cover, from the whole subtree;
    - above a branch, 工作动态 and 通知公告 over the whole subtree, each item with its
      organisation's name, in place of the organisation's own 工作动态/通知公告 columns.
    One query per card (and one for the organisations' names), whatever the tree size.
    """
    from .models import DirectiveIndexPage, PinnedDirective

    steplen = org.steplen
    nested = list(DirectiveIndexPage.objects.filter(descendants_q(org), depth=org.depth + 2))
    own_indexes = [c for c in columns if isinstance(c, DirectiveIndexPage)]
    hubs = {index.path[: len(org.path) + steplen] for index in nested}
    superiors = next((index for index in nested if not index.level), None)
    directives = attach_pictures(
        visible_directives(org).only(*DIRECTIVE_LIST_FIELDS)[:LATEST_DIRECTIVES], "thumb"
    )
    for directive in directives:
        directive.card_date = directive.issued_at
        directive.card_tag = directive.get_level_display()
    hub_column = next((c for c in columns if c.path in hubs), None)
    cards = [
        HomeCard(
            key="directives",
            title=_("上级精神") if org.kind == "city" else _("上级精神 · 本级文件"),
            items=directives,
            column=superiors or (own_indexes[0] if own_indexes else hub_column),
            order=20,
            pinned=list(
                PinnedDirective.objects.filter(organisation=org, directive__live=True)
                .select_related("directive")
                .order_by("sort_order")
            ),
        ),
        HomeCard(
            key="headlines", title=_("头条"), items=headlines(org), order=10, style="headlines"
        ),
    ]
    replaced = hubs | {index.path for index in own_indexes}
    if org.kind != "branch":
        by_slug = {column.slug: column for column in columns}
        for key, title, model, slug, order in (
            ("news", _("工作动态"), ArticlePage, "news", 30),
            ("notices", _("通知公告"), NoticePage, "notices", 35),
        ):
            items = subtree_items(org, model)
            cards.append(
                HomeCard(
                    key=key,
                    title=title,
                    items=items,
                    column=by_slug.get(slug),
                    order=order,
                    more_query=SUBTREE,
                )
            )
            if slug in by_slug:
                replaced.add(by_slug[slug].path)
    return {"home_cards": cards, "replaced_columns": replaced, "superior_index": superiors}


def headlines(org):
    """Headline articles with a cover, newest first, from `org` and everything below it."""
    items = list(
        ArticlePage.objects.live()
        .public()
        .filter(newest_below_q(org), headline=True, cover__isnull=False)
        .order_by("-date", "-pk")[:HEADLINES]
    )
    for item in with_organisations(attach_pictures(items, "cover")):
        item.card_date = item.date
    return items


def subtree_items(org, model, limit=LATEST_IN_SUBTREE):
    """The newest live, public, unexpired items of `model` in `org`'s whole subtree."""
    items = model.objects.live().public().filter(newest_below_q(org))
    if model is NoticePage:
        items = items.exclude(expires_at__lte=timezone.now())
    items = attach_pictures(items.order_by("-date", "-pk")[:limit], "thumb")
    for item in with_organisations(items):
        item.card_date = item.date
    return items
