"""The PostgreSQL backend's text column: the analysed title, summary and body in one
tsvector (`simple` configuration: the tokens are already ours), weighted A/B/C, kept by
PostgreSQL itself (generated column), with a GIN index. Nothing on SQLite."""

from django.db import migrations

ADD = """
ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title_terms, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(summary_terms, '')), 'B') ||
    setweight(to_tsvector('simple', coalesce(body_terms, '')), 'C')
) STORED;
CREATE INDEX search_document_tsv ON search_searchdocument USING GIN (tsv);
"""


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_searchdocument DROP COLUMN tsv")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fts5")]
    operations = [migrations.RunPython(add, drop)]
