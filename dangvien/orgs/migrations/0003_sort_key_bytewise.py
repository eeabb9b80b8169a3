# The sort key column compares bytes on PostgreSQL, and keys now order numbers as numbers:
# keys written before are recomputed.

from django.db import migrations

import dangvien.lib.fields


def recompute_sort_keys(apps, schema_editor):
    from dangvien.lib.vntext import collation_key

    Unit = apps.get_model("orgs", "Unit")
    batch = []
    for unit in Unit.objects.only("pk", "name").iterator(chunk_size=2000):
        unit.sort_key = collation_key(unit.name)[:500]
        batch.append(unit)
        if len(batch) >= 2000:
            Unit.objects.bulk_update(batch, ["sort_key"])
            batch = []
    Unit.objects.bulk_update(batch, ["sort_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_default_authority_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="unit",
            name="sort_key",
            field=dangvien.lib.fields.SortKeyField(max_length=500),
        ),
        migrations.RunPython(recompute_sort_keys, migrations.RunPython.noop),
    ]
