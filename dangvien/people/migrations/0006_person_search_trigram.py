"""A trigram index for the name search on PostgreSQL.

The search asks for every word anywhere in the tone-folded name (`search_text LIKE
'%word%'`), which a B-tree cannot serve: on a whole country it read every person. A GIN
index of trigrams (the `pg_trgm` extension, trusted since PostgreSQL 13, so the database's
owner may create it) answers such patterns. SQLite keeps its scan: a cell or a commune is
small. Not declared on the model because it exists on one engine only.
"""

from django.db import migrations

INDEX = "people_person_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0005_file_view")]

    operations = [migrations.RunPython(create, drop)]
