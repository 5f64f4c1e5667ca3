"""The embedded backend's full-text table (SQLite FTS5) over the analysed text; rowid =
page id. Nothing on other databases (PostgreSQL has its own backend)."""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, summary, body, tokenize = 'unicode61 remove_diacritics 0')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_documents")]
    operations = [migrations.RunPython(create, drop)]
