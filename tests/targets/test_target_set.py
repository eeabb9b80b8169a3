from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangvien.accounts.models import AuditEvent
from dangvien.lib.errors import ServiceError
from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit
from dangvien.orgs.services import Decision, unit_dissolve
from dangvien.targets.services import target_set
from tests.conftest import World
from tests.targets.factories import make_target


def test_the_parent_sets_a_target_and_changing_it_keeps_one_row(world: World) -> None:
    first = target_set(
        acting_user=world.xa, unit=world.cell_1, period=Period.parse("2026"), admissions=3
    )
    again = target_set(
        acting_user=world.xa,
        unit=world.cell_1,
        period=Period.parse("2026"),
        admissions=5,
        admissions_min=3,
        assigned_on=date(2026, 1, 15),
    )
    assert again.pk == first.pk
    assert (again.admissions, again.admissions_min, again.assigned_by) == (5, 3, world.an_my)
    assert (again.start, again.end) == (date(2026, 1, 1), date(2026, 12, 31))
    changes = AuditEvent.objects.filter(action="target.set").order_by("id").last()
    assert changes is not None
    assert changes.changes["admissions"] == [3, 5]


def test_a_cell_cannot_set_its_own_target(world: World) -> None:
    with pytest.raises(PermissionDenied):
        target_set(
            acting_user=world.bithu, unit=world.cell_1, period=Period.parse("2026"), admissions=9
        )


def test_a_minimum_above_the_target_is_refused(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        make_target(world.cell_1, "2026", 3, admissions_min=5)
    assert "admissions_min" in refused.value.by_field()


def _dissolve(unit: Unit, on: date) -> Unit:
    return unit_dissolve(acting_user=None, unit=unit, decision=Decision(effective=on, number="1"))


def test_an_ended_unit_keeps_targets_for_periods_it_existed_in(world: World) -> None:
    ended = _dissolve(world.cell_2, date(2024, 7, 1))
    target = make_target(ended, "2023", 4)
    assert (target.unit, target.admissions) == (ended, 4)
    with pytest.raises(ServiceError) as refused:
        make_target(ended, "2025", 4)
    assert "không hoạt động trong kỳ" in str(refused.value)
