"""The names people have, for the name search (issue 6).

A search now finds the matching names first (`people.PersonName`: one row per distinct
pair of sort key and folded name, tens of thousands for millions of people), then their
people through the name order's index. The names are filled from the people in one
INSERT … SELECT DISTINCT, on both engines and at any size (5.9 million people: about 10 s
on PostgreSQL). On PostgreSQL a GIN index over each name's words (split on spaces, as the
search splits them) answers "which names have a word beginning with …"; the trigram index
of 0006 on every person is dropped: nothing searches people's names with LIKE '%…%' any
more. The index expression is `selectors.NAME_WORDS_SQL`, written out here as migrations
are history.
"""

import dangvien.lib.fields
from django.db import migrations, models

WORDS_INDEX = "people_personname_words"
TRIGRAM_INDEX = "people_person_search_trgm"


def fill(apps, schema_editor):
    # Names already there are left (the tests replay every data step on a filled database).
    schema_editor.execute(
        "INSERT INTO people_personname (search_text, sort_key) "
        "SELECT DISTINCT p.search_text, p.sort_key FROM people_person p "
        "WHERE NOT EXISTS (SELECT 1 FROM people_personname n "
        "WHERE n.sort_key = p.sort_key AND n.search_text = p.search_text)"
    )


def words_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {WORDS_INDEX} ON people_personname USING gin "
        "(array_to_tsvector(array_remove(string_to_array(search_text, ' '), '')))"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    # The planner's guess of how many names match comes from the index's statistics.
    schema_editor.execute("ANALYZE people_personname")


def no_words_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS_INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON people_person "
        "USING gin (search_text gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0006_person_search_trigram")]

    operations = [
        migrations.CreateModel(
            name="PersonName",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("search_text", models.CharField(max_length=200)),
                ("sort_key", dangvien.lib.fields.SortKeyField(max_length=400)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("sort_key", "search_text"), name="person_name_once"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(words_index, no_words_index),
    ]
