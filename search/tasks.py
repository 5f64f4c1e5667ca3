"""Background work of the search index (django-tasks; `manage.py db_worker`)."""

from django_tasks import task


@task()
def reindex_subtree(page_id):
    """Re-check every indexed page below a page whose privacy changed (a restriction on
    the city home touches every page, so this is not done in the editor's request)."""
    from wagtail.models import Page

    from . import index, registry

    root = Page.objects.filter(pk=page_id).first()
    if root is None:
        return
    for page in (
        Page.objects.descendant_of(root, inclusive=True).live().specific().iterator(chunk_size=500)
    ):
        if type(page) in registry.REGISTRY:
            index.index_page(page)


@task()
def sync_elasticsearch(page_ids):
    """Copy these pages' index rows to Elasticsearch (search/elastic.py)."""
    from . import elastic

    ok, failed = elastic.sync(page_ids)
    if failed:
        raise RuntimeError(f"Elasticsearch 同步失败 {failed} 项，可运行 search_index rebuild 补齐")
