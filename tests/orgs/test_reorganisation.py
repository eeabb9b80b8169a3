from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangvien.accounts.models import AuditEvent
from dangvien.lib.errors import ServiceError
from dangvien.orgs import selectors
from dangvien.orgs.models import Reorganisation, Unit, UnitKind
from dangvien.orgs.services import (
    Decision,
    NewUnit,
    unit_create,
    unit_dissolve,
    unit_move,
    unit_rename,
    unit_split,
    units_merge,
)
from tests.conftest import World

REFORM = Decision(effective=date(2025, 7, 1), number="99-QĐ/TU", signed=date(2025, 6, 30))


def _names_at(world: World, user: object, on: date) -> list[str]:
    return [n.name for n in selectors.tree_children(user, world.an_my, on)]  # type: ignore[arg-type]


def test_rename_keeps_the_old_name_for_earlier_dates(world: World) -> None:
    unit_rename(acting_user=world.xa, unit=world.cell_1, name="Chi bộ khu phố Một", decision=REFORM)

    before = {n.name for n in selectors.tree_children(world.xa, world.an_my, date(2025, 6, 30))}
    after = {n.name for n in selectors.tree_children(world.xa, world.an_my, date(2025, 7, 1))}
    assert "Chi bộ khu phố 1" in before
    assert "Chi bộ khu phố Một" not in before
    assert "Chi bộ khu phố Một" in after
    assert "Chi bộ khu phố 1" not in after
    event = AuditEvent.objects.get(action="unit.rename")
    assert event.changes["name"] == ["Chi bộ khu phố 1", "Chi bộ khu phố Một"]
    assert event.actor == world.xa


def test_merge_moves_children_and_names_the_successor(world: World) -> None:
    tan_thanh = unit_create(
        acting_user=world.tinh,
        parent=world.tam_ky,
        spec=NewUnit("QN.TK.TT", "Đảng ủy phường Tân Thạnh", UnitKind.COMMUNE),
        decision=Decision(effective=date(2016, 1, 1)),
    )
    target = units_merge(
        acting_user=world.tinh,
        sources=[world.an_my, tan_thanh],
        new_target=NewUnit("QN.TK.X", "Đảng ủy phường Tam Kỳ", UnitKind.COMMUNE),
        new_target_parent=world.tam_ky,
        decision=REFORM,
    )
    world.an_my.refresh_from_db()
    world.cell_1.refresh_from_db()
    assert world.an_my.valid_to == date(2025, 7, 1)
    assert world.an_my.successor == target
    assert world.cell_1.parent == target
    # The old unit is kept under its successor, so the successor's users see its history.
    assert world.an_my.path.startswith(target.path)
    assert selectors.unit_resolve_current(world.an_my) == target
    # As of the day before, the cells were under An Mỹ; from the effective date, under Tam Kỳ.
    old = [n.name for n in selectors.tree_children(world.tinh, world.an_my, date(2025, 6, 30))]
    new = [n.name for n in selectors.tree_children(world.tinh, target, date(2025, 7, 1))]
    assert old == ["Chi bộ khu phố 1", "Chi bộ khu phố 2"]
    assert new == ["Chi bộ khu phố 1", "Chi bộ khu phố 2"]
    assert selectors.tree_children(world.tinh, world.an_my, date(2025, 7, 1)) == []
    reorg = Reorganisation.objects.get(kind=Reorganisation.Kind.MERGE)
    assert reorg.decision_number == "99-QĐ/TU"


def test_merge_into_existing_unit_of_two_sources(world: World) -> None:
    other = units_merge(
        acting_user=None,
        sources=[world.cell_2],
        target=world.cell_1,
        decision=REFORM,
    )
    assert other == world.cell_1
    world.cell_2.refresh_from_db()
    assert world.cell_2.successor == world.cell_1
    assert [n.name for n in selectors.tree_children(world.xa, world.an_my, date(2025, 7, 2))] == [
        "Chi bộ khu phố 1"
    ]


def test_an_administrator_cannot_reorganise_outside_their_subtree(world: World) -> None:
    with pytest.raises(PermissionDenied):
        unit_rename(acting_user=world.ngoai, unit=world.cell_1, name="X", decision=REFORM)
    with pytest.raises(PermissionDenied):
        unit_rename(acting_user=world.bithu, unit=world.cell_1, name="X", decision=REFORM)
    world.cell_1.refresh_from_db()
    assert world.cell_1.name == "Chi bộ khu phố 1"


def test_move_carries_the_subtree_and_keeps_history(world: World) -> None:
    unit_move(acting_user=None, unit=world.an_my, new_parent=world.quang_nam, decision=REFORM)
    world.cell_1.refresh_from_db()
    world.an_my.refresh_from_db()
    assert world.cell_1.path.startswith(world.an_my.path)
    assert world.an_my.path.startswith(world.quang_nam.path)
    then = {n.name for n in selectors.tree_children(world.tinh, world.tam_ky, date(2024, 1, 1))}
    now = {n.name for n in selectors.tree_children(world.tinh, world.quang_nam, date(2025, 7, 1))}
    assert "Đảng ủy phường An Mỹ" in then
    assert "Đảng ủy phường An Mỹ" in now
    # Cell counts follow the tree of each date.
    node = next(
        n
        for n in selectors.tree_children(world.tinh, world.quang_nam, date(2025, 7, 1))
        if n.code == "QN.TK.AM"
    )
    assert node.cell_count == 2


def test_split_assigns_each_child(world: World) -> None:
    created = unit_split(
        acting_user=world.tinh,
        source=world.an_my,
        results=[
            NewUnit("QN.TK.A1", "Đảng ủy phường An Mỹ Bắc", UnitKind.COMMUNE),
            NewUnit("QN.TK.A2", "Đảng ủy phường An Mỹ Nam", UnitKind.COMMUNE),
        ],
        assignments={world.cell_1.pk: 0, world.cell_2.pk: 1},
        decision=REFORM,
    )
    world.cell_1.refresh_from_db()
    world.cell_2.refresh_from_db()
    world.an_my.refresh_from_db()
    assert world.cell_1.parent == created[0]
    assert world.cell_2.parent == created[1]
    assert world.an_my.successor == created[0]


def test_split_refuses_when_a_child_has_no_destination(world: World) -> None:
    with pytest.raises(ServiceError) as error:
        unit_split(
            acting_user=None,
            source=world.an_my,
            results=[NewUnit("A1", "A", UnitKind.COMMUNE), NewUnit("A2", "B", UnitKind.COMMUNE)],
            assignments={world.cell_1.pk: 0},
            decision=REFORM,
        )
    assert "Chi bộ khu phố 2" in str(error.value)
    assert not Unit.objects.filter(code__in=["A1", "A2"]).exists()


def test_dissolve_refuses_a_unit_with_active_children(world: World) -> None:
    with pytest.raises(ServiceError) as error:
        unit_dissolve(acting_user=None, unit=world.an_my, decision=REFORM)
    assert error.value.problems[0].field == "unit"
    unit_dissolve(acting_user=None, unit=world.cell_2, decision=REFORM)
    world.cell_2.refresh_from_db()
    assert world.cell_2.valid_to == date(2025, 7, 1)


def test_a_change_cannot_predate_the_last_change(world: World) -> None:
    unit_rename(acting_user=None, unit=world.cell_1, name="Tên mới", decision=REFORM)
    with pytest.raises(ServiceError) as error:
        unit_rename(
            acting_user=None,
            unit=world.cell_1,
            name="Tên khác",
            decision=Decision(effective=date(2024, 1, 1), number="1"),
        )
    assert error.value.problems[0].field == "effective_date"


def test_a_cell_cannot_have_children(world: World) -> None:
    with pytest.raises(ServiceError) as error:
        unit_move(acting_user=None, unit=world.cell_2, new_parent=world.cell_1, decision=REFORM)
    assert "Chi bộ không có tổ chức trực thuộc" in str(error.value)


def test_authority_follows_the_tree_of_the_date(world: World) -> None:
    # Before July 2025 the district (Thành ủy Tam Kỳ) decided; from then, the commune.
    assert selectors.deciding_unit(world.cell_1, date(2024, 5, 1)).unit == world.tam_ky  # type: ignore[union-attr]
    assert selectors.deciding_unit(world.cell_1, date(2025, 8, 1)).unit == world.an_my  # type: ignore[union-attr]


def test_a_delegated_grassroots_committee_decides(world: World) -> None:
    from dangvien.orgs.services import unit_delegate

    grassroots = unit_create(
        acting_user=None,
        parent=world.an_my,
        spec=NewUnit("QN.TK.AM.G", "Đảng bộ Trường THPT", UnitKind.GRASSROOTS),
        decision=Decision(effective=date(2020, 1, 1)),
    )
    cell = unit_create(
        acting_user=None,
        parent=grassroots,
        spec=NewUnit("QN.TK.AM.G.1", "Chi bộ Tổ Toán", UnitKind.CELL, "school"),
        decision=Decision(effective=date(2020, 1, 1)),
    )
    assert selectors.deciding_unit(cell, date(2025, 8, 1)).unit == world.an_my  # type: ignore[union-attr]
    unit_delegate(
        acting_user=None,
        unit=grassroots,
        decides_admission=True,
        decides_recognition=False,
        effective_from=date(2025, 9, 1),
        document="12-QĐ/ĐU",
    )
    assert selectors.deciding_unit(cell, date(2025, 9, 2)).unit == grassroots  # type: ignore[union-attr]
    assert selectors.deciding_unit(cell, date(2025, 9, 2), recognition=True).unit == world.an_my  # type: ignore[union-attr]
