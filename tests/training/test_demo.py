"""The demo's training classes (seed 001): Kinh Bắc's candidates hold certificates, some
expired; loading twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from dangvien.people.models import Person, Status
from dangvien.training.demo import load_demo_training
from dangvien.training.models import ClassKind, Enrolment, TrainingClass
from dangvien.training.selectors import awareness_certificate
from dangvien.web.demo_people import AS_OF


@pytest.mark.django_db
def test_demo_training_gives_kinh_bac_valid_and_expired_certificates() -> None:
    call_command("demo", stdout=StringIO())
    load_demo_training()  # the lead's demo may already call it: this must then do nothing
    # Kinh Bắc's classes (Bình Liêu's, seed 001, are tested with the rest of its demo).
    classes = TrainingClass.objects.exclude(organiser__code__startswith="QNIN.BL")
    assert classes.filter(kind=ClassKind.AWARENESS).count() == 2
    assert classes.filter(kind=ClassKind.NEW_MEMBER).count() == 1
    count = Enrolment.objects.count()
    assert load_demo_training() is False
    assert Enrolment.objects.count() == count
    candidates = Person.objects.filter(
        status=Status.CANDIDATE, enrolments__training_class__kind=ClassKind.AWARENESS
    )
    statuses = [awareness_certificate(p, AS_OF) for p in candidates]
    assert any(s is not None and s.valid for s in statuses)
    assert any(s is not None and not s.valid for s in statuses)
