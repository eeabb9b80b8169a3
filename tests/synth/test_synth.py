"""The synthetic world: it loads, it is the same for the same seed, and it is consistent."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from dangvien.admission.models import Case, CaseEvent
from dangvien.admission.rules import ORDER
from dangvien.lib.periods import Period
from dangvien.orgs.models import Reorganisation, Unit, UnitKind, UnitVersion
from dangvien.orgs.rules import path_step
from dangvien.people.models import Category, Person, StatusEvent
from dangvien.reports.selectors import achievement
from dangvien.synth.generate import AS_OF, COLUMNS, Scale, generate, plan_for
from dangvien.synth.load import _context, load_world
from dangvien.targets.models import Target
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _rows(scale: Scale, seed: int) -> dict[str, list[tuple[object, ...]]]:
    ctx = _context()
    rows: dict[str, list[tuple[object, ...]]] = {}
    for batch in generate(plan_for(scale, seed), ctx):
        rows.setdefault(batch.table, []).extend(batch.rows)
    return rows


def test_same_seed_gives_the_same_rows_and_another_seed_others() -> None:
    first, again, other = _rows(Scale.CELL, 7), _rows(Scale.CELL, 7), _rows(Scale.CELL, 8)
    assert first == again
    assert first["person"] != other["person"]
    tables = [(t, rows) for t, rows in first.items() if t in COLUMNS]
    assert all(len(row) == len(COLUMNS[t]) for t, rows in tables for row in rows)


def test_scales_cover_the_real_geography() -> None:
    national, province = plan_for(Scale.NATIONAL, 1), plan_for(Scale.PROVINCE, 1)
    assert len(national.provinces) == 34
    assert national.commune_count == 3321
    assert len(province.provinces) == 1
    assert plan_for(Scale.COMMUNE, 1).commune_count == 1
    assert plan_for(Scale.CELL, 1).provinces[0].communes[0].cells == 1


def test_command_refuses_a_database_with_people(world: World) -> None:
    Person.objects.create(
        full_name="Nguyễn Văn An", birth_year=1990, sex="M", ethnicity_id=_ethnicity(),
        unit=world.cell_1, status="candidate", status_since=date(2025, 1, 1),
    )  # fmt: skip
    with pytest.raises(CommandError):
        call_command("synth", "--scale", "cell")


def _ethnicity() -> int:
    return Category.objects.get(kind="ethnicity", code="01").pk


def test_cell_scale_loads_and_prints_its_table() -> None:
    out = StringIO()
    call_command("synth", "--scale", "cell", "--seed", "3", stdout=out, stderr=StringIO())
    assert Unit.objects.filter(kind=UnitKind.CELL).count() == 1
    assert "person" in out.getvalue()
    assert Person.objects.exists()
    with pytest.raises(CommandError):
        call_command("synth", "--scale", "cell", "--force", stdout=out, stderr=StringIO())


def test_commune_world_is_consistent_and_reports_run_on_it() -> None:
    result = load_world(plan_for(Scale.COMMUNE, 1))
    assert result.rows["person"] == Person.objects.count()
    assert result.rows["case_event"] == CaseEvent.objects.count()
    # 1. Every path is the parent's path and the unit's own step; versions end where they
    # should: districts on the reform day, the communes' moves recorded.
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        parent_path = units[unit.parent_id].path if unit.parent_id else ""
        assert unit.path == parent_path + path_step(unit.pk), unit.code
    open_versions = UnitVersion.objects.filter(valid_to__isnull=True)
    assert all(v.path == units[v.unit_id].path for v in open_versions)
    district = Unit.objects.get(kind=UnitKind.DISTRICT)
    assert district.valid_to == date(2025, 7, 1)
    assert Reorganisation.objects.filter(kind="move", effective_date=date(2025, 7, 1)).exists()
    commune = Unit.objects.get(kind=UnitKind.COMMUNE)
    assert commune.parent_id == district.parent_id
    before = UnitVersion.objects.get(unit=commune, valid_to=date(2025, 7, 1))
    assert before.parent_id == district.pk
    # 2. Every person's last status event is their status.
    last: dict[int, str] = {}
    for person_id, status in StatusEvent.objects.order_by("person", "on", "id").values_list(
        "person", "status"
    ):
        last[person_id] = status
    assert dict(Person.objects.values_list("id", "status")) == last
    # 3. Cases of every ending, some open ones overdue.
    states = set(Case.objects.values_list("stage", flat=True))
    assert {"recognition_decision", "not_admitted", "withdrawn"} <= states
    assert Case.objects.filter(state="open", due_on__lt=AS_OF).exists()
    assert CaseEvent.objects.filter(outcome="failed").exists()
    # Events follow the order of the steps (a failed vote is repeated), never after the day
    # the world was taken.
    rank = {step: i for i, step in enumerate(ORDER)}
    steps: dict[int, list[int]] = {}
    for case_id, step, on in CaseEvent.objects.order_by("case", "on", "id").values_list(
        "case", "step", "on"
    ):
        assert on <= AS_OF
        if step in rank:
            steps.setdefault(case_id, []).append(rank[step])
    assert all(ranks == sorted(ranks) for ranks in steps.values())
    # 4. Targets add up: the commune's year is the sum of its cells'.
    cells_2024 = Target.objects.filter(unit__parent=commune, period="2024").aggregate(
        s=Sum("admissions")
    )["s"]
    assert Target.objects.get(unit=commune, period="2024").admissions == cells_2024
    # 5. The achievement report counts the admissions generated.
    for year in (2018, 2024):
        admitted = Person.objects.filter(
            admission_unit__path__startswith=commune.path, decision_date__year=year
        ).count()
        assert admitted > 0
        report = achievement(unit=commune, period=Period.parse(str(year)), as_of=AS_OF)
        assert report.row.admitted == admitted
        assert report.row.target == cells_2024 or year != 2024
