"""A GIN index for the item stream's full-text search (PostgreSQL only; other databases use icontains).
The expression is exactly what selectors.search_items filters on, so the planner can use it."""

from django.db import migrations

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS sources_item_fts ON sources_item USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, '')))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS sources_item_fts")


class Migration(migrations.Migration):
    dependencies = [("sources", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
