"""Members and candidates out to Excel, in the same columns the importer reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import IO, Any

import xlsxwriter
from django.db.models import Q, QuerySet

from dangvien.lib.xlsx import neutralise
from dangvien.people.columns import Column, columns_for
from dangvien.people.models import Category, MassOrgMembership, Person, Sex

_CHUNK = 5000
# The database columns each workbook column is made of (rows are read as plain tuples:
# building 100,000 model instances would cost more than writing the workbook).
_FIELDS: dict[str, tuple[str, ...]] = {
    "birth": ("birth_year", "birth_month", "birth_day"),
    "unit": ("unit__code",),
    "mass_organisations": ("pk",),
}
Row = dict[str, Any]


def _birth(year: int, month: int | None, day: int | None) -> str:
    if month and day:
        return f"{day:02d}/{month:02d}/{year}"
    return f"{month:02d}/{year}" if month else str(year)


def _formatter(
    column: Column, names: dict[int, str], orgs: dict[int, list[int]]
) -> Callable[[Row], str]:
    """A function from a row to the cell's text, chosen once per column (not per cell)."""
    key = column.key
    sexes = {value: str(label) for value, label in Sex.choices}
    if key == "birth":
        return lambda r: _birth(r["birth_year"], r["birth_month"], r["birth_day"])
    if key == "sex":
        return lambda r: sexes.get(r["sex"], "")
    if key == "unit":
        return lambda r: str(r["unit__code"])
    if key == "mass_organisations":
        return lambda r: "; ".join(names.get(pk, "") for pk in orgs.get(r["pk"], []))
    if column.type == "category":
        field = f"{key}_id"
        return lambda r: names.get(r[field], "") if r[field] else ""
    if column.type == "date":

        def as_date(r: Row) -> str:
            value: date | None = r[key]
            return f"{value:%d/%m/%Y}" if value else ""

        return as_date
    return lambda r: str(neutralise(r[key] or ""))


def _fields(columns: list[Column]) -> list[str]:
    names = ["pk", "sort_key"]
    for column in columns:
        if column.key in _FIELDS:
            names += _FIELDS[column.key]
        elif column.type == "category":
            names.append(f"{column.key}_id")
        else:
            names.append(column.key)
    return list(dict.fromkeys(names))


def write_people_xlsx(people: QuerySet[Person], out: IO[bytes], *, kind: str) -> int:
    """Write the people to `out` as a workbook; returns how many rows were written.

    Rows stream out in keyset chunks with XlsxWriter's constant-memory mode, so 100,000 rows
    never sit in memory at once. Dates are written as dd/mm/yyyy text (how the importer and
    the secretaries read them); every text cell is neutralised against formula injection.
    """
    columns = columns_for(kind)
    names = dict(Category.objects.values_list("pk", "name"))
    fields = _fields(columns)
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("Danh sách")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#F0F0F0"})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.header, bold)
    ordered = people.order_by("sort_key", "pk").values(*fields)
    row_number = 0
    last: Row | None = None
    while True:
        query = ordered
        if last is not None:
            # Keyset pages: each chunk starts after the last row of the previous one.
            query = ordered.filter(
                Q(sort_key__gt=last["sort_key"]) | Q(sort_key=last["sort_key"], pk__gt=last["pk"])
            )
        chunk = list(query[:_CHUNK])
        if not chunk:
            break
        orgs: dict[int, list[int]] = {}
        for person_id, org_id in MassOrgMembership.objects.filter(
            person_id__in=[r["pk"] for r in chunk], end__isnull=True
        ).values_list("person_id", "organisation_id"):
            orgs.setdefault(person_id, []).append(org_id)
        formatters = [_formatter(c, names, orgs) for c in columns]
        for row in chunk:
            row_number += 1
            for index, format_cell in enumerate(formatters):
                text = format_cell(row)
                if text:
                    sheet.write_string(row_number, index, text)
        last = chunk[-1]
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row_number, 1), len(columns) - 1)
    workbook.close()
    return row_number
