"""People for the API's tests, made through the services (the named world has none)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dangvien.people.models import Person, Status
from tests.conftest import World
from tests.people.factories import category, make_people, make_person

MEMBERS_1 = [f"Đảng viên Số {n}" for n in range(1, 10)]


@dataclass
class Registry:
    members: list[Person]  # nine official members of Chi bộ khu phố 1
    candidate: Person  # Nguyễn Thị Thu Hà, a candidate of Chi bộ khu phố 1
    cell_2: list[Person]
    outsider: Person  # a member in Bắc Ninh


@pytest.fixture
def registry(world: World) -> Registry:
    return Registry(
        members=make_people(world.cell_1, MEMBERS_1),
        candidate=make_person(
            world.cell_1,
            "Nguyễn Thị Thu Hà",
            status=Status.CANDIDATE,
            general_education=category("general_education", "12/12"),
        ),
        cell_2=make_people(world.cell_2, ["Trần Văn Ấn", "Lê Thị Bích"]),
        outsider=make_person(world.kb_school, "Phạm Văn Kinh"),
    )
