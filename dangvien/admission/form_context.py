"""A case's official form filled from its records: the person, the cell and the committee
above it, the dates, numbers and votes of the case's events, its introducers and helper.

What the records do not hold (family, merits…) stays blank: the form prints dotted lines
there, to be written in by hand as on paper.
"""

from __future__ import annotations

from datetime import date

from dangvien.admission import rules
from dangvien.admission.models import Case, CaseEvent, Introducer, Step
from dangvien.documents import context as fc
from dangvien.lib.dates import add_months, whole_months_between
from dangvien.orgs.models import Unit
from dangvien.people.models import Person
from dangvien.rulebook.selectors import rule_in_force

# The step whose event a form records (its date, number, signer, vote).
STEP_OF_FORM: dict[str, str] = {code: step for step, code in rules.FORMS.items()}
STEP_OF_FORM.update({"4-KNĐ": Step.INTRODUCTIONS, "4A-KNĐ": Step.INTRODUCTIONS})
# Forms issued by the committee above the cell (resolutions and decisions); the others by
# the cell itself (the partial committee's appraisal by the partial committee, its parent).
COMMITTEE_FORMS = frozenset({"7-KNĐ", "8-KNĐ", "9-KNĐ", "15-KNĐ", "QĐ-CNCT"})


def _birth(person: Person) -> str:
    if person.birth_day and person.birth_month:
        return f"{person.birth_day:02d}/{person.birth_month:02d}/{person.birth_year}"
    if person.birth_month:
        return f"{person.birth_month:02d}/{person.birth_year}"
    return str(person.birth_year)


def _name(category: object) -> str:
    return str(getattr(category, "name", "") or "")


def _person(person: Person) -> fc.Person:
    return fc.Person(
        full_name=person.full_name,
        sex=person.get_sex_display(),
        birth=_birth(person),
        home_town=person.home_town,
        residence=person.residence,
        ethnicity=_name(person.ethnicity),
        religion=_name(person.religion),
        occupation=_name(person.occupation),
        education=_name(person.general_education),
        professional=_name(person.professional),
        political_theory=_name(person.political_theory),
        citizen_id=person.citizen_id or "",
        party_card=person.card_number,
    )


def _last(events: list[CaseEvent], step: str) -> CaseEvent | None:
    matching = [e for e in events if e.step == step and not e.corrections.all()]
    return matching[-1] if matching else None


def _vote(event: CaseEvent | None) -> fc.Vote:
    if event is None or event.votes_for is None:
        return fc.Vote()
    return fc.Vote(
        official_members=event.official_members,
        temporarily_elsewhere=event.elsewhere,
        exempt_absent=event.exempt_absent,
        present=event.present,
        in_favour=event.votes_for,
        against=event.votes_against,
    )


def _introducers(case: Case, on: date | None) -> tuple[fc.Introducer, ...]:
    result = []
    for introducer in case.introducers.select_related("member__unit"):
        member = introducer.member
        if member is None or introducer.kind != Introducer.Kind.MEMBER:
            continue
        months = (
            whole_months_between(introducer.together_since, on)
            if introducer.together_since is not None and on is not None
            else None
        )
        result.append(fc.Introducer(member.full_name, member.card_number, member.unit.name, months))
    return tuple(result)


def _helper(person: Person | None) -> fc.Introducer | None:
    if person is None:
        return None
    return fc.Introducer(person.full_name, person.card_number, person.unit.name, None)


def _official_date(ceremony: CaseEvent | None) -> date | None:
    if ceremony is None:
        return None
    return add_months(ceremony.on, int(rule_in_force("probation.months", ceremony.on).value))


def case_form_context(case: Case, code: str) -> fc.FormContext:
    """The form `code` filled for the case (a form of a step not yet recorded is filled with
    what is known and left blank for the rest)."""
    events = list(case.events.prefetch_related("corrections").order_by("on", "id"))
    cell: Unit = case.unit
    committee = cell.parent
    issuer = committee if code in COMMITTEE_FORMS and committee is not None else cell
    above = issuer.parent
    step = STEP_OF_FORM.get(code)
    event = _last(events, step) if step else None
    awareness = _last(events, Step.AWARENESS_CLASS)
    decision = _last(events, Step.DECISION)
    ceremony = _last(events, Step.CEREMONY)
    person = case.person
    certificate = awareness.data if awareness is not None else {}
    number = event.document_number if event is not None else ""
    if code == "CN-NTVĐ":
        number = str(certificate.get("certificate_number", "") or number)
    return fc.FormContext(
        higher_committee=above.name if above is not None else "",
        unit_name=issuer.name,
        date=event.on if event is not None else None,
        number=number,
        person=_person(person),
        cell_name=cell.name,
        introducers=_introducers(case, event.on if event is not None else None),
        helper=_helper(case.helper),
        vote=_vote(event),
        course_end=awareness.on if awareness is not None else None,
        decision_number=decision.document_number if decision is not None else "",
        decision_date=decision.on if decision is not None else person.decision_date,
        ceremony_date=ceremony.on if ceremony is not None else person.ceremony_date,
        official_date=_official_date(ceremony) or person.official_date,
        signer=event.signed_by if event is not None else "",
        comments=event.note if event is not None else "",
    )
