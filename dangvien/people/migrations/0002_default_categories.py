"""The category lists a new installation starts with (see `dangvien.people.defaults`)."""

from django.db import migrations


def load(apps, schema_editor):
    from dangvien.people.defaults import DEFAULTS

    Category = apps.get_model("people", "Category")
    for kind, entries in DEFAULTS.items():
        for code, name, rank, aliases in entries:
            Category.objects.get_or_create(
                kind=kind, code=code, defaults={"name": name, "rank": rank, "aliases": aliases}
            )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
