"""Training classes of the demo (seed 001): phường Kinh Bắc's candidates took the awareness
class, some long enough ago that their certificate has expired, and its probationary members
took the new-member class. Written through the services, as the operator (acting_user=None).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from dangvien.orgs.models import Unit, UnitKind
from dangvien.people.models import Person, Status
from dangvien.training import services
from dangvien.training.models import ClassKind, Result, TrainingClass

KINH_BAC_CELLS = "BNIN.TP.KB."
OLD_COMMUNE = "BNIN.TP.KB"
# (name, kind, start, end, certificate date, organised before July 2025 by the old commune)
EARLY_AWARENESS = (
    "Lớp bồi dưỡng nhận thức về Đảng khóa I/2019",
    date(2019, 5, 13),
    date(2019, 5, 17),
    date(2019, 5, 20),
)
LATE_AWARENESS = (
    "Lớp bồi dưỡng nhận thức về Đảng khóa I/2025",
    date(2025, 3, 10),
    date(2025, 3, 14),
    date(2025, 3, 17),
)
NEW_MEMBER = (
    "Lớp bồi dưỡng đảng viên mới năm 2025",
    date(2025, 8, 11),
    date(2025, 8, 15),
    date(2025, 8, 18),
)
PLACE = "Hội trường Đảng ủy phường Kinh Bắc"


def _ward() -> Unit | None:
    """The July-2025 ward: the parent of the active cells that came from Kinh Bắc."""
    cell = (
        Unit.objects.filter(
            code__startswith=KINH_BAC_CELLS, kind=UnitKind.CELL, valid_to__isnull=True
        )
        .select_related("parent")
        .order_by("code")
        .first()
    )
    return cell.parent if cell is not None else None


def demo_class(
    organiser: Unit,
    kind: str,
    spec: tuple[str, date, date, date],
    people: list[Person],
    prefix: str,
    place: str = PLACE,
) -> TrainingClass:
    """A class everyone passed: opened, enrolled and its certificates numbered `prefix/NNN`,
    through the services. Shared by the demo's other parts (seed 001's classes)."""
    name, start, end, issued = spec
    training_class = services.class_create(
        acting_user=None,
        organiser=organiser,
        kind=kind,
        name=name,
        place=place,
        start=start,
        end=end,
    )
    enrolments = services.class_enrol(
        acting_user=None, training_class=training_class, people=people
    )
    services.class_record_results(
        acting_user=None,
        training_class=training_class,
        entries=[
            services.ResultEntry(
                enrolment=e,
                attended=True,
                result=Result.PASSED,
                certificate_number=f"{prefix}/{n:03d}",
                certificate_date=issued,
            )
            for n, e in enumerate(enrolments, start=1)
        ],
    )
    return training_class


def load_demo_training() -> bool:
    """Create Kinh Bắc's classes; False (and nothing written) when they exist or the ward
    is not in the database."""
    ward = _ward()
    if ward is None:
        return False
    if TrainingClass.objects.filter(organiser__path__startswith=ward.path).exists():
        return False
    old_commune = Unit.objects.filter(code=OLD_COMMUNE).first() or ward
    in_ward = Person.objects.filter(unit__path__startswith=ward.path).order_by("sort_key", "id")
    candidates = list(in_ward.filter(status=Status.CANDIDATE))
    probationary = list(in_ward.filter(status=Status.PROBATIONARY))
    # Half of the candidates took the class in 2019: their certificates have expired.
    early, late = candidates[: len(candidates) // 2], candidates[len(candidates) // 2 :]
    with transaction.atomic():
        demo_class(old_commune, ClassKind.AWARENESS, EARLY_AWARENESS, early, "GCN-2019")
        demo_class(ward, ClassKind.AWARENESS, LATE_AWARENESS, late, "GCN-2025")
        demo_class(ward, ClassKind.NEW_MEMBER, NEW_MEMBER, probationary, "ĐVM-2025")
    return True
