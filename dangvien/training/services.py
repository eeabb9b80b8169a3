"""Every write to the training classes. Pages and the demo call these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, audit_record, audit_record_many, snapshot
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import require_role
from dangvien.admission.certificates import cases_keep_certificate
from dangvien.lib.errors import Problem, ServiceError, raise_if
from dangvien.orgs.models import Unit, UnitKind
from dangvien.people.models import Person, Status
from dangvien.people.selectors import people_visible_to
from dangvien.training import rules
from dangvien.training.models import ClassKind, Enrolment, Result, TrainingClass
from dangvien.training.selectors import STATUS_FOR_KIND

RESULT_FIELDS = ("attended", "result", "certificate_number", "certificate_date")


def class_create(
    *,
    acting_user: Actor,
    organiser: Unit,
    kind: str,
    name: str,
    place: str,
    start: date,
    end: date,
    note: str = "",
) -> TrainingClass:
    """Open a class. The organiser is a committee or a training centre's unit, not a cell."""
    with transaction.atomic():
        require_role(acting_user, organiser, Role.EDITOR)
        problems: list[Problem] = []
        if kind not in ClassKind.values:
            problems.append(Problem("kind", _("Loại lớp không hợp lệ.")))
        if not name.strip():
            problems.append(Problem("name", _("Chưa nhập tên lớp.")))
        if organiser.kind == UnitKind.CELL:
            problems.append(
                Problem(
                    "organiser",
                    _(
                        "Lớp bồi dưỡng do cấp ủy cơ sở hoặc trung tâm chính trị mở, "
                        "không phải chi bộ."
                    ),
                )
            )
        if organiser.valid_to is not None and start >= organiser.valid_to:
            problems.append(
                Problem(
                    "organiser",
                    _("%(unit)s đã chấm dứt hoạt động từ %(on)s.")
                    % {"unit": organiser.name, "on": f"{organiser.valid_to:%d/%m/%Y}"},
                )
            )
        problems += rules.class_date_problems(start, end)
        raise_if(problems)
        training_class = TrainingClass.objects.create(
            kind=kind,
            name=" ".join(name.split()),
            organiser=organiser,
            place=place.strip(),
            start=start,
            end=end,
            note=note.strip(),
        )
        audit_record(
            actor=acting_user,
            action="training.class_create",
            target=training_class,
            unit=organiser,
            changes=snapshot(training_class, ["kind", "name", "place", "start", "end", "note"]),
        )
        return training_class


def class_enrol(
    *, acting_user: Actor, training_class: TrainingClass, people: Iterable[Person]
) -> list[Enrolment]:
    """Enrol people in a class, all or (on any problem) none; those already in it are skipped.

    An awareness class takes candidates, a new-member class probationary members; each
    person must be visible to the user.
    """
    wanted = {p.pk: p for p in people}
    with transaction.atomic():
        require_role(acting_user, training_class.organiser, Role.EDITOR)
        visible = Person.objects.all() if acting_user is None else people_visible_to(acting_user)
        current = {p.pk: p for p in visible.filter(pk__in=list(wanted))}
        already = set(
            Enrolment.objects.filter(
                training_class=training_class, person_id__in=list(wanted)
            ).values_list("person_id", flat=True)
        )
        needed = STATUS_FOR_KIND[ClassKind(training_class.kind)]
        problems: list[Problem] = []
        for pk, person in wanted.items():
            if pk in already:
                continue
            if pk not in current:
                problems.append(
                    Problem(
                        "people",
                        _("%(name)s: không thuộc phạm vi bạn quản lý.") % {"name": person},
                    )
                )
                continue
            status = current[pk].status
            if status != needed:
                problems.append(
                    Problem(
                        "people",
                        _("%(name)s: %(kind)s chỉ dành cho %(needed)s (hiện là %(status)s).")
                        % {
                            "name": person,
                            "kind": training_class.get_kind_display(),
                            "needed": Status(needed).label,
                            "status": Status(status).label,
                        },
                    )
                )
        raise_if(problems)
        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(training_class=training_class, person=current[pk])
                for pk in wanted
                if pk not in already
            ]
        )
        audit_record_many(
            actor=acting_user,
            action="training.enrol",
            items=[
                (e, training_class.organiser, {"class": training_class, "person": e.person})
                for e in enrolments
            ],
        )
        return enrolments


def _result_problems(
    enrolment: Enrolment,
    *,
    attended: bool | None,
    result: str,
    certificate_number: str,
    certificate_date: date | None,
) -> list[Problem]:
    name = enrolment.person.full_name
    end = enrolment.training_class.end
    problems: list[Problem] = []
    if result not in Result.values:
        problems.append(Problem("result", _("%(name)s: kết quả không hợp lệ.") % {"name": name}))
    if result == Result.PASSED:
        if attended is False:
            problems.append(
                Problem(
                    "attended",
                    _("%(name)s: không dự học thì không thể hoàn thành lớp.") % {"name": name},
                )
            )
        if not certificate_number.strip():
            problems.append(
                Problem(
                    "certificate_number",
                    _("%(name)s: hoàn thành lớp phải có số giấy chứng nhận.") % {"name": name},
                )
            )
        if certificate_date is None:
            problems.append(
                Problem(
                    "certificate_date",
                    _("%(name)s: hoàn thành lớp phải có ngày cấp giấy chứng nhận.")
                    % {"name": name},
                )
            )
        elif certificate_date < end:
            problems.append(
                Problem(
                    "certificate_date",
                    _("%(name)s: ngày cấp giấy chứng nhận phải từ ngày kết thúc lớp (%(end)s).")
                    % {"name": name, "end": f"{end:%d/%m/%Y}"},
                )
            )
    elif certificate_number.strip() or certificate_date is not None:
        problems.append(
            Problem(
                "certificate_number",
                _("%(name)s: chỉ cấp giấy chứng nhận khi hoàn thành lớp.") % {"name": name},
            )
        )
    if result == Result.ABSENT and attended is True:
        problems.append(
            Problem("attended", _("%(name)s: đã dự học thì không ghi là vắng.") % {"name": name})
        )
    return problems


@dataclass(frozen=True)
class ResultEntry:
    """One row of the results form."""

    enrolment: Enrolment
    attended: bool | None
    result: str
    certificate_number: str = ""
    certificate_date: date | None = None


def enrolment_record_result(
    *,
    acting_user: Actor,
    enrolment: Enrolment,
    attended: bool | None,
    result: str,
    certificate_number: str = "",
    certificate_date: date | None = None,
) -> Enrolment:
    """Record whether the person attended and the result; a pass needs the certificate's
    number and date, issued on or after the last day of the class."""
    (done,) = class_record_results(
        acting_user=acting_user,
        training_class=enrolment.training_class,
        entries=[ResultEntry(enrolment, attended, result, certificate_number, certificate_date)],
    )
    return done


def class_record_results(
    *, acting_user: Actor, training_class: TrainingClass, entries: Sequence[ResultEntry]
) -> list[Enrolment]:
    """Record the results of many rows of one class: all of them or, on any problem, none.
    Rows that change nothing write nothing."""
    with transaction.atomic():
        require_role(acting_user, training_class.organiser, Role.EDITOR)
        ids = [e.enrolment.pk for e in entries]
        locked = {
            e.pk: e
            for e in Enrolment.objects.select_for_update(of=("self",))
            .select_related("person", "training_class")
            .filter(pk__in=ids)
        }
        problems: list[Problem] = []
        for entry in entries:
            row = locked.get(entry.enrolment.pk)
            if row is None or row.training_class_id != training_class.pk:
                problems.append(Problem("enrolment", _("Học viên không thuộc lớp này.")))
                continue
            problems += _result_problems(
                row,
                attended=entry.attended,
                result=entry.result,
                certificate_number=entry.certificate_number,
                certificate_date=entry.certificate_date,
            )
        raise_if(problems)
        done: list[Enrolment] = []
        for entry in entries:
            row = locked[entry.enrolment.pk]
            before = snapshot(row, RESULT_FIELDS)
            row.attended = entry.attended
            row.result = entry.result
            row.certificate_number = entry.certificate_number.strip()
            row.certificate_date = entry.certificate_date
            after = snapshot(row, RESULT_FIELDS)
            if after != before:
                row.save(update_fields=list(RESULT_FIELDS))
                audit_record(
                    actor=acting_user,
                    action="training.record_result",
                    target=row,
                    unit=training_class.organiser,
                    changes={
                        k: [before[k], after[k]] for k in RESULT_FIELDS if before[k] != after[k]
                    },
                )
            done.append(row)
        if training_class.kind == ClassKind.AWARENESS:
            # Open cases keep their certificate date (the alerts read it).
            cases_keep_certificate(person_ids=[row.person_id for row in done])
        return done


__all__ = [
    "ResultEntry",
    "ServiceError",
    "class_create",
    "class_enrol",
    "class_record_results",
    "enrolment_record_result",
]
