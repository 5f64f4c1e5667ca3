"""The searchable page types. search knows none of them: each app declares its own once, in
its AppConfig.ready(), with `register`, and everything else is read from that declaration —
what the index stores for a page (`SearchType.extract`), the model's Wagtail
`search_fields` (used by the admin's page search), the ranking boost, which types cascade
to the organisations below the issuing one, the facet labels and the API's `type` values.

A text source is either a name or a callable of the page. A name is a model field or a
method of the model, as Wagtail's search_fields take them, and is added to the model's
search_fields as a SearchField; rich text (RichTextField, StreamField) is indexed as its
plain text. A callable is text only our index reads (e.g. attachments' text: too costly for
Wagtail to read again on every save).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.utils.html import strip_tags
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

KIND = re.compile(r"^[a-z][a-z0-9_]*$")  # a kind goes into URLs and SQL as it is
RICH_SUMMARY_CHARS = 300  # a summary taken from rich text (a description) is its opening


@dataclass
class Extracted:
    summary: str
    body: str
    level: str = ""
    year: int | None = None
    organisation: object = None  # an OrganisationPage


@dataclass(frozen=True)
class SearchType:
    model: type
    kind: str
    label: str
    summary: tuple  # readers; the first non-empty text is the summary
    body: tuple  # readers, their texts joined by spaces
    text_fields: tuple  # the names among the text sources (Wagtail's SearchFields)
    level: object = None  # reader of the level, or None
    year: object = None  # reader of a date whose year is filed, or None
    organisation: object = None  # reader of the organisation, or None (the page's own)
    boost: float = 1.0
    cascades: bool = False

    def extract(self, page):
        date = self.year(page) if self.year else None
        return Extracted(
            summary=next((text for read in self.summary if (text := read(page))), ""),
            body=" ".join(read(page) for read in self.body),
            level=self.level(page) if self.level else "",
            year=date.year if date else None,
            organisation=self.organisation(page) if self.organisation else None,
        )


REGISTRY = {}  # model class -> SearchType, in registration order


def plain(value):
    return " ".join(strip_tags(str(value or "")).split())


def register(
    model,
    kind,
    label,
    *,
    summary,
    body=(),
    level=None,
    year=None,
    organisation=None,
    boost=1.0,
    cascades=False,
):
    """Make `model` searchable as `kind` (shown as `label`). `summary`: a text source or a
    tuple of them, the first with text wins; `body`: text sources; `level`, `year` (a
    date), `organisation`: a name or callable each; `boost` multiplies the score;
    `cascades`: also found by the organisations below the one that issued it."""
    if not KIND.match(kind):
        raise ImproperlyConfigured(f"搜索类型 {kind!r} 只能用小写字母、数字和下划线")
    if any(t.kind == kind and t.model is not model for t in REGISTRY.values()):
        raise ImproperlyConfigured(f"搜索类型 {kind!r} 已被注册")
    summary = (summary,) if isinstance(summary, str) or callable(summary) else tuple(summary)
    text_fields = tuple(dict.fromkeys(s for s in (*summary, *body) if isinstance(s, str)))
    REGISTRY[model] = SearchType(
        model=model,
        kind=kind,
        label=label,
        summary=tuple(text_reader(model, s, RICH_SUMMARY_CHARS) for s in summary),
        body=tuple(text_reader(model, s) for s in body),
        text_fields=text_fields,
        level=value_reader(model, level),
        year=value_reader(model, year),
        organisation=value_reader(model, organisation),
        boost=float(boost),  # (it stands in the SQL as it is)
        cascades=cascades,
    )
    add_search_fields(model, text_fields)


def value_reader(model, source):
    if source is None or callable(source):
        return source
    field_of(model, source)  # fails early on a misspelt name

    def read(page):
        value = getattr(page, source)
        return value() if callable(value) else value

    return read


def text_reader(model, source, rich_chars=None):
    """The text of a source: a field's value as it is, rich text as plain text (cut to
    `rich_chars`)."""
    read = value_reader(model, source)
    if callable(source):
        return read
    if isinstance(field_of(model, source), RichTextField | StreamField):
        return lambda page: plain(read(page))[:rich_chars]
    return lambda page: str(read(page) or "")


def field_of(model, name):
    """The model field `name`, or None for a method or property of that name."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        if hasattr(model, name):
            return None
        raise ImproperlyConfigured(f"{model.__name__} 没有字段或方法 {name!r}") from None


def add_search_fields(model, names):
    """Wagtail's search_fields of `model` gain a SearchField for each text field declared
    (those it lists already, and its FilterFields, stay as they are)."""
    listed = {f.field_name for f in model.search_fields if isinstance(f, index.SearchField)}
    missing = [index.SearchField(name) for name in names if name not in listed]
    if missing:
        model.search_fields = [*model.search_fields, *missing]


def kinds():
    return [t.kind for t in REGISTRY.values()]


def label(kind):
    return next((t.label for t in REGISTRY.values() if t.kind == kind), kind)


def boosts():
    """{kind: boost} of the types ranked above the others."""
    return {t.kind: t.boost for t in REGISTRY.values() if t.boost != 1.0}


def cascading():
    return [t.kind for t in REGISTRY.values() if t.cascades]
