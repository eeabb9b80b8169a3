"""Members and candidates out to Excel, in the same columns the importer reads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter
from django.db.models import Q, QuerySet

from dangvien.lib.xlsx import neutralise
from dangvien.people.columns import Column, columns_for
from dangvien.people.models import Person

_CHUNK = 2000


def _value(person: Person, column: Column, names: dict[int, str]) -> Any:
    if column.key == "birth":
        return person.birth_display
    if column.key == "sex":
        return person.get_sex_display()
    if column.key == "unit":
        return person.unit.code
    if column.key == "mass_organisations":
        return "; ".join(names.get(pk, "") for pk in getattr(person, "_org_ids", []))
    if column.type == "category":
        category_id = getattr(person, f"{column.key}_id")
        return names.get(category_id, "") if category_id else ""
    value = getattr(person, column.key)
    if column.type == "date":
        return f"{value:%d/%m/%Y}" if value else ""
    return neutralise(value or "")


def write_people_xlsx(people: QuerySet[Person], out: IO[bytes], *, kind: str) -> int:
    """Write the people to `out` as a workbook; returns how many rows were written.

    Rows stream out in chunks with XlsxWriter's constant-memory mode, so 100,000 rows never
    sit in memory at once. Dates are written as dd/mm/yyyy text (how the importer and the
    secretaries read them); every text cell is neutralised against formula injection.
    """
    from dangvien.people.models import Category, MassOrgMembership

    columns = columns_for(kind)
    names = dict(Category.objects.values_list("pk", "name"))
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("Danh sách")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#F0F0F0"})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.header, bold)
    row = 0
    ordered = people.select_related("unit").order_by("sort_key", "pk")
    last_key: tuple[str, int] | None = None
    while True:
        # Keyset pages: each chunk starts after the last row of the previous one.
        chunk_query = ordered
        if last_key is not None:
            chunk_query = ordered.filter(
                Q(sort_key__gt=last_key[0]) | Q(sort_key=last_key[0], pk__gt=last_key[1])
            )
        chunk = list(chunk_query[:_CHUNK])
        if not chunk:
            break
        orgs: dict[int, list[int]] = {}
        for person_id, org_id in MassOrgMembership.objects.filter(
            person__in=chunk, end__isnull=True
        ).values_list("person_id", "organisation_id"):
            orgs.setdefault(person_id, []).append(org_id)
        for person in chunk:
            row += 1
            person._org_ids = orgs.get(person.pk, [])  # type: ignore[attr-defined]
            for index, column in enumerate(columns):
                value = _value(person, column, names)
                if value != "":
                    sheet.write_string(row, index, str(value))
        last_key = (chunk[-1].sort_key, chunk[-1].pk)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
    workbook.close()
    return row


def export_rows(people: Iterable[Person], kind: str) -> list[list[str]]:
    """The same cells as the workbook, as plain lists (for tests and JSON)."""
    from dangvien.people.models import Category

    names = dict(Category.objects.values_list("pk", "name"))
    return [[str(_value(p, c, names)) for c in columns_for(kind)] for p in people]
