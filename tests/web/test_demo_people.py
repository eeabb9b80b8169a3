"""The demo's people reproduce the seed figures from raw records (seeds 000 and 003)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from dangvien.accounts.models import AuditEvent
from dangvien.orgs.models import Unit, UnitKind
from dangvien.people.models import (
    MEMBER_STATUSES,
    Person,
    PositionHolding,
    ResidenceRegistration,
    Status,
)
from dangvien.web import demo_people


def test_names_are_vietnamese_and_deterministic() -> None:
    def draw() -> list[str]:
        rng = random.Random(7)
        return [demo_people.person_name(rng, "FM"[i % 2]) for i in range(4000)]

    names = draw()
    assert names == draw()
    families = Counter(n.split()[0] for n in names)
    assert 0.33 < families["Nguyễn"] / len(names) < 0.43
    assert families.most_common(3)[0][0] == "Nguyễn"
    assert {"Trần", "Lê", "Phạm"} <= set(families)
    assert all(len(n.split()) >= 3 for n in names)
    assert not set(names) & demo_people.REAL_NAMES


@pytest.mark.django_db
def test_demo_people_reproduce_the_seed_figures() -> None:
    call_command("demo", stdout=StringIO())

    # Seed 003: phường Thủy Xuân.
    ward = Unit.objects.get(code=demo_people.THUY_XUAN)
    ward_cells = Unit.objects.filter(path__startswith=ward.path, kind=UnitKind.CELL)
    members = Person.objects.filter(unit__in=ward_cells, status__in=MEMBER_STATUSES)
    assert members.count() == 473
    residential = ward_cells.filter(cell_kind="residential")
    assert residential.count() == 14
    registered = ResidenceRegistration.objects.filter(unit__in=residential, end__isnull=True)
    assert registered.count() >= 810
    # They are serving members whose home cell is elsewhere, not among the 473.
    assert not registered.filter(person__unit__in=ward_cells).exists()
    assert set(registered.values_list("person__status", flat=True)) <= set(MEMBER_STATUSES)
    heads = PositionHolding.objects.filter(
        position__code="TDP", unit__in=residential, end__isnull=True
    )
    assert heads.count() == 14
    assert heads.values("unit").distinct().count() == 14
    assert all(h.person.status in MEMBER_STATUSES for h in heads.select_related("person"))
    deputies = PositionHolding.objects.filter(
        position__code="PBT", unit__in=residential, end__isnull=True
    )
    assert deputies.count() == 14
    concurrent = deputies.filter(person__in=heads.values("person"))
    assert concurrent.count() == 12
    term = members.filter(decision_date__range=(date(2020, 8, 1), date(2023, 4, 10)))
    assert term.count() == 19

    # Seed 000: phường Kinh Bắc's 11 cells, now under the ward of July 2025.
    kb_cells = Unit.objects.filter(
        code__startswith="BNIN.TP.KB.", kind=UnitKind.CELL, valid_to__isnull=True
    )
    assert kb_cells.count() == 11
    kb = Person.objects.filter(unit__in=kb_cells)
    assert kb.filter(status__in=MEMBER_STATUSES).count() == 463
    assert kb.filter(status=Status.CANDIDATE).exists()
    by_year = dict(
        kb.filter(decision_date__range=(date(2016, 1, 1), date(2018, 4, 27)))
        .values_list("decision_date__year")
        .annotate(n=Count("id"))
    )
    assert by_year == {2016: 8, 2017: 5, 2018: 2}
    years = set(kb.values_list("decision_date__year", flat=True))
    assert len(years) > 20  # admissions spread over the years

    # Everyone is valid: dates in order, members with their dates, unique IDs.
    everyone = Person.objects.all()
    assert not everyone.filter(ceremony_date__lt=date(1900, 1, 1)).exists()
    for person in everyone.filter(status__in=MEMBER_STATUSES).only(
        "decision_date", "ceremony_date", "official_date", "status"
    ):
        assert person.decision_date is not None
        assert person.ceremony_date is not None
        assert person.decision_date <= person.ceremony_date
        if person.status == Status.OFFICIAL:
            assert person.official_date is not None
            assert person.official_date > person.ceremony_date

    # A second run adds nothing.
    before = (
        Person.objects.count(),
        ResidenceRegistration.objects.count(),
        PositionHolding.objects.count(),
        AuditEvent.objects.count(),
    )
    out = StringIO()
    call_command("demo", stdout=out)
    assert demo_people.load_demo_people() is False
    after = (
        Person.objects.count(),
        ResidenceRegistration.objects.count(),
        PositionHolding.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
