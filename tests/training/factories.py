"""Making classes for tests, through the services."""

from __future__ import annotations

from datetime import date

from dangvien.orgs.models import Unit
from dangvien.people.models import Person
from dangvien.training import services
from dangvien.training.models import ClassKind, Enrolment, Result, TrainingClass


def make_class(
    organiser: Unit,
    kind: str = ClassKind.AWARENESS,
    start: date = date(2020, 3, 9),
    end: date = date(2020, 3, 13),
    name: str = "Lớp nhận thức khóa I",
) -> TrainingClass:
    return services.class_create(
        acting_user=None,
        organiser=organiser,
        kind=kind,
        name=name,
        place="Hội trường",
        start=start,
        end=end,
    )


def pass_class(
    training_class: TrainingClass, person: Person, issued: date, number: str = "GCN-1"
) -> Enrolment:
    (enrolment,) = services.class_enrol(
        acting_user=None, training_class=training_class, people=[person]
    )
    return services.enrolment_record_result(
        acting_user=None,
        enrolment=enrolment,
        attended=True,
        result=Result.PASSED,
        certificate_number=number,
        certificate_date=issued,
    )
