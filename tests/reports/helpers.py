"""Building the raw records of the seed figures quickly: many admitted members through
`people_bulk_create`, with short synthetic names (counts matter, not names)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dangvien.lib.dates import PartialDate
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import Decision, NewUnit, unit_create
from dangvien.people.models import Person, Status
from dangvien.people.services import NewPerson, people_bulk_create
from tests.people.factories import person_data

FOUNDED = Decision(effective=date(2015, 1, 1), number="01-QĐ/TW")


def unit(parent: Unit, code: str, name: str, kind: str = UnitKind.CELL) -> Unit:
    cell_kind = CellKind.RESIDENTIAL if kind == UnitKind.CELL else ""
    return unit_create(
        acting_user=None, parent=parent, spec=NewUnit(code, name, kind, cell_kind), decision=FOUNDED
    )


def admit(cell: Unit, count: int, on: date, **data: Any) -> list[Person]:
    """`count` people admitted by `cell` with a decision dated `on` (probationary members,
    ceremony a week later). `data` overrides fields of their records (birth, education…)."""
    if count == 0:
        return []
    values: dict[str, Any] = {
        "decision_number": "1-QĐ/ĐU",
        "decision_date": on,
        "ceremony_date": on + timedelta(days=7),
        "birth": PartialDate(1998, 5, 17),
    }
    values.update(data)
    since = values["ceremony_date"]
    return people_bulk_create(
        acting_user=None,
        entries=[
            NewPerson(
                person_data(f"Người {cell.pk}-{on:%y%m%d}-{i}", **values),
                cell,
                Status.PROBATIONARY,
                since,
            )
            for i in range(count)
        ],
        keep_instances=False,
    )
