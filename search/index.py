"""What gets indexed, and keeping the index in step with publishing.

Which page types are indexed, and what each contributes, is search/registry.py, filled in
by the apps that own them. A page is indexed when it is published
and removed when it is unpublished, deleted or made private; `manage.py search_index
rebuild` redoes everything.
"""

from django.db import connection, transaction
from wagtail.models import Page, PageViewRestriction

from sites.models import OrganisationPage

from . import analysis
from .models import SearchDocument
from .registry import REGISTRY


def owner(page):
    return OrganisationPage.nearest_above(page, inclusive=True)


def searchable(page):
    return (
        page.live
        and not PageViewRestriction.objects.filter(
            page__in=Page.objects.ancestor_of(page, inclusive=True)
        ).exists()
    )


def document_for(page, search_type, owner_of):
    """The index row of a page, with `owner_of(page)` finding its organisation."""
    data = search_type.extract(page)
    org = data.organisation or owner_of(page)
    return SearchDocument(
        page_id=page.pk,
        kind=search_type.kind,
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


def index_page(page, copy=True):
    """(Re)index one page, or drop it when it should not be found. `copy`: also to
    Elasticsearch, when used."""
    page = page.specific
    search_type = REGISTRY.get(type(page))
    if search_type is None:
        return
    if not searchable(page):
        remove_page(page.pk, copy)
        return
    document = document_for(page, search_type, owner)
    with transaction.atomic():
        document.save()
        write_fts([document])
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


def write_fts(documents, replace=True):
    if connection.vendor != "sqlite":
        return
    rows = [(d.page_id, d.title_terms, d.summary_terms, d.body_terms) for d in documents]
    with connection.cursor() as cursor:
        if replace:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [r[:1] for r in rows])
        cursor.executemany(
            "INSERT INTO search_fts (rowid, title, summary, body) VALUES (%s, %s, %s, %s)", rows
        )


def remove_page(page_id, copy=True):
    with transaction.atomic():
        SearchDocument.objects.filter(page_id=page_id).delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [page_id])
        if copy:
            copy_to_elasticsearch(page_id)


class Tree:
    """What a rebuild needs to know about the page tree, read once: the paths under a view
    restriction and the organisations by path (instead of two queries per page)."""

    def __init__(self):
        self.restricted = tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
        self.organisations = {o.path: o for o in OrganisationPage.objects.only("path", "code")}

    def hidden(self, page):
        return bool(self.restricted) and page.path.startswith(self.restricted)

    def owner(self, page):
        for end in range(len(page.path), 0, -page.steplen):
            if organisation := self.organisations.get(page.path[:end]):
                return organisation
        return None


def rebuild(progress=None, batch_size=500):
    """Index every live, public page of a registered type, in one transaction and in
    batches; returns how many were indexed. Elasticsearch is not touched (see
    search_index rebuild)."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fts")
        tree = Tree()
        batch, count = [], 0
        for model, search_type in REGISTRY.items():
            pages = model.objects.live().select_related("locale")
            for page in pages.iterator(chunk_size=batch_size):
                if not tree.hidden(page):
                    batch.append(document_for(page, search_type, tree.owner))
                if progress:
                    progress.update(1)
                if len(batch) >= batch_size:
                    count += save_batch(batch)
                    batch = []
        count += save_batch(batch)
    return count


def save_batch(documents):
    SearchDocument.objects.bulk_create(documents)
    write_fts(documents, replace=False)
    return len(documents)


def indexable_count():
    return sum(model.objects.live().count() for model in REGISTRY)
