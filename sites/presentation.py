"""What organisation and column pages show: small querysets, no per-site loops.

The page types that columns list (articles, notices, disclosure items …) and what else an
organisation's home shows (上级精神 …) belong to apps above this one: they register them
in their AppConfig.ready() (`register_column_item`, `add_home_context`)."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Q, Window
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from base.languages import language_tag, localized_each, translated_titles
from base.pictures import attach_pictures

from .kinds import OrganisationKind, kind_label
from .tree import children_q, descendants_q

LATEST_PER_COLUMN = 5
COLUMN_PAGE_SIZE = 20

_column_items = {}  # model name -> (date field, expiry field or None)
_column_item_models = {}  # model name -> model
_home_contexts = []
_subtree_columns = {}  # column slug -> model name
SUBTREE = "subtree"  # ?scope=subtree: a top column listing its type from the whole subtree


def register_column_item(model, date_field="date", expires_field=None):
    """Columns list live, public pages of `model` by `date_field`, newest first, leaving out
    those whose `expires_field` has passed."""
    _column_items[model._meta.model_name] = (date_field, expires_field)
    _column_item_models[model._meta.model_name] = model


def newest_below_q(org):
    """The subtree filter of `org` for "the newest few items of one type below it" (a
    query on the type's table, ordered by its indexed date, with a LIMIT).

    Below the city it is the path range (sites.tree): a district's or street's range is
    a small part of the tree. At the city the range holds every page, but SQLite, which
    keeps no statistics, still prefers it to the date index: at 5,273 sites it read all
    ~117,000 pages of the range and sorted their items, ~40 ms a card. There the same
    pages are matched by their path prefix, which SQLite cannot answer from the path
    index, so it walks the date index newest first and stops after the LIMIT.
    PostgreSQL plans both from its statistics."""
    if org.kind == OrganisationKind.CITY:
        return Q(path__startswith=org.path) & ~Q(pk=org.pk)
    return descendants_q(org)


def is_column_item(model):
    """True for the page types columns list (registered with register_column_item)."""
    return _column_item_models.get(model._meta.model_name) is model


def column_item_q():
    """Pages of the registered column item types, selected by their own table rows."""
    if not _column_items:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{name}__isnull": False}) for name in _column_items))


def register_subtree_column(slug, model):
    """An organisation's top column `slug` (工作动态, 通知公告), asked with ?scope=subtree,
    lists the `model` items (a registered column item type) of the organisation's whole
    subtree, each with its organisation's name: the 更多 of the homes' subtree cards."""
    _subtree_columns[slug] = model._meta.model_name


def add_home_context(provider):
    """`provider(org, columns)` adds to an organisation home's context. Three keys are
    merged rather than added: "latest_by_column" ({column path: items}, replacing the
    column's newest items), "replaced_columns" (paths of columns the home shows in
    another way, left out of the column cards) and "home_cards" (HomeCards the home
    shows, e.g. 工作动态 over the whole subtree, 学习园地)."""
    _home_contexts.append(provider)


def items_in(where):
    """Live, public column items (the registered types, unexpired) matching a tree filter
    (see sites.tree), each with `item_date` for ordering."""
    # The item types are selected by their own table rows, not by content_type: with a
    # content_type filter SQLite walks every article in the city by that index instead
    # of the column's path range.
    if not _column_items:
        return Page.objects.none().annotate(item_date=F("latest_revision_created_at"))
    now = timezone.now()
    is_item = column_item_q()
    expired = [
        Q(**{f"{name}__{expires}__lte": now})
        for name, (_date, expires) in _column_items.items()
        if expires
    ]
    dates = [F(f"{name}__{date}") for name, (date, _expires) in _column_items.items()]
    items = Page.objects.live().public().filter(where, is_item)
    if expired:
        items = items.exclude(reduce(or_, expired))
    return items.annotate(item_date=Coalesce(*dates) if len(dates) > 1 else dates[0])


def latest_in(column):
    """Newest items anywhere under a column, newest first (for pagination)."""
    return items_in(descendants_q(column)).order_by("-item_date", "-pk").specific()


def latest_per_column(org, columns, limit=LATEST_PER_COLUMN):
    """{column path: newest `limit` items under it}, for all columns in one query.

    A window function numbers the items within each top-level column (the first steps
    of the tree path), so the home page costs the same whatever the column count.
    """
    if not columns:
        return {}
    column_prefix = Substr("path", 1, (org.depth + 1) * org.steplen)
    in_columns = reduce(or_, (descendants_q(column) for column in columns))
    ranked = items_in(in_columns).annotate(
        column_path=column_prefix,
        rank=Window(
            RowNumber(),
            partition_by=[column_prefix],
            order_by=[F("item_date").desc(), F("pk").desc()],
        ),
    )
    grouped = {column.path: [] for column in columns}
    latest = ranked.filter(rank__lte=limit).order_by("column_path", "rank").specific()
    # Their thumbnails (templates/includes/item_thumb.html) in two more queries at most.
    for item in attach_pictures(latest, "thumb"):
        if item.path[: len(org.path) + org.steplen] in grouped:
            grouped[item.path[: len(org.path) + org.steplen]].append(item)
    return grouped


@dataclass
class HomeCard:
    """One card of an organisation home.

    `items` are pages; a card may set on each `card_date`, `card_org` (the name of the
    organisation it comes from, for cards over a subtree) and `card_tag` (a short label,
    e.g. 中央精神). `column` is the organisation's own column behind the card: its 更多
    link and, while the card is empty, where an editor of the organisation publishes the
    first item (visitors never see an empty card). Cards with the same `key` from several
    providers merge: the one with the lower `order` puts its items first.
    """

    key: str
    title: str
    items: list = field(default_factory=list)
    column: Page | None = None
    order: int = 50
    style: str = "list"  # "list", "headlines" (covers), "children" (下级组织)
    pinned: list = field(default_factory=list)  # 置顶 directives with their study notes
    more_url: str = ""  # when the card's 更多 is not its column (e.g. 站点导航)
    more_query: str = ""  # ?scope= of the column's 更多 (SUBTREE: the whole subtree's)
    add_url: str = ""  # filled for editors of the organisation when the card is empty

    def merge(self, other):
        first, second = (other, self) if other.order < self.order else (self, other)
        self.items = [*first.items, *second.items]
        self.pinned = [*self.pinned, *other.pinned]
        self.column = self.column or other.column
        self.order = min(self.order, other.order)


def merge_cards(cards):
    by_key = {}
    for card in cards:
        if card.key in by_key:
            by_key[card.key].merge(card)
        else:
            by_key[card.key] = card
    return sorted(by_key.values(), key=lambda card: card.order)


def with_organisations(items):
    """Set `card_org` on each item to the name of the organisation it belongs to (the
    deepest one above it) and `card_org_key` to its translation key, for all items in
    one query."""
    items = list(items)
    if not items:
        return items
    from .models import OrganisationPage

    organisations = OrganisationPage.nearest_above_each(items, "title", "translation_key")
    for item in items:
        org = organisations[item.pk]
        item.card_org = org.title if org is not None else ""
        item.card_org_key = org.translation_key if org is not None else None
    return items


def source_of(org):
    """The organisation `org` translates (in the default language), or `org` itself when it
    is no translation: one query for a translation, none otherwise."""
    if not org.is_translation():
        return org
    from .models import OrganisationPage

    return OrganisationPage.originals().filter(translation_key=org.translation_key).first() or org


def child_organisations_with_updates(org, source=None):
    """The organisations directly below `org`, each with `card_date`: when anything
    below it was last published (stored by sites.updates, so one query for all).

    A translated organisation lists all the children of its source (`source`, or looked
    up): those translated in the current language, the others in theirs (`card_lang`,
    linked to their own URL). Three queries at most, whatever the number of children."""
    from .models import OrganisationPage

    source = source or source_of(org)
    fields = ("id", "title", "url_path", "path", "depth", "slug", "kind", "content_updated_at")
    originals = list(source.child_organisations().only(*fields, "translation_key", "locale"))
    dates = {child.translation_key: child.content_updated_at for child in originals}
    children = localized_each(originals, OrganisationPage) if source is not org else originals
    for child in children:
        child.card_date = dates[child.translation_key]
    return children


def can_publish_in(org, user):
    """True for a signed-in user who may add pages in `org`'s columns (its editors). Not
    `can_add_subpage()` of the organisation page itself: it takes only structural page
    types, which editors are not offered (sites/column_types.py)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or "add" in org.permissions_for_user(user).permissions


def offers_page_types(column):
    """Whether the acting user may add some page type in `column` (by its purpose)."""
    return any(model.can_create_at(column) for model in type(column).creatable_subpage_models())


# What home card providers set on their items (base.pictures: `_attached_picture`), kept
# on the items' translations.
CARRIED = ("card_date", "card_org", "card_org_key", "card_tag", "item_date", "_attached_picture")


def shown_columns(org, source, columns):
    """{source column pk: the column to show for it on `org`'s home}: `org`'s own
    translation of it when there is one, else the source's column. Identity for an
    organisation that is no translation (`source` is `org`); else one query at most, for
    columns other than `org`'s top ones (those are passed in `columns`, own first)."""
    shown = {column.pk: column for column in columns}
    if source is org:
        return shown
    own = {c.translation_key: c for c in columns if c.locale_id == org.locale_id}
    wanted = [c for c in columns if c.locale_id != org.locale_id and c.translation_key not in own]
    if wanted:
        found = Page.objects.live().filter(
            locale_id=org.locale_id, translation_key__in=[c.translation_key for c in wanted]
        )
        own.update({column.translation_key: column for column in found.specific()})
    for column in columns:
        shown[column.pk] = own.get(column.translation_key, column)
    return shown


def localize_cards(cards, org):
    """Cards of a translated `org` (computed over its source) in the current language:
    their items and pinned directives replaced by their translations where there are
    some, the others kept with `card_lang` (linked to their own URL), in one query (plus
    one per type of the translations found), and the organisations' names translated in
    one more. The pins are the source's, so their study notes are marked as its language."""
    from .models import OrganisationPage

    listed = [card for card in cards if card.style != "children"]  # localized already
    pages = [item for card in listed for item in card.items]
    pages += [pin.directive for card in listed for pin in card.pinned]
    versions = iter(localized_each(pages, Page, carried=CARRIED))
    for card in listed:
        card.items = [next(versions) for _item in card.items]
    for card in listed:
        for pin in card.pinned:
            pin.directive = next(versions)
            pin.card_lang = language_tag(settings.LANGUAGE_CODE)  # the source's own note
    sourced = [item for card in listed for item in card.items if getattr(item, "card_org", "")]
    keys = {getattr(item, "card_org_key", None) for item in sourced} - {None}
    names = translated_titles(OrganisationPage, keys)
    for item in sourced:
        name = names.get(getattr(item, "card_org_key", None))
        item.card_org = name or item.card_org
        item.card_org_lang = "" if name else language_tag(settings.LANGUAGE_CODE)


def organisation_home_context(org, request=None):
    """An organisation's home. A translation shows the cards of its source (where hardly
    anything is translated yet), each item in the current language where it is
    translated, else in its own (localize_cards); its navigation is its own columns."""
    own_columns = list(org.top_columns().specific())
    source = source_of(org)
    columns = own_columns if source is org else list(source.top_columns().specific())
    latest = latest_per_column(source, columns)
    added, replaced, cards = {}, set(), []
    for provider in _home_contexts:
        extra = provider(source, columns)
        latest.update(extra.pop("latest_by_column", {}))
        replaced |= set(extra.pop("replaced_columns", ()))
        cards.extend(extra.pop("home_cards", ()))
        added.update(extra)
    for column in columns:
        for item in latest[column.path]:
            item.card_date = getattr(item, "item_date", None) or getattr(item, "date", None)
    shown = shown_columns(
        org, source, [*own_columns, *columns, *(card.column for card in cards if card.column)]
    )
    for card in cards:
        card.column = card.column and shown[card.column.pk]
    cards.extend(
        HomeCard(
            key=f"column-{shown[column.pk].pk}",
            title=shown[column.pk].title,
            items=latest[column.path],
            column=shown[column.pk],
            order=60 + index,
        )
        for index, column in enumerate(columns)
        if column.path not in replaced  # e.g. 专栏专题: shown as the 上级精神 card
    )
    children = child_organisations_with_updates(org, source)
    if children:
        cards.append(
            HomeCard(
                key="children",
                title=_("下级组织"),
                items=children,
                order=90,
                style="children",
                more_url=reverse("site_directory"),
            )
        )
    cards = merge_cards(cards)
    if source is not org:
        localize_cards(cards, org)
    user = getattr(request, "user", None)
    if any(not card.items for card in cards) and can_publish_in(org, user):
        for card in cards:
            if not card.items and card.column is not None and offers_page_types(card.column):
                card.add_url = reverse("wagtailadmin_pages:add_subpage", args=[card.column.pk])
    return {
        **added,
        "nav_columns": own_columns,
        "kind_label": kind_label(org.kind),
        "leaders": list(org.leaders.select_related("photo").all()),
        "home_cards": [card for card in cards if card.items or card.add_url],
        "headline_card": next((c for c in cards if c.style == "headlines" and c.items), None),
        "child_organisations": children,
    }


def column_context(column, request):
    subcolumns = list(
        Page.objects.filter(children_q(column)).live().type(column.__class__).order_by("path")
    )
    org = column.organisation()
    model_name = _subtree_columns.get(column.slug)
    subtree = (
        request is not None
        and request.GET.get("scope") == SUBTREE
        and model_name is not None
        and org is not None
        and column.depth == org.depth + 1
    )
    if subtree:
        items = (
            items_in(descendants_q(org))
            .filter(**{f"{model_name}__isnull": False})
            .order_by("-item_date", "-pk")
            .specific()
        )
    else:
        items = latest_in(column)
    paginator = Paginator(items, COLUMN_PAGE_SIZE)
    page_number = request.GET.get("page") if request is not None else 1
    listed = paginator.get_page(page_number)
    if subtree:
        listed.object_list = with_organisations(listed.object_list)
    listed.object_list = attach_pictures(listed.object_list, "thumb")  # 2 queries a list
    return {
        "subcolumns": subcolumns,
        "items": listed,
        "organisation": org,
        "querystring": f"scope={SUBTREE}&" if subtree else "",
    }
