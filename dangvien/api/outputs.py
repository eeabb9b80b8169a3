"""Objects the selectors return, as the dicts the response schemas describe."""

from __future__ import annotations

from typing import Any

from dangvien.admission.models import Case, CaseEvent
from dangvien.orgs.models import Unit
from dangvien.people.models import Person
from dangvien.targets.models import Target
from dangvien.training.models import Enrolment, TrainingClass


def unit_ref(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def unit_out(unit: Unit) -> dict[str, Any]:
    return {
        **unit_ref(unit),
        "kind": unit.kind,
        "kind_label": str(unit.get_kind_display()),
        "cell_kind": unit.cell_kind,
        "cell_kind_label": str(unit.get_cell_kind_display()) if unit.cell_kind else "",
        "parent_id": unit.parent_id,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "successor_id": unit.successor_id,
    }


def person_out(person: Person) -> dict[str, Any]:
    """Needs `unit`, `ethnicity` and `general_education` selected with the person."""
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "birth": person.birth_display,
        "birth_year": person.birth_year,
        "birth_month": person.birth_month,
        "birth_day": person.birth_day,
        "sex": person.sex,
        "status": person.status,
        "status_label": str(person.get_status_display()),
        "status_since": person.status_since,
        "unit": unit_ref(person.unit),
        "ethnicity": person.ethnicity.name if person.ethnicity_id else None,
        "general_education": (
            person.general_education.name if person.general_education is not None else None
        ),
        "decision_number": person.decision_number,
        "decision_date": person.decision_date,
        "ceremony_date": person.ceremony_date,
        "official_date": person.official_date,
    }


def case_out(case: Case) -> dict[str, Any]:
    """Needs `person` and `unit` selected with the case."""
    return {
        "id": case.pk,
        "person": {"id": case.person_id, "full_name": case.person.full_name},
        "unit": unit_ref(case.unit),
        "source": case.source,
        "source_label": str(case.get_source_display()),
        "stage": case.stage,
        "stage_label": str(case.get_stage_display()),
        "stage_since": case.stage_since,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "due_on": case.due_on,
        "due_label": case.due_label,
        "readmission": case.readmission,
        "previous_id": case.previous_id,
        "helper_id": case.helper_id,
    }


def event_out(event: CaseEvent, corrected: bool) -> dict[str, Any]:
    has_vote = event.votes_for is not None
    return {
        "id": event.pk,
        "step": event.step,
        "step_label": str(event.get_step_display()),
        "on": event.on,
        "document_number": event.document_number,
        "signed_by": event.signed_by,
        "note": event.note,
        "outcome": event.outcome,
        "vote": {
            "official_members": event.official_members,
            "elsewhere": event.elsewhere,
            "exempt_absent": event.exempt_absent,
            "present": event.present,
            "votes_for": event.votes_for,
            "votes_against": event.votes_against,
        }
        if has_vote
        else None,
        "override_document": event.override_document,
        "data": dict(event.data or {}),
        "corrects_id": event.corrects_id,
        "corrected": corrected,
        "recorded_at": event.recorded_at,
    }


def class_out(training_class: TrainingClass, enrolled: int, passed: int) -> dict[str, Any]:
    return {
        "id": training_class.pk,
        "kind": training_class.kind,
        "kind_label": str(training_class.get_kind_display()),
        "name": training_class.name,
        "organiser": unit_ref(training_class.organiser),
        "place": training_class.place,
        "start": training_class.start,
        "end": training_class.end,
        "enrolled": enrolled,
        "passed": passed,
    }


def enrolment_out(enrolment: Enrolment) -> dict[str, Any]:
    person = enrolment.person
    return {
        "person": {"id": person.pk, "full_name": person.full_name},
        "unit": unit_ref(person.unit),
        "attended": enrolment.attended,
        "result": enrolment.result,
        "result_label": str(enrolment.get_result_display()),
        "certificate_number": enrolment.certificate_number,
        "certificate_date": enrolment.certificate_date,
    }


def target_out(target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "unit_id": target.unit_id,
        "period": target.period,
        "admissions": target.admissions,
        "admissions_min": target.admissions_min,
        "assigned_by": unit_ref(target.assigned_by) if target.assigned_by is not None else None,
        "document": target.document,
        "assigned_on": target.assigned_on,
        "note": target.note,
    }
