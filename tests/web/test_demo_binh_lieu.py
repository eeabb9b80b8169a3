"""The demo reproduces seed 001 (Huyện ủy Bình Liêu, first quarter of 2018) from raw records."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from dangvien.orgs.models import Unit
from dangvien.people.models import Person, PositionHolding, Status
from dangvien.training.models import ClassKind, Enrolment, Result
from dangvien.training.selectors import awareness_certificate
from dangvien.web import demo_binh_lieu


@pytest.mark.django_db
def test_binh_lieu_classes_admissions_and_village_heads() -> None:
    call_command("demo", stdout=StringIO())
    assert demo_binh_lieu.load_demo_binh_lieu() is False  # loaded once only

    district = Unit.objects.get(code="QNIN.BL")
    # Ended with the July-2025 reform, its villages now sit under the new communes.
    assert district.valid_to == date(2025, 7, 1)
    cells = Unit.objects.filter(code__in=demo_binh_lieu.CELLS, valid_to__isnull=True)
    assert cells.count() == 6
    assert {c.parent.name for c in cells.select_related("parent") if c.parent} >= {
        "Đảng ủy xã Lục Hồn"
    }

    classes = dict(
        Enrolment.objects.filter(training_class__organiser=district, result=Result.PASSED)
        .values_list("training_class__name")
        .annotate(n=Count("id"))
    )
    enlisting = [n for name, n in classes.items() if "nhập ngũ" in name]
    assert enlisting == [44]
    assert sorted(n for name, n in classes.items() if "khóa" in name) == [75, 75]
    assert (
        Enrolment.objects.filter(
            training_class__organiser=district, training_class__kind=ClassKind.AWARENESS
        ).count()
        == 150 + 44
    )
    # A 2018 certificate expired after 60 months.
    someone = Enrolment.objects.filter(training_class__organiser=district).first()
    assert someone is not None
    status = awareness_certificate(someone.person, date(2025, 9, 30))
    assert status is not None
    assert not status.valid
    assert status.expires.year == 2023

    admitted = Person.objects.filter(
        admission_unit__code__in=demo_binh_lieu.CELLS,
        decision_date__range=(date(2018, 1, 1), date(2018, 3, 31)),
    )
    assert admitted.count() == 29

    heads = PositionHolding.objects.filter(
        position__code="TT", unit__code__in=demo_binh_lieu.CELLS, end__isnull=True
    ).select_related("person")
    assert heads.count() == 5
    for holding in heads:
        person = holding.person
        assert person.status == Status.OFFICIAL
        assert person.official_date is not None
        assert (person.official_date.year, person.official_date.month) == (2018, 3)
        assert person.positions.filter(position__code="BT", end__isnull=True).exists()
