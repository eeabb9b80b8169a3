"""The demo's targets and the admitted members behind them reproduce the seed figures
(seeds 000, 001, 002, 003), and every level's children add up to their parent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from pytest_django import DjangoDbBlocker

from dangvien.lib.periods import Period
from dangvien.orgs.models import ResidentialArea, Unit
from dangvien.people.models import Person
from dangvien.targets import demo as targets_demo
from dangvien.targets.demo import load_demo_targets
from dangvien.targets.models import StructuralTarget, Target
from dangvien.targets.rules import sum_check
from dangvien.targets.services import children_during
from dangvien.web import demo


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[float]:
    """The whole demo, loaded once for the module and removed afterwards (in a transaction
    that is rolled back). Returns the seconds its targets took (timed inside the demo)."""
    taken: list[float] = []

    def timed() -> bool:
        started = time.perf_counter()
        loaded = load_demo_targets()
        taken.append(time.perf_counter() - started)
        return loaded

    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(demo, "load_demo_targets", timed)
        call_command("demo", stdout=StringIO())
        assert len(taken) == 1
        yield taken[0]
        transaction.set_rollback(True)


def _cells(unit: Unit, period: Period) -> list[Unit]:
    found: list[Unit] = []
    for child in children_during(unit, period):
        found += [child] if child.kind == "cell" else _cells(child, period)
    return found


def _admitted(code: str, period: str, until: date | None = None) -> int:
    """Members whose admission decision falls in the period (to `until`), in the cells the
    unit had then: what a report counts from the raw records."""
    p = Period.parse(period)
    cells = _cells(Unit.objects.get(code=code), p)
    return Person.objects.filter(
        admission_unit__in=cells,
        decision_date__gte=p.start,
        decision_date__lte=min(p.end, until or p.end),
    ).count()


def _target(code: str, period: str) -> Target:
    return Target.objects.get(unit__code=code, period=period)


def _percent(admitted: int, target: int, places: int) -> Decimal:
    return round(Decimal(admitted) * 100 / target, places)


@pytest.mark.django_db
def test_demo_reproduces_the_seed_figures(demo_loaded: float) -> None:
    june = date(2023, 6, 30)

    def achieved(code: str, period: str, places: int = 1, until: date | None = None) -> str:
        admitted, target = _admitted(code, period, until), _target(code, period).admissions
        return f"{admitted}/{target} {_percent(admitted, target, places)}%"

    assert achieved("QNAM.TK", "2021") == "115/110 104.5%"
    assert achieved("QNAM.TK", "2022") == "140/115 121.7%"
    assert _admitted("QNAM.TK", "2023-H1") == 80
    assert achieved("QNAM", "2021") == "1732/1500 115.5%"
    assert achieved("QNAM", "2022") == "1877/1500 125.1%"
    assert achieved("QNAM", "2020-2025", until=june) == "4537/7500 60.5%"
    assert achieved("QNAM.NG", "2020-2025", 2, june) == "268/350 76.57%"
    yearly = [
        Decimal(_admitted("QNAM.NG", y)) / _target("QNAM.NG", y).admissions - 1
        for y in ("2021", "2022")
    ]
    assert round(sum(yearly) / 2 * 100) == 17
    assert achieved("QNAM.KCQ", "2020-2025", until=june) == "485/500 97.0%"


@pytest.mark.django_db
def test_demo_children_add_up_at_every_level_and_it_loads_once(demo_loaded: float) -> None:
    province = Unit.objects.get(code="QNAM")
    for code in ("2021", "2022", "2023", "2020-2025"):
        period = Period.parse(code)
        todo = [province]
        while todo:
            unit = todo.pop()
            children = [c for c in children_during(unit, period)]
            if not children:
                continue
            own = Target.objects.get(unit=unit, period=code).admissions
            given = dict(
                Target.objects.filter(unit__in=children, period=code).values_list(
                    "unit_id", "admissions"
                )
            )
            assert sum_check(own, [given.get(c.pk) for c in children]).adds_up, (unit, code)
            todo += children

    # Seed 000: Kinh Bắc's plan of 3–5 a year.
    for year, admitted in (("2016", 8), ("2017", 5)):
        target = _target("BNIN.TP.KB", year)
        assert (target.admissions_min, target.admissions) == (3, 5)
        assert _admitted("BNIN.TP.KB", year) == admitted
    assert _admitted("BNIN.TP.KB", "2016") - _target("BNIN.TP.KB", "2016").admissions == 3
    # "đầu năm 2018": to the day of the article, 27/04/2018.
    assert _admitted("BNIN.TP.KB", "2018", date(2018, 4, 27)) == 2

    # Seeds 001 and 003: structural targets; Thủy Xuân's 14 residential groups.
    binh_lieu = StructuralTarget.objects.filter(unit__code=targets_demo.BINH_LIEU_DISTRICT[0])
    assert {(t.position.code if t.position else "", t.percent, t.strict) for t in binh_lieu} == {
        ("MT", Decimal("70.00"), False),
        ("DT", Decimal("60.00"), True),
    }
    areas = ResidentialArea.objects.filter(unit__code=targets_demo.THUY_XUAN)
    assert areas.count() == 14
    assert areas.filter(cell__isnull=False).count() == 14
    heads = StructuralTarget.objects.get(unit__code=targets_demo.THUY_XUAN, position__code="TDP")
    assert heads.percent == 100

    # Loading again writes nothing; the targets and their 4.537 members load in seconds.
    count = Target.objects.count()
    assert targets_demo.load_demo_targets() is False
    assert Target.objects.count() == count
    assert demo_loaded < 30, f"targets demo took {demo_loaded:.1f}s"


def test_split_shares_add_up_and_follow_the_weights() -> None:
    assert targets_demo.split(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(targets_demo.split(1732, [5, 6, 7, 3, 2])) == 1732
    assert targets_demo.split(7, [0, 1]) == [0, 7]
