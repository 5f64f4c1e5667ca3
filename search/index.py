"""What gets indexed, and keeping the index in step with publishing.

Each searchable page type registers how to read it (`register`); the content and
learning apps' types are registered in apps.py. A page is indexed when it is published
and removed when it is unpublished, deleted or made private; `manage.py search_index
rebuild` redoes everything.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.html import strip_tags
from wagtail.models import Page, PageViewRestriction

from sites.models import OrganisationPage

from . import analysis
from .models import SearchDocument


@dataclass
class Extracted:
    summary: str
    body: str
    level: str = ""
    year: int | None = None
    organisation: OrganisationPage | None = None


REGISTRY = {}  # model class -> (kind, extract(page) -> Extracted)


def register(model, kind, extract):
    REGISTRY[model] = (kind, extract)


def plain(value):
    return " ".join(strip_tags(str(value or "")).split())


def owner(page):
    return OrganisationPage.objects.ancestor_of(page, inclusive=True).order_by("-depth").first()


def searchable(page):
    return (
        page.live
        and not PageViewRestriction.objects.filter(
            page__in=Page.objects.ancestor_of(page, inclusive=True)
        ).exists()
    )


def index_page(page, copy=True):
    """(Re)index one page, or drop it when it should not be found. `copy`: also to
    Elasticsearch, when used (a rebuild copies everything at the end instead)."""
    page = page.specific
    entry = REGISTRY.get(type(page))
    if entry is None:
        return
    if not searchable(page):
        remove_page(page.pk, copy)
        return
    kind, extract = entry
    data = extract(page)
    org = data.organisation or owner(page)
    document = SearchDocument(
        page_id=page.pk,
        kind=kind,
        locale=page.locale.language_code,
        path=page.path,
        org_path=org.path if org else page.path,
        org_code=org.code if org else "",
        level=data.level,
        year=data.year or (page.first_published_at.year if page.first_published_at else None),
        title=page.title,
        summary=data.summary[:500],
        url_path=page.url_path,
        title_terms=analysis.analyse(page.title),
        summary_terms=analysis.analyse(data.summary),
        body_terms=analysis.analyse(data.body),
    )
    with transaction.atomic():
        document.save()
        write_fts(document)
        if copy:
            copy_to_elasticsearch(page.pk)


def copy_to_elasticsearch(page_id):
    """With Elasticsearch, the task worker copies the row across once this commits (a
    slow or unreachable cluster never holds up publishing; `search_index rebuild` mends
    anything lost)."""
    from . import elastic

    if not elastic.enabled():
        return

    def enqueue():
        from .tasks import sync_elasticsearch

        sync_elasticsearch.enqueue([page_id])

    transaction.on_commit(enqueue)


def write_fts(document):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [document.page_id])
        cursor.execute(
            "INSERT INTO search_fts (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
            [
                document.page_id,
                document.title_terms,
                document.summary_terms,
                document.body_terms,
            ],
        )


def remove_page(page_id, copy=True):
    with transaction.atomic():
        SearchDocument.objects.filter(page_id=page_id).delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [page_id])
        if copy:
            copy_to_elasticsearch(page_id)


def rebuild(progress=None):
    """Index every live page of a registered type; returns how many were indexed."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fts")
        count = 0
        for model in REGISTRY:
            for page in model.objects.live().select_related("locale").iterator(chunk_size=500):
                index_page(page, copy=False)
                count += 1
                if progress:
                    progress.update(1)
    return count


def indexable_count():
    return sum(model.objects.live().count() for model in REGISTRY)
