"""Every write to the registry. Pages, the importer, the demo and the pipeline call these."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, actor_user, audit_record, audit_record_many, snapshot
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import require_role
from dangvien.lib.dates import PartialDate
from dangvien.lib.errors import Problem, ServiceError, raise_if
from dangvien.lib.selectors import working_calendar
from dangvien.lib.vntext import fold, name_sort_key
from dangvien.orgs.models import Unit, UnitKind
from dangvien.people import rules
from dangvien.people.models import (
    MEMBER_STATUSES,
    Category,
    MassOrgMembership,
    Person,
    PersonName,
    PositionHolding,
    Reconciliation,
    ResidenceRegistration,
    Status,
    StatusEvent,
    Transfer,
)
from dangvien.rulebook.selectors import RuleMissingError, rule_in_force, rules_cached
from dangvien.tallies.members import members_adding, members_kept
from dangvien.tallies.models import STATUS_METRIC, Metric
from dangvien.tallies.newmembers import new_members_adding, new_members_kept
from dangvien.tallies.services import (
    tallies_add,
    tally_admission_moved,
    tally_status_event,
)

BATCH = 2000


@dataclass
class PersonData:
    """What a person's record holds, validated by `person_problems` before any write."""

    full_name: str
    birth: PartialDate
    sex: str
    ethnicity: Category
    religion: Category | None = None
    citizen_id: str = ""
    home_town: str = ""
    residence: str = ""
    phone: str = ""
    general_education: Category | None = None
    professional: Category | None = None
    political_theory: Category | None = None
    occupation: Category | None = None
    decision_number: str = ""
    decision_date: date | None = None
    ceremony_date: date | None = None
    official_date: date | None = None
    card_number: str = ""
    mass_organisations: tuple[Category, ...] = field(default_factory=tuple)


@dataclass
class NewPerson:
    """One person to add: their record, their cell and their status from a date."""

    data: PersonData
    unit: Unit
    status: str
    status_since: date
    document: str = ""


# --- validation -----------------------------------------------------------------------


def _rule_value(key: str, on: date) -> tuple[Any, str]:
    try:
        rule = rule_in_force(key, on)
    except RuleMissingError:
        raise ServiceError(
            [
                Problem(
                    "rule",
                    _("Chưa có quy định %(key)s hiệu lực ngày %(on)s.")
                    % {"key": key, "on": f"{on:%d/%m/%Y}"},
                )
            ]
        ) from None
    return rule.value, rule.cite()


def person_problems(data: PersonData, *, status: str, today: date) -> list[Problem]:
    """Everything wrong with a record, without touching the database (except the rulebook)."""
    digits, cite = _rule_value("person.citizen_id_digits", today)
    problems: list[Problem] = []
    if not data.full_name.strip():
        problems.append(Problem("full_name", _("Chưa nhập họ và tên.")))
    if data.sex not in {"M", "F"}:
        problems.append(Problem("sex", _("Giới tính phải là Nam hoặc Nữ.")))
    problems += rules.birth_problems(data.birth, today)
    problems += rules.citizen_id_problems(data.citizen_id, int(digits), cite)
    problems += rules.phone_problems(data.phone)
    problems += rules.admission_date_problems(
        birth=data.birth,
        decision=data.decision_date,
        ceremony=data.ceremony_date,
        official=data.official_date,
    )
    problems += rules.status_requirements(
        status,
        decision=data.decision_date,
        ceremony=data.ceremony_date,
        official=data.official_date,
    )
    return problems


def _unit_problems(unit: Unit) -> list[Problem]:
    problems: list[Problem] = []
    if unit.kind != UnitKind.CELL:
        problems.append(
            Problem(
                "unit",
                _("Người phải thuộc một chi bộ (%(unit)s không phải chi bộ).")
                % {"unit": unit.name},
            )
        )
    if not unit.is_active:
        problems.append(Problem("unit", _("%(unit)s đã chấm dứt hoạt động.") % {"unit": unit.name}))
    return problems


def _citizen_id_taken(citizen_ids: Sequence[str], exclude: int | None = None) -> set[str]:
    wanted = [c for c in citizen_ids if c]
    if not wanted:
        return set()
    query = Person.objects.filter(citizen_id__in=wanted)
    if exclude is not None:
        query = query.exclude(pk=exclude)
    return {c for c in query.values_list("citizen_id", flat=True) if c}


def _model_values(data: PersonData) -> dict[str, Any]:
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    birth: PartialDate = values.pop("birth")
    values.pop("mass_organisations")
    values["full_name"] = " ".join(data.full_name.split())
    values["citizen_id"] = data.citizen_id or None
    values["phone"] = rules.normalise_phone(data.phone)
    values.update(birth_year=birth.year, birth_month=birth.month, birth_day=birth.day)
    return values


def _derived(person: Person) -> None:
    person.search_text = fold(person.full_name)[:200]
    person.sort_key = name_sort_key(person.full_name)[:400]


def _keep_names(people: Sequence[Person]) -> None:
    """The names table holds every person's name (the search reads it first). Derived rows,
    like the search text: the write that names the person is the audited one. A name already
    there is left as it is (also when another transaction adds it at the same moment)."""
    pairs = {(p.sort_key, p.search_text) for p in people}
    PersonName.objects.bulk_create(
        [PersonName(sort_key=key, search_text=text) for key, text in sorted(pairs)],
        ignore_conflicts=True,
    )


def person_names_fill() -> None:
    """Add the names of people written without the services (the synthetic loader's COPY):
    one statement for any number of people."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_personname (search_text, sort_key) "
            "SELECT DISTINCT p.search_text, p.sort_key FROM people_person p "
            "WHERE NOT EXISTS (SELECT 1 FROM people_personname n "
            "WHERE n.sort_key = p.sort_key AND n.search_text = p.search_text)"
        )


# --- create ---------------------------------------------------------------------------


def person_create(
    *,
    acting_user: Actor,
    unit: Unit,
    data: PersonData,
    status: str = Status.CANDIDATE,
    status_since: date | None = None,
    document: str = "",
) -> Person:
    (person,) = people_bulk_create(
        acting_user=acting_user,
        entries=[NewPerson(data, unit, status, status_since or timezone.localdate(), document)],
    )
    return person


def people_bulk_create(
    *,
    acting_user: Actor,
    entries: Sequence[NewPerson],
    on_progress: Callable[[int], None] | None = None,
    keep_instances: bool = True,
) -> list[Person]:
    """Add many people in one transaction: all of them, or (on any problem) none.

    With `keep_instances=False` the created rows are not kept in memory (an import of 100,000
    people needs only their number) and an empty list is returned.

    The importer calls this after its own row-by-row check, so a problem here is a race
    (someone else took a citizen ID meanwhile) and the whole file is refused.
    """
    today = timezone.localdate()
    with transaction.atomic(), rules_cached():
        problems: list[Problem] = []
        for unit in {e.unit.pk: e.unit for e in entries}.values():
            require_role(acting_user, unit, Role.EDITOR)
            problems += _unit_problems(unit)
        for entry in entries:
            problems += person_problems(entry.data, status=entry.status, today=today)
        ids = [e.data.citizen_id for e in entries if e.data.citizen_id]
        if len(set(ids)) != len(ids):
            problems.append(Problem("citizen_id", _("Có số CCCD bị trùng trong danh sách.")))
        for taken in sorted(_citizen_id_taken(ids)):
            problems.append(
                Problem("citizen_id", _("Số CCCD %(id)s đã có trong hệ thống.") % {"id": taken})
            )
        raise_if(problems)
        recorder = actor_user(acting_user)
        created: list[Person] = []
        done = 0
        # The kept counts, member counts and breakdowns of all the batches, written once at
        # the end.
        monthly: Counter[tuple[str, date, str]] = Counter()
        with members_adding() as count_members, new_members_adding() as count_new_members:
            for start in range(0, len(entries), BATCH):
                chunk = entries[start : start + BATCH]
                people = []
                for entry in chunk:
                    person = Person(
                        **_model_values(entry.data),
                        unit=entry.unit,
                        status=entry.status,
                        status_since=entry.status_since,
                        # A member brought in from a register counts as admitted where it is
                        # registered: the register knows no other admitting cell.
                        admission_unit=entry.unit if entry.data.decision_date else None,
                    )
                    _derived(person)
                    people.append(person)
                people = Person.objects.bulk_create(people)
                _keep_names(people)
                StatusEvent.objects.bulk_create(
                    [
                        StatusEvent(
                            person=p,
                            status=e.status,
                            on=e.status_since,
                            document=e.document,
                            unit=e.unit,
                            recorded_by=recorder,
                        )
                        for p, e in zip(people, chunk, strict=True)
                    ]
                )
                _tally_created(people, chunk, monthly)
                count_members([p.pk for p in people])
                MassOrgMembership.objects.bulk_create(
                    [
                        MassOrgMembership(person=p, organisation=org)
                        for p, e in zip(people, chunk, strict=True)
                        for org in e.data.mass_organisations
                    ]
                )
                # After the memberships: the Youth Union is one of the breakdowns.
                count_new_members([p.pk for p in people if p.decision_date is not None])
                audit_record_many(
                    actor=acting_user,
                    action="person.create",
                    items=[
                        (p, e.unit, {"full_name": [None, p.full_name], "status": [None, e.status]})
                        for p, e in zip(people, chunk, strict=True)
                    ],
                )
                done += len(people)
                if keep_instances:
                    created += people
                if on_progress is not None:
                    on_progress(done)
        tallies_add(monthly)
        return created


def _tally_created(
    people: Sequence[Person], entries: Sequence[NewPerson], counts: Counter[tuple[str, date, str]]
) -> None:
    """Kept counts of a batch of new records, added to `counts` per (cell path, first day of
    the month, metric): their admissions and first status events."""
    for person, entry in zip(people, entries, strict=True):
        if person.decision_date is not None:
            counts[(entry.unit.path, person.decision_date.replace(day=1), Metric.ADMITTED)] += 1
        metric = STATUS_METRIC.get(entry.status)
        if metric is not None:
            counts[(entry.unit.path, entry.status_since.replace(day=1), metric)] += 1


# --- change ---------------------------------------------------------------------------


# The fields of a record that the kept breakdown of new members counts.
_DESCRIBING = frozenset(
    {
        "decision_date",
        "sex",
        "birth",
        "birth_year",
        "birth_month",
        "birth_day",
        "ethnicity",
        "religion",
        "general_education",
        "professional",
        "political_theory",
        "occupation",
    }
)


def person_update(
    *, acting_user: Actor, person: Person, changes: dict[str, Any], basis: str = ""
) -> Person:
    """Change fields of a record. Confidential fields of the party file need a stated legal
    basis and an approver; contact details need an editor."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        # The dates decide when a person counts as a member (`tallies.members`); these
        # fields, how a new member is counted in the quality report (`tallies.newmembers`).
        dated = {"decision_date", "official_date"} & set(changes)
        described = _DESCRIBING & set(changes)
        with (
            members_kept([person.pk] if dated else []),
            new_members_kept([person.pk] if described else []),
        ):
            return _update_locked(acting_user, person, changes, basis)


def _update_locked(
    acting_user: Actor, person: Person, changes: dict[str, Any], basis: str
) -> Person:
    """`person_update` on the locked row, inside its transaction."""
    admission_before = (person.admission_unit_id, person.decision_date)
    unknown = set(changes) - {f.name for f in Person._meta.get_fields()} - {"birth"}
    if unknown or {"status", "unit", "admission_unit", "search_text", "sort_key"} & set(changes):
        raise ValueError(f"person_update cannot set {sorted(changes)}")
    values = dict(changes)
    if "birth" in values:
        birth: PartialDate = values.pop("birth")
        values.update(birth_year=birth.year, birth_month=birth.month, birth_day=birth.day)
    if "citizen_id" in values:
        values["citizen_id"] = values["citizen_id"] or None
    if "phone" in values:
        values["phone"] = rules.normalise_phone(values["phone"])
    before = snapshot(person, values.keys())
    changed = {k: v for k, v in values.items() if before[k] != v}
    if not changed:
        return person
    confidential = sorted(set(changed) & rules.CONFIDENTIAL_FIELDS)
    require_role(acting_user, person.unit, Role.APPROVER if confidential else Role.EDITOR)
    problems: list[Problem] = []
    if confidential and not basis.strip():
        problems.append(
            Problem(
                "basis",
                _("Sửa %(fields)s cần ghi căn cứ pháp lý — %(rule)s")
                % {
                    "fields": ", ".join(_field_label(f) for f in confidential),
                    "rule": rules.CONFIDENTIAL_SOURCE,
                },
            )
        )
    for name, value in changed.items():
        setattr(person, name, value)
    data = _as_data(person)
    problems += person_problems(data, status=person.status, today=timezone.localdate())
    if person.citizen_id and _citizen_id_taken([person.citizen_id], exclude=person.pk):
        problems.append(
            Problem(
                "citizen_id",
                _("Số CCCD %(id)s đã có trong hệ thống.") % {"id": person.citizen_id},
            )
        )
    raise_if(problems)
    _derived(person)
    fields = [*changed.keys(), "search_text", "sort_key", "updated_at"]
    if person.decision_date and person.admission_unit_id is None:
        person.admission_unit = person.unit
        fields.append("admission_unit")
    person.save(update_fields=fields)
    if "full_name" in changed:
        _keep_names([person])
    tally_admission_moved(
        before=admission_before, after=(person.admission_unit_id, person.decision_date)
    )
    audit_record(
        actor=acting_user,
        action="person.correct" if confidential else "person.update",
        target=person,
        unit=person.unit,
        changes={**{k: [before[k], changed[k]] for k in changed}, "basis": basis.strip()},
    )
    return person


def _field_label(name: str) -> str:
    return str(getattr(Person._meta.get_field(name), "verbose_name", name))


def _as_data(person: Person) -> PersonData:
    return PersonData(
        full_name=person.full_name,
        birth=PartialDate(person.birth_year, person.birth_month, person.birth_day),
        sex=person.sex,
        ethnicity=person.ethnicity,
        citizen_id=person.citizen_id or "",
        phone=person.phone,
        decision_date=person.decision_date,
        ceremony_date=person.ceremony_date,
        official_date=person.official_date,
    )


def person_set_status(
    *,
    acting_user: Actor,
    person: Person,
    status: str,
    on: date,
    document: str = "",
    note: str = "",
    admission: dict[str, Any] | None = None,
) -> StatusEvent:
    """Record a change of status (admitted, recognised, removed, left, deceased…) with its
    document. `admission` may carry the decision number and dates that come with it."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        require_role(acting_user, person.unit, Role.APPROVER)
        admission_before = (person.admission_unit_id, person.decision_date)
        before = snapshot(person, ["status", "status_since", *(admission or {}).keys()])
        for name, value in (admission or {}).items():
            if name not in {
                "decision_number",
                "decision_date",
                "ceremony_date",
                "official_date",
                "card_number",
            }:
                raise ValueError(f"person_set_status cannot set {name}")
            setattr(person, name, value)
        fields = ["status", "status_since", *(admission or {}).keys(), "updated_at"]
        if person.decision_date and person.admission_unit_id is None:
            person.admission_unit = person.unit
            fields.append("admission_unit")
        problems = rules.transition_problems(person.status, status)
        problems += rules.status_requirements(
            status,
            decision=person.decision_date,
            ceremony=person.ceremony_date,
            official=person.official_date,
        )
        if on > timezone.localdate():
            problems.append(Problem("on", _("Ngày không thể ở tương lai.")))
        if on < person.status_since:
            problems.append(
                Problem(
                    "on",
                    _("Ngày phải từ %(d)s trở đi (lần thay đổi trước).")
                    % {"d": f"{person.status_since:%d/%m/%Y}"},
                )
            )
        raise_if(problems)
        redated = [person.pk] if "decision_date" in (admission or {}) else []
        with members_kept([person.pk]), new_members_kept(redated):
            person.status, person.status_since = status, on
            person.save(update_fields=fields)
            event = StatusEvent.objects.create(
                person=person,
                status=status,
                on=on,
                document=document,
                note=note,
                unit=person.unit,
                recorded_by=actor_user(acting_user),
            )
        tally_admission_moved(
            before=admission_before, after=(person.admission_unit_id, person.decision_date)
        )
        tally_status_event(event, person.unit.path)
        audit_record(
            actor=acting_user,
            action="person.status",
            target=person,
            unit=person.unit,
            changes={**{k: [before[k], getattr(person, k)] for k in before}, "document": document},
        )
        return event


# --- positions, mass organisations, residence -----------------------------------------


def position_start(
    *,
    acting_user: Actor,
    person: Person,
    position: Category,
    unit: Unit,
    start: date,
    place: str = "",
) -> PositionHolding:
    with transaction.atomic():
        require_role(acting_user, person.unit, Role.EDITOR)
        problems: list[Problem] = []
        if position.kind != "position":
            problems.append(Problem("position", _("Không phải một chức danh.")))
        if PositionHolding.objects.filter(
            person=person, position=position, unit=unit, end__isnull=True
        ).exists():
            problems.append(Problem("position", _("Người này đang giữ chức danh đó ở đơn vị này.")))
        raise_if(problems)
        holding = PositionHolding.objects.create(
            person=person, position=position, unit=unit, start=start, place=place
        )
        audit_record(
            actor=acting_user,
            action="position.start",
            target=holding,
            unit=person.unit,
            changes={"position": [None, position.name], "start": [None, start]},
        )
        return holding


def position_end(*, acting_user: Actor, holding: PositionHolding, end: date) -> PositionHolding:
    with transaction.atomic():
        holding = PositionHolding.objects.select_for_update().get(pk=holding.pk)
        require_role(acting_user, holding.person.unit, Role.EDITOR)
        problems = (
            []
            if end >= holding.start
            else [Problem("end", _("Ngày thôi giữ chức danh phải sau ngày bắt đầu."))]
        )
        if holding.end is not None:
            problems.append(Problem("end", _("Chức danh đã kết thúc.")))
        raise_if(problems)
        holding.end = end
        holding.save(update_fields=["end"])
        audit_record(
            actor=acting_user,
            action="position.end",
            target=holding,
            unit=holding.person.unit,
            changes={"end": [None, end]},
        )
        return holding


def residence_register(
    *, acting_user: Actor, person: Person, unit: Unit, start: date
) -> ResidenceRegistration:
    """Register a serving member with the cell where they live (sinh hoạt nơi cư trú); the
    registering cell's editor records it."""
    (registration,) = residences_register_many(
        acting_user=acting_user, registrations=[(person, unit, start)]
    )
    return registration


def residences_register_many(
    *, acting_user: Actor, registrations: Sequence[tuple[Person, Unit, date]]
) -> list[ResidenceRegistration]:
    """Register many members at once (all or none), each with the checks of one."""
    with transaction.atomic():
        problems: list[Problem] = []
        for unit in {u.pk: u for _p, u, _s in registrations}.values():
            require_role(acting_user, unit, Role.EDITOR)
            if unit.kind != UnitKind.CELL or unit.cell_kind != "residential":
                problems.append(Problem("unit", _("Nơi cư trú phải là một chi bộ khu dân cư.")))
        open_already = set(
            ResidenceRegistration.objects.filter(
                person__in=[p for p, _u, _s in registrations], end__isnull=True
            ).values_list("person_id", flat=True)
        )
        for person, unit, _start in registrations:
            if person.status not in MEMBER_STATUSES:
                problems.append(
                    Problem("person", _("Chỉ đảng viên mới đăng ký sinh hoạt nơi cư trú."))
                )
            if unit.pk == person.unit_id:
                problems.append(
                    Problem("unit", _("Đây đã là chi bộ sinh hoạt chính thức của đảng viên."))
                )
            if person.pk in open_already:
                problems.append(
                    Problem(
                        "person",
                        _("Đảng viên đang đăng ký ở một nơi cư trú khác; hãy kết thúc trước."),
                    )
                )
        raise_if(problems)
        made = ResidenceRegistration.objects.bulk_create(
            [ResidenceRegistration(person=p, unit=u, start=s) for p, u, s in registrations],
            batch_size=BATCH,
        )
        audit_record_many(
            actor=acting_user,
            action="residence.register",
            items=[(r, r.unit, {"start": [None, r.start]}) for r in made],
        )
        return made


def residence_end(
    *, acting_user: Actor, registration: ResidenceRegistration, end: date
) -> ResidenceRegistration:
    with transaction.atomic():
        registration = ResidenceRegistration.objects.select_for_update().get(pk=registration.pk)
        require_role(acting_user, registration.unit, Role.EDITOR)
        if registration.end is not None or end < registration.start:
            raise ServiceError([Problem("end", _("Ngày kết thúc không hợp lệ."))])
        registration.end = end
        registration.save(update_fields=["end"])
        audit_record(
            actor=acting_user,
            action="residence.end",
            target=registration,
            unit=registration.unit,
            changes={"end": [None, end]},
        )
        return registration


# --- transfers ------------------------------------------------------------------------


def transfer_request(
    *, acting_user: Actor, person: Person, to_unit: Unit | None, to_outside: str = "", on: date
) -> Transfer:
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        require_role(acting_user, person.unit, Role.EDITOR)
        problems: list[Problem] = []
        if person.status not in MEMBER_STATUSES:
            problems.append(Problem("person", _("Chỉ đảng viên mới chuyển sinh hoạt đảng.")))
        if (to_unit is None) == (not to_outside.strip()):
            problems.append(
                Problem("to_unit", _("Chọn chi bộ nhận hoặc ghi đơn vị nhận ngoài hệ thống."))
            )
        if to_unit is not None:
            problems += _unit_problems(to_unit)
            if to_unit.pk == person.unit_id:
                problems.append(Problem("to_unit", _("Chi bộ nhận trùng chi bộ hiện tại.")))
        if Transfer.objects.filter(
            person=person, state__in=[Transfer.State.REQUESTED, Transfer.State.SENT]
        ).exists():
            problems.append(
                Problem("person", _("Đảng viên đang có một lần chuyển sinh hoạt chưa xong."))
            )
        raise_if(problems)
        transfer = Transfer.objects.create(
            person=person,
            from_unit=person.unit,
            to_unit=to_unit,
            to_outside=to_outside.strip(),
            state=Transfer.State.REQUESTED,
            requested_on=on,
        )
        audit_record(
            actor=acting_user,
            action="transfer.request",
            target=transfer,
            unit=person.unit,
            changes={"to": [None, str(to_unit or to_outside)]},
        )
        return transfer


def transfer_send(*, acting_user: Actor, transfer: Transfer, on: date, document: str) -> Transfer:
    """The letter of introduction is issued: the receiving side's deadline starts, counted in
    working days by the rule in force that day."""
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        require_role(acting_user, transfer.from_unit, Role.APPROVER)
        problems: list[Problem] = []
        if transfer.state != Transfer.State.REQUESTED:
            problems.append(Problem("state", _("Chỉ giới thiệu chuyển đi khi đang đề nghị.")))
        if not document.strip():
            problems.append(Problem("document", _("Cần ghi số giấy giới thiệu.")))
        if on < transfer.requested_on:
            problems.append(Problem("on", _("Ngày giới thiệu không thể trước ngày đề nghị.")))
        raise_if(problems)
        days, _cite = _rule_value("transfer.deadline_working_days", on)
        transfer.state, transfer.sent_on, transfer.document = (
            Transfer.State.SENT,
            on,
            document.strip(),
        )
        transfer.due_on = working_calendar().add_working_days(on, int(days))
        transfer.save(update_fields=["state", "sent_on", "document", "due_on"])
        audit_record(
            actor=acting_user,
            action="transfer.send",
            target=transfer,
            unit=transfer.from_unit,
            changes={"sent_on": [None, on], "due_on": [None, transfer.due_on]},
        )
        if transfer.to_unit is None:
            person_set_status(
                acting_user=acting_user,
                person=transfer.person,
                status=Status.TRANSFERRED_OUT,
                on=on,
                document=transfer.document,
            )
        return transfer


def transfer_receive(*, acting_user: Actor, transfer: Transfer, on: date) -> Transfer:
    """The receiving cell takes the member in: their home cell changes from that day."""
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if transfer.to_unit is None:
            raise ServiceError([Problem("to_unit", _("Đơn vị nhận ở ngoài hệ thống."))])
        require_role(acting_user, transfer.to_unit, Role.EDITOR)
        problems: list[Problem] = []
        if transfer.state != Transfer.State.SENT:
            problems.append(Problem("state", _("Chỉ tiếp nhận khi đã có giấy giới thiệu.")))
        if transfer.sent_on and on < transfer.sent_on:
            problems.append(Problem("on", _("Ngày tiếp nhận không thể trước ngày giới thiệu.")))
        raise_if(problems)
        person = Person.objects.select_for_update().get(pk=transfer.person_id)
        old_unit = person.unit
        with members_kept([person.pk]):
            person.unit = transfer.to_unit
            person.save(update_fields=["unit", "updated_at"])
            transfer.state, transfer.received_on = Transfer.State.RECEIVED, on
            transfer.save(update_fields=["state", "received_on"])
        audit_record(
            actor=acting_user,
            action="transfer.receive",
            target=transfer,
            unit=transfer.to_unit,
            changes={
                "unit": [str(old_unit), str(transfer.to_unit)],
                "received_on": [None, on],
                "late": [None, bool(transfer.due_on and on > transfer.due_on)],
            },
        )
        return transfer


def transfer_cancel(*, acting_user: Actor, transfer: Transfer) -> Transfer:
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        require_role(acting_user, transfer.from_unit, Role.EDITOR)
        if transfer.state != Transfer.State.REQUESTED:
            raise ServiceError([Problem("state", _("Chỉ hủy được khi mới đề nghị."))])
        transfer.state = Transfer.State.CANCELLED
        transfer.save(update_fields=["state"])
        audit_record(
            actor=acting_user,
            action="transfer.cancel",
            target=transfer,
            unit=transfer.from_unit,
            changes={},
        )
        return transfer


# --- reconciliation -------------------------------------------------------------------


def reconciliation_record(
    *,
    acting_user: Actor,
    unit: Unit,
    period_end: date,
    members_listed: int,
    files_counted: int,
    discrepancies: str = "",
) -> Reconciliation:
    """Record the six-monthly check of the list against the files; a difference needs its
    explanation."""
    with transaction.atomic():
        require_role(acting_user, unit, Role.EDITOR)
        problems: list[Problem] = []
        if members_listed != files_counted and not discrepancies.strip():
            problems.append(
                Problem("discrepancies", _("Danh sách và hồ sơ chênh lệch: cần ghi lý do."))
            )
        if period_end > timezone.localdate():
            problems.append(Problem("period_end", _("Kỳ đối chiếu không thể ở tương lai.")))
        raise_if(problems)
        record = Reconciliation.objects.create(
            unit=unit,
            period_end=period_end,
            members_listed=members_listed,
            files_counted=files_counted,
            discrepancies=discrepancies.strip(),
            recorded_by=actor_user(acting_user),
        )
        audit_record(
            actor=acting_user,
            action="register.reconcile",
            target=record,
            unit=unit,
            changes={
                "members_listed": [None, members_listed],
                "files_counted": [None, files_counted],
            },
        )
        return record
