from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangvien.accounts.models import AuditEvent
from dangvien.lib.errors import ServiceError
from dangvien.lib.periods import Period
from dangvien.targets.models import Target
from dangvien.targets.services import TargetEntry, targets_bulk_set, targets_cascade
from tests.conftest import World

YEAR = Period.parse("2026")


def test_a_commune_gives_its_cells_their_targets_in_one_document(world: World) -> None:
    targets = targets_cascade(
        acting_user=world.xa,
        parent=world.an_my,
        period=YEAR,
        children=[(world.cell_1, 5, 3), (world.cell_2, 4, None)],
        document="15-KH/ĐU",
        assigned_on=date(2026, 1, 20),
    )
    assert [(t.unit, t.admissions, t.admissions_min) for t in targets] == [
        (world.cell_1, 5, 3),
        (world.cell_2, 4, None),
    ]
    assert {t.assigned_by for t in targets} == {world.an_my}
    assert {t.document for t in targets} == {"15-KH/ĐU"}
    events = AuditEvent.objects.filter(action="target.cascade")
    assert {e.unit_id for e in events} == {world.cell_1.pk, world.cell_2.pk}


def test_a_cascade_changes_existing_targets_and_keeps_one_row_each(world: World) -> None:
    for admissions in (5, 7):
        targets_cascade(
            acting_user=world.xa,
            parent=world.an_my,
            period=YEAR,
            children=[(world.cell_1, admissions, None)],
            document="15-KH/ĐU",
        )
    assert list(Target.objects.filter(unit=world.cell_1).values_list("admissions", flat=True)) == [
        7
    ]


def test_one_bad_row_writes_nothing_and_names_the_child(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        targets_cascade(
            acting_user=world.xa,
            parent=world.an_my,
            period=YEAR,
            children=[(world.cell_1, 5, None), (world.cell_2, 2, 3)],
            document="15-KH/ĐU",
        )
    fields = refused.value.by_field()
    assert f"{world.cell_2.pk}-admissions_min" in fields
    assert world.cell_2.name in fields[f"{world.cell_2.pk}-admissions_min"][0]
    assert not Target.objects.exists()


def test_a_cascade_needs_the_document_and_only_takes_children(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        targets_cascade(
            acting_user=world.tinh,
            parent=world.an_my,
            period=YEAR,
            children=[(world.kb_school, 5, None)],
            document=" ",
        )
    fields = refused.value.by_field()
    assert "document" in fields
    assert f"{world.kb_school.pk}-unit" in fields


def test_a_cell_secretary_cannot_cascade(world: World) -> None:
    with pytest.raises(PermissionDenied):
        targets_cascade(
            acting_user=world.bithu,
            parent=world.an_my,
            period=YEAR,
            children=[(world.cell_1, 5, None)],
            document="15-KH/ĐU",
        )


def test_bulk_set_refuses_the_same_unit_and_period_twice(world: World) -> None:
    entries = [TargetEntry(world.cell_1, YEAR, 3), TargetEntry(world.cell_1, YEAR, 4)]
    with pytest.raises(ServiceError) as refused:
        targets_bulk_set(acting_user=world.xa, entries=entries)
    assert "hai chỉ tiêu" in str(refused.value)
    assert not Target.objects.exists()


def test_bulk_set_checks_the_role_on_each_parent(world: World) -> None:
    with pytest.raises(PermissionDenied):
        targets_bulk_set(
            acting_user=world.xa,
            entries=[TargetEntry(world.cell_1, YEAR, 3), TargetEntry(world.an_my, YEAR, 9)],
        )
    assert not Target.objects.exists()
