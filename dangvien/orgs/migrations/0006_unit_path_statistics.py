from django.db import migrations

# How many values PostgreSQL's statistics keep of a unit's path (its default is 100).
#
# Why: every subtree is asked as `path LIKE 'prefix%'`, and the planner estimates how many
# units match from a sample of paths. With 100 values for 250,000 units, a commune's 76
# units were estimated at anything between 25 and 3,000 depending on the sample ANALYZE
# happened to draw; at 3,000 it scanned the whole unit table in parallel (the commune's
# breakdown of new members 3 → 30 ms, its figures counted live 2 → 206 ms). With 300 the
# estimate stays near the truth. Not more: the planner matches the pattern against every
# kept value, so each LIKE on the path costs planning time in proportion (5,000 values:
# 4 ms to plan a query of an empty table).
PATH_STATISTICS = 300


def set_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE orgs_unit ALTER COLUMN path SET STATISTICS {PATH_STATISTICS}"
        )


def reset_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orgs_unit ALTER COLUMN path SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_unit_ended_index"),
    ]

    operations = [
        migrations.RunPython(set_statistics, reset_statistics),
    ]
