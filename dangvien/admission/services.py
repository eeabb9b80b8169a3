"""Every write to an admission case: open it, record a step, correct a step.

`case_record_step` is the one write path of the pipeline: the board, the case page, the API
and the demo all call it. It locks the case, checks the step against the rules in force on
the step's date, writes the event, moves the case, and keeps the person's record in step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, actor_user, audit_record
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import require_role
from dangvien.admission import rules
from dangvien.admission.certificates import cases_keep_certificate
from dangvien.admission.models import Case, CaseAttachment, CaseEvent, Introducer, Source, Step
from dangvien.admission.selectors import case_blockers, case_deadline, last_event, rules_on
from dangvien.lib.dates import add_months
from dangvien.lib.errors import Problem, ServiceError, raise_if
from dangvien.lib.selectors import working_calendar
from dangvien.lib.uploads import UploadError, check_upload, safe_name
from dangvien.orgs.models import UnitKind
from dangvien.people.models import Person, Status
from dangvien.people.services import person_set_status
from dangvien.rulebook.selectors import rule_in_force, rules_cached
from dangvien.tallies.dues import case_dues_added, dues_after, dues_before
from dangvien.tallies.newmembers import new_members_kept

# Votes and decisions are recorded by approvers; the paperwork steps by editors.
APPROVER_STEPS = frozenset(
    {
        Step.CELL_RESOLUTION,
        Step.PARTIAL_APPRAISAL,
        Step.COMMITTEE_RESOLUTION,
        Step.DECISION,
        Step.CEREMONY,
        Step.RECOGNITION_CELL,
        Step.RECOGNITION_COMMITTEE,
        Step.RECOGNITION_DECISION,
        Step.NOT_ADMITTED,
        Step.REMOVED,
    }
)


def required_role(step: str) -> int:
    """The role that records `step` on a case's unit."""
    return int(Role.APPROVER if step in APPROVER_STEPS else Role.EDITOR)


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name on the user's machine and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class NewIntroducer:
    kind: str  # Introducer.Kind
    member: Person | None = None
    together_since: date | None = None
    replacement: bool = False
    document: str = ""


def case_open(
    *,
    acting_user: Actor,
    person: Person,
    source: str,
    on: date,
    previous: Case | None = None,
    readmission: bool = False,
    consent_document: str = "",
    after_conviction: bool = False,
) -> Case:
    """List a candidate (quần chúng ưu tú) in their cell: the first step of a case. A
    readmission (someone who left the party) needs the time out, a first readmission and the
    province's consent document."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        require_role(acting_user, person.unit, Role.EDITOR)
        problems: list[Problem] = []
        if source not in Source.values:
            problems.append(Problem("source", _("Nguồn không hợp lệ.")))
        allowed = (Status.LEFT,) if readmission else (Status.CANDIDATE, Status.NOT_ADMITTED)
        if person.status not in allowed:
            problems.append(
                Problem(
                    "person",
                    _("%(name)s đang là “%(status)s”, không thể mở hồ sơ kết nạp.")
                    % {"name": person.full_name, "status": person.get_status_display()},
                )
            )
        if person.unit.kind != UnitKind.CELL:
            problems.append(Problem("person", _("Người phải thuộc một chi bộ.")))
        if Case.objects.filter(person=person, state=Case.State.OPEN).exists():
            problems.append(
                Problem("person", _("Người này đang có một hồ sơ kết nạp chưa kết thúc."))
            )
        if on > timezone.localdate():
            problems.append(Problem("on", _("Ngày không thể ở tương lai.")))
        if readmission and person.status == Status.LEFT:
            problems += [
                Problem(b.field, b.message)
                for b in rules.readmission_problems(
                    left_on=person.status_since,
                    on=on,
                    after_conviction=after_conviction,
                    readmitted_before=Case.objects.filter(
                        person=person, readmission=True, state=Case.State.MEMBER
                    ).exists(),
                    consent_document=consent_document,
                    rules=rules_on(on),
                )
            ]
        raise_if(problems)
        # A member who left and comes back was counted as a new member by the source of
        # their first case; the breakdown counts the latest one (`tallies.newmembers`).
        admitted_before = [person.pk] if person.decision_date is not None else []
        with new_members_kept(admitted_before):
            case = Case.objects.create(
                person=person,
                unit=person.unit,
                source=source,
                stage=Step.LISTED,
                stage_since=on,
                previous=previous,
                readmission=readmission,
            )
        CaseEvent.objects.create(
            case=case,
            step=Step.LISTED,
            on=on,
            override_document=consent_document.strip(),
            recorded_by=actor_user(acting_user),
        )
        case_dues_added([case.pk])
        audit_record(
            actor=acting_user,
            action="case.open",
            target=case,
            unit=case.unit,
            changes={"source": [None, source], "on": [None, on]},
        )
        # The person may already hold a certificate from the class register.
        cases_keep_certificate(person_ids=[person.pk])
        return case


def _apply_overrides(
    blockers: list[rules.Blocker], override_document: str, acting_user: Actor, case: Case
) -> list[rules.Blocker]:
    """Drop the blockers the regulation lets an approver pass with a consent document."""
    if not override_document.strip():
        return blockers
    require_role(acting_user, case.unit, Role.APPROVER)
    return [b for b in blockers if not b.overridable]


def _set_introducers(case: Case, introducers: Sequence[NewIntroducer]) -> None:
    case.introducers.all().delete()
    Introducer.objects.bulk_create(
        [
            Introducer(
                case=case,
                kind=i.kind,
                member=i.member,
                together_since=i.together_since,
                replacement=i.replacement,
                document=i.document,
            )
            for i in introducers
        ]
    )


def case_record_step(
    *,
    acting_user: Actor,
    case: Case,
    step: str,
    on: date,
    document_number: str = "",
    signed_by: str = "",
    note: str = "",
    vote: rules.Vote | None = None,
    introducers: Sequence[NewIntroducer] | None = None,
    helper: Person | None = None,
    override_document: str = "",
    data: dict[str, Any] | None = None,
    expected_stage: str | None = None,
    attachments: Sequence[Upload] = (),
) -> CaseEvent:
    """Record one step of a case. Refuses with every blocker (rule and source named) when the
    step is not allowed on that date; two people recording the same step at once: the
    second one waits for the first's lock and is then told the case has moved on."""
    today = timezone.localdate()
    with transaction.atomic(), rules_cached():
        # 1. Lock the case: concurrent steps on one case queue here. The lock takes the row
        # alone, by primary key; related rows load by key after. (A join in the locking query
        # leaves its plan to table statistics, which a fresh bulk load does not have yet.)
        case = Case.objects.select_for_update().get(pk=case.pk)
        require_role(acting_user, case.unit, required_role(step))
        if expected_stage is not None and case.stage != expected_stage:
            raise ServiceError(
                [
                    Problem(
                        "step",
                        _(
                            "Hồ sơ vừa được người khác cập nhật (nay ở bước “%(stage)s”); "
                            "hãy xem lại."
                        )
                        % {"stage": Step(case.stage).label},
                    )
                ]
            )
        if case.state != Case.State.OPEN:
            raise ServiceError([Problem("step", _("Hồ sơ đã kết thúc."))])
        # 2. Introducers are part of the facts the resolution is judged on.
        if introducers is not None:
            if step != Step.INTRODUCTIONS:
                raise ValueError("introducers come with the introductions step")
            _set_introducers(case, introducers)
        if step in (Step.HELPER, Step.PROBATION_HELPER):
            problems = _helper_problems(helper, case)
            raise_if(problems)
        # 3. Check against the rules in force on the step's date.
        blockers = case_blockers(case, step, on, today=today, vote=vote, step_data=data)
        blockers = _apply_overrides(blockers, override_document, acting_user, case)
        raise_if([Problem(b.field, b.message) for b in blockers] + _upload_problems(attachments))
        # 4. The event, with the vote's outcome where there is a vote.
        outcome = ""
        if vote is not None and step in (*rules.VOTES, *rules.COMMITTEE_VOTES):
            threshold = rules.threshold(rules_on(on), cell=step in rules.VOTES)
            outcome = (
                CaseEvent.Outcome.PASSED
                if rules.vote_passes(vote, threshold)
                else CaseEvent.Outcome.FAILED
            )
        event = CaseEvent.objects.create(
            case=case,
            step=step,
            on=on,
            document_number=document_number.strip(),
            signed_by=signed_by.strip(),
            note=note.strip(),
            official_members=vote.official_members if vote else None,
            elsewhere=vote.elsewhere if vote else None,
            exempt_absent=vote.exempt_absent if vote else None,
            present=vote.present if vote else None,
            votes_for=vote.votes_for if vote else None,
            votes_against=vote.votes_against if vote else None,
            outcome=outcome,
            override_document=override_document.strip(),
            data=dict(data or {}),
            recorded_by=actor_user(acting_user),
        )
        _store(event, attachments, acting_user)
        before = (case.stage, case.state)
        # 5. Move the case and keep the person's record in step, and the next deadline.
        due = dues_before([case.pk])
        _advance(case, event, acting_user, helper)
        _refresh_due(case)
        dues_after([case.pk], due)
        if step == Step.AWARENESS_CLASS:
            cases_keep_certificate(person_ids=[case.person_id])
        audit_record(
            actor=acting_user,
            action="case.step",
            target=case,
            unit=case.unit,
            changes={
                "step": [None, step],
                "stage": [before[0], case.stage],
                "state": [before[1], case.state],
                "on": [None, on],
                "document": [None, event.document_number],
                "outcome": [None, outcome],
                "override": [None, event.override_document],
                "files": [None, [u.name for u in attachments]],
            },
        )
        return event


def _refresh_due(case: Case) -> None:
    deadline = case_deadline(case, working_calendar())
    case.due_on = deadline.due if deadline else None
    case.due_label = deadline.label[:120] if deadline else ""
    case.save(update_fields=["due_on", "due_label"])


def _helper_problems(helper: Person | None, case: Case) -> list[Problem]:
    if helper is None:
        return [Problem("helper", _("Chọn đảng viên giúp đỡ."))]
    if helper.status != Status.OFFICIAL:
        return [Problem("helper", _("Đảng viên giúp đỡ phải là đảng viên chính thức."))]
    if helper.pk == case.person_id:
        return [Problem("helper", _("Không thể tự giúp đỡ mình."))]
    return []


def _advance(case: Case, event: CaseEvent, acting_user: Actor, helper: Person | None) -> None:
    step = event.step
    fields = ["stage", "stage_since", "state"]
    if event.outcome == CaseEvent.Outcome.FAILED:
        if step == Step.RECOGNITION_CELL:
            # The case stays where it was, to vote again (three failures go higher up).
            case.failed_recognition_votes += 1
            case.save(update_fields=["failed_recognition_votes"])
            return
        # A failed admission vote ends the case; a second attempt is a new case.
        case.stage, case.stage_since, case.state = Step.NOT_ADMITTED, event.on, Case.State.CLOSED
        case.save(update_fields=fields)
        return
    case.stage, case.stage_since = step, event.on
    if step in (Step.HELPER, Step.PROBATION_HELPER) and helper is not None:
        case.helper = helper
        fields.append("helper")
    if step in rules.BEFORE_ADMISSION_ENDS:
        case.state = Case.State.CLOSED
    elif step == Step.CEREMONY:
        decision = last_event(case, Step.DECISION)
        person_set_status(
            acting_user=acting_user,
            person=case.person,
            status=Status.PROBATIONARY,
            on=event.on,
            document=decision.document_number if decision else "",
            admission={
                "decision_number": decision.document_number if decision else "",
                "decision_date": decision.on if decision else event.on,
                "ceremony_date": event.on,
            },
        )
    elif step == Step.REMOVED:
        case.state = Case.State.CLOSED
        person_set_status(
            acting_user=acting_user,
            person=case.person,
            status=Status.REMOVED,
            on=event.on,
            document=event.document_number,
        )
    elif step == Step.RECOGNITION_DECISION:
        case.state = Case.State.MEMBER
        ceremony = last_event(case, Step.CEREMONY)
        # Official from the end of the 12 months, even when the decision comes later.
        assert ceremony is not None
        months = int(rule_in_force("probation.months", ceremony.on).value)
        official = add_months(ceremony.on, months)
        person_set_status(
            acting_user=acting_user,
            person=case.person,
            status=Status.OFFICIAL,
            on=max(official, case.person.status_since),
            document=event.document_number,
            admission={"official_date": official},
        )
    case.save(update_fields=fields)


def _upload_problems(uploads: Sequence[Upload]) -> list[Problem]:
    problems = []
    for upload in uploads:
        try:
            check_upload(upload.content, max_bytes=settings.ATTACHMENT_MAX_BYTES)
        except UploadError as exc:
            problems.append(Problem("attachment", f"{upload.name}: {exc}"))
    return problems


def _store(event: CaseEvent, uploads: Sequence[Upload], acting_user: Actor) -> None:
    """Write the files and their rows. Files are named by their content's hash: a file left
    behind by a transaction that rolled back is harmless and a re-upload reuses it."""
    for upload in uploads:
        kind = check_upload(upload.content, max_bytes=settings.ATTACHMENT_MAX_BYTES)
        digest = hashlib.sha256(upload.content).hexdigest()
        attachment = CaseAttachment(
            event=event,
            name=safe_name(upload.name, kind),
            content_type=kind.content_type,
            size=len(upload.content),
            sha256=digest,
            uploaded_by=actor_user(acting_user),
        )
        attachment.file.save(f"{digest}.{kind.extension}", ContentFile(upload.content), save=False)
        attachment.save()


def case_attach(*, acting_user: Actor, event: CaseEvent, uploads: Sequence[Upload]) -> CaseEvent:
    """Add files to a recorded step (the signed form scanned after the meeting…)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=event.case_id)
        require_role(acting_user, case.unit, Role.EDITOR)
        problems = _upload_problems(uploads)
        if not uploads:
            problems.append(Problem("attachment", _("Chọn tệp để đính kèm.")))
        raise_if(problems)
        _store(event, uploads, acting_user)
        audit_record(
            actor=acting_user,
            action="case.attach",
            target=case,
            unit=case.unit,
            changes={"event": [None, event.pk], "files": [None, [u.name for u in uploads]]},
        )
        return event


def case_correct_event(
    *,
    acting_user: Actor,
    event: CaseEvent,
    reason: str,
    on: date | None = None,
    document_number: str | None = None,
    signed_by: str | None = None,
    note: str | None = None,
) -> CaseEvent:
    """Correct a recorded step: a new event that points at the one it corrects (the party
    file is never edited in place). Only the date, document, signer and note are corrected
    here; a wrong vote or a wrong step is undone by the decision that annuls it."""
    with transaction.atomic():
        event = CaseEvent.objects.select_for_update().get(pk=event.pk)
        case = Case.objects.select_for_update().get(pk=event.case_id)
        require_role(acting_user, case.unit, Role.APPROVER)
        problems: list[Problem] = []
        if not reason.strip():
            problems.append(Problem("reason", _("Cần ghi lý do và căn cứ đính chính.")))
        if event.corrections.exists():
            problems.append(
                Problem("event", _("Bước này đã được đính chính; hãy đính chính bản mới nhất."))
            )
        if on is not None and on > timezone.localdate():
            problems.append(Problem("on", _("Ngày không thể ở tương lai.")))
        raise_if(problems)
        correction = CaseEvent.objects.create(
            case=case,
            step=event.step,
            on=on or event.on,
            document_number=event.document_number
            if document_number is None
            else document_number.strip(),
            signed_by=event.signed_by if signed_by is None else signed_by.strip(),
            note=event.note if note is None else note.strip(),
            official_members=event.official_members,
            elsewhere=event.elsewhere,
            exempt_absent=event.exempt_absent,
            present=event.present,
            votes_for=event.votes_for,
            votes_against=event.votes_against,
            outcome=event.outcome,
            override_document=event.override_document,
            data={**event.data, "correction_reason": reason.strip()},
            corrects=event,
            recorded_by=actor_user(acting_user),
        )
        if case.stage == event.step and on is not None and case.stage_since == event.on:
            due = dues_before([case.pk])
            case.stage_since = on
            case.save(update_fields=["stage_since"])
            _refresh_due(case)
            dues_after([case.pk], due)
        if event.step == Step.AWARENESS_CLASS:
            cases_keep_certificate(person_ids=[case.person_id])
        audit_record(
            actor=acting_user,
            action="case.correct",
            target=case,
            unit=case.unit,
            changes={
                "event": [None, event.pk],
                "on": [event.on, correction.on],
                "document": [event.document_number, correction.document_number],
                "reason": [None, reason.strip()],
            },
        )
        return correction
