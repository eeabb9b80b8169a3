"""Reads of the training classes, scoped to the user, and the two questions the admission
pipeline asks: does this candidate hold a valid awareness certificate on a date, and has this
probationary member finished the new-member class."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import AnyUser, has_role, scope_q, units_visible_to
from dangvien.orgs.models import Unit, UnitKind
from dangvien.people.models import Person, Status
from dangvien.people.selectors import people_in_subtree
from dangvien.rulebook.selectors import rule_in_force
from dangvien.training import rules
from dangvien.training.models import ClassKind, Enrolment, Result, TrainingClass

CERTIFICATE_MONTHS_RULE = "training.awareness_certificate_months"
# Who may sit each kind of class.
STATUS_FOR_KIND = {ClassKind.AWARENESS: Status.CANDIDATE, ClassKind.NEW_MEMBER: Status.PROBATIONARY}
# Units whose people a class may enrol from (a list to choose in, not the whole tree).
ENROL_FROM_KINDS = (UnitKind.COMMUNE, UnitKind.GRASSROOTS, UnitKind.PARTIAL, UnitKind.CELL)
ENROL_FROM_LIMIT = 1000


def classes_visible_to(user: AnyUser, min_role: int = Role.VIEWER) -> QuerySet[TrainingClass]:
    """Classes whose organiser lies in the user's subtrees and, to read, also the classes
    their own people sit (a cell secretary sees the commune's class its candidates attend,
    with only those candidates in it: see `class_enrolments`)."""
    organised = scope_q(user, "organiser__path", min_role)
    if min_role > Role.VIEWER:
        return TrainingClass.objects.filter(organised)
    attended = Enrolment.objects.filter(
        scope_q(user, "person__unit__path"), training_class=OuterRef("pk")
    )
    return TrainingClass.objects.filter(organised | Q(Exists(attended)))


def classes_with_counts(user: AnyUser) -> QuerySet[TrainingClass]:
    return (
        classes_visible_to(user)
        .select_related("organiser")
        .annotate(
            enrolled=Count("enrolments"),
            passed=Count("enrolments", filter=Q(enrolments__result=Result.PASSED)),
        )
        .order_by("-start", "-id")
    )


def class_get_for_user(user: AnyUser, pk: Any, min_role: int = Role.VIEWER) -> TrainingClass:
    """The class, or 404 when its organiser is outside the user's subtrees."""
    try:
        return classes_visible_to(user, min_role).select_related("organiser").get(pk=pk)
    except (TrainingClass.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy lớp bồi dưỡng.")) from None


def class_enrolments(user: AnyUser, training_class: TrainingClass) -> QuerySet[Enrolment]:
    """Everyone in the class for those who see its organiser; otherwise only the user's own
    people."""
    enrolments = Enrolment.objects.filter(training_class=training_class)
    if not has_role(user, training_class.organiser, Role.VIEWER):
        enrolments = enrolments.filter(scope_q(user, "person__unit__path"))
    return enrolments.select_related("person", "person__unit").order_by(
        "person__sort_key", "person_id"
    )


def enrol_units(user: AnyUser, training_class: TrainingClass) -> QuerySet[Unit]:
    """Units (cells, communes) in the user's scope a class may enrol people from: under its
    organiser, or under the organiser's parent when the organiser is a training centre."""
    organiser = training_class.organiser
    base = organiser
    if organiser.kind not in ENROL_FROM_KINDS and organiser.parent_id is not None:
        base = Unit.objects.get(pk=organiser.parent_id)
    return (
        units_visible_to(user)
        .filter(path__startswith=base.path, kind__in=ENROL_FROM_KINDS, valid_to__isnull=True)
        .order_by("path")[:ENROL_FROM_LIMIT]
    )


def people_to_enrol(user: AnyUser, training_class: TrainingClass, unit: Unit) -> QuerySet[Person]:
    """People under `unit` the user may see, of the status the class is for, not yet in it."""
    return (
        people_in_subtree(user, unit)
        .filter(status=STATUS_FOR_KIND[ClassKind(training_class.kind)])
        .exclude(enrolments__training_class=training_class)
        .select_related("unit")
        .order_by("sort_key", "id")
    )


@dataclass(frozen=True)
class CertificateStatus:
    """The awareness certificate a person holds, judged on a date."""

    number: str
    issued: date
    expires: date
    valid: bool
    rule_cite: str


def awareness_certificate(person: Person, on: date) -> CertificateStatus | None:
    """The latest awareness certificate issued on or before `on`, with its expiry by the
    rule in force on its issue date; None when the person has none."""
    enrolment = (
        Enrolment.objects.filter(
            person=person,
            training_class__kind=ClassKind.AWARENESS,
            result=Result.PASSED,
            certificate_date__isnull=False,
            certificate_date__lte=on,
        )
        .exclude(certificate_number="")
        .order_by("-certificate_date", "-id")
        .first()
    )
    if enrolment is None or enrolment.certificate_date is None:
        return None
    issued = enrolment.certificate_date
    rule = rule_in_force(CERTIFICATE_MONTHS_RULE, issued)
    expires = rules.certificate_expiry(issued, int(rule.value))
    return CertificateStatus(
        number=enrolment.certificate_number,
        issued=issued,
        expires=expires,
        valid=issued <= on < expires,
        rule_cite=rule.cite(),
    )


def new_member_class(person: Person) -> Enrolment | None:
    """The person's latest passed new-member class, or None."""
    return (
        Enrolment.objects.filter(
            person=person, training_class__kind=ClassKind.NEW_MEMBER, result=Result.PASSED
        )
        .select_related("training_class")
        .order_by("-training_class__end", "-id")
        .first()
    )
