"""Making people for tests, through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from dangvien.lib.dates import PartialDate
from dangvien.orgs.models import Unit
from dangvien.people.models import Category, Person, Status
from dangvien.people.services import NewPerson, PersonData, people_bulk_create


def category(kind: str, code: str) -> Category:
    return Category.objects.get(kind=kind, code=code)


def person_data(full_name: str, **overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "full_name": full_name,
        "birth": PartialDate(1990, 5, 17),
        "sex": "F",
        "ethnicity": category("ethnicity", "01"),
    }
    values.update(overrides)
    return PersonData(**values)


def member_dates(official: bool = True) -> dict[str, Any]:
    return {
        "decision_number": "12-QĐ/TU",
        "decision_date": date(2015, 3, 2),
        "ceremony_date": date(2015, 3, 20),
        "official_date": date(2016, 3, 20) if official else None,
    }


def make_people(
    unit: Unit, names: list[str], status: str = Status.OFFICIAL, **overrides: Any
) -> list[Person]:
    extra = (
        member_dates(status == Status.OFFICIAL)
        if status in (Status.OFFICIAL, Status.PROBATIONARY)
        else {}
    )
    extra.update(overrides)
    since = extra.get("official_date") or extra.get("ceremony_date") or date(2024, 1, 1)
    return people_bulk_create(
        acting_user=None,
        entries=[NewPerson(person_data(n, **extra), unit, status, since) for n in names],
    )


def make_person(unit: Unit, name: str, status: str = Status.OFFICIAL, **overrides: Any) -> Person:
    return make_people(unit, [name], status, **overrides)[0]
