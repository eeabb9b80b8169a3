"""Admission cases: the list, one case with its events and what blocks its next steps,
opening a case and recording a step — through the same services as the pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from dangvien.accounts.selectors import has_role, unit_get_for_user
from dangvien.admission import rules, selectors
from dangvien.admission.forms import HELPER_STEPS
from dangvien.admission.models import Case, CaseEvent, Introducer, Source, Step
from dangvien.admission.services import (
    NewIntroducer,
    case_correct_event,
    case_open,
    case_record_step,
    required_role,
)
from dangvien.api.auth import READ_AUTH, WRITE_AUTH
from dangvien.api.errors import (
    api_error,
    call_service,
    invalid,
    not_found,
    problem,
    rule_cited_in,
)
from dangvien.api.idempotency import answered_once
from dangvien.api.outputs import case_out, event_out
from dangvien.api.pagination import DEFAULT_LIMIT, Keyset, keyset_page
from dangvien.api.schemas import (
    CaseDetailOut,
    CaseOpenIn,
    CaseOut,
    CasePage,
    CorrectionIn,
    Cursor,
    Id,
    Limit,
    StepIn,
    StepOut,
    Text,
    answers,
)
from dangvien.lib.errors import Problem
from dangvien.people.models import Person
from dangvien.people.selectors import people_search, people_visible_to, person_get_for_user
from dangvien.rulebook.selectors import Rule, RuleMissingError, rule_in_force, rules_cached

router = Router(tags=["Hồ sơ kết nạp"])

VOTE_STEPS = (*rules.VOTES, *rules.COMMITTEE_VOTES)


def _case_for(request: HttpRequest, case_id: int) -> Case:
    return selectors.case_get_for_user(request.user, case_id)


# --- reading ------------------------------------------------------------------------------


@router.get(
    "/cases",
    response=answers(200, CasePage),
    auth=READ_AUTH,
    summary="Danh sách hồ sơ kết nạp, mới mở trước",
)
def cases_list(
    request: HttpRequest,
    unit: Annotated[Id | None, Query(description="Chỉ hồ sơ trong cây của đơn vị này.")] = None,
    state: Case.State | None = None,
    stage: Step | None = None,
    source: Source | None = None,
    q: Annotated[
        Text, Query(default="", max_length=120, description="Họ tên, không cần dấu.")
    ] = "",
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    cases = selectors.cases_visible_to(request.user).select_related("person", "unit")
    if unit is not None:
        cases = cases.filter(unit__path__startswith=unit_get_for_user(request.user, unit).path)
    if state is not None:
        cases = cases.filter(state=state)
    if stage is not None:
        cases = cases.filter(stage=stage)
    if source is not None:
        cases = cases.filter(source=source)
    if q.strip():
        cases = cases.filter(person__in=people_search(people_visible_to(request.user), q))
    rows, following = keyset_page(cases, Keyset(descending=True), cursor, limit)
    return {"items": [case_out(case) for case in rows], "next": following}


def _blockers_in_both(case: Case, step: str, today: date) -> list[dict[str, Any]]:
    """What blocks the step today, each reason in both languages with its rule. The check
    is a read: it runs once per language and the reasons come in the same order."""
    vote = selectors.preview_vote(case, step)
    found: dict[str, list[rules.Blocker]] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            found[language] = selectors.case_blockers(case, step, today, today=today, vote=vote)
    result = []
    for vi, en in zip(found["vi"], found["en"], strict=True):
        rule = rule_in_force(vi.rule_key, today) if vi.rule_key else None
        result.append(problem(vi.field, {"vi": vi.message, "en": en.message}, rule=rule))
    return result


def _case_detail(request: HttpRequest, case: Case) -> dict[str, Any]:
    today = timezone.localdate()
    events = list(
        case.events.prefetch_related("corrections").order_by("on", "id"),
    )
    next_steps = []
    if case.state == Case.State.OPEN:
        with rules_cached():
            for step in rules.next_steps(case.stage, selectors.has_partial_committee(case)):
                next_steps.append(
                    {
                        "step": step,
                        "label": str(Step(step).label),
                        "allowed": has_role(request.user, case.unit, required_role(step)),
                        "blockers": _blockers_in_both(case, step, today),
                    }
                )
    return {
        **case_out(case),
        "events": [event_out(e, bool(e.corrections.all())) for e in events],
        "next_steps": next_steps,
    }


@router.get(
    "/cases/{case_id}",
    response=answers(200, CaseDetailOut),
    auth=READ_AUTH,
    summary="Một hồ sơ: các bước đã ghi, bước tiếp theo và điều còn ngăn",
)
def case_detail(request: HttpRequest, case_id: Id) -> dict[str, Any]:
    return _case_detail(request, _case_for(request, case_id))


# --- writing ------------------------------------------------------------------------------


@router.post(
    "/cases",
    response=answers(201, CaseOut, write=True),
    auth=WRITE_AUTH,
    summary="Mở hồ sơ kết nạp (đưa quần chúng vào danh sách quần chúng ưu tú)",
    description="Nhận tiêu đề Idempotency-Key để gửi lại an toàn.",
)
def case_create(
    request: HttpRequest, response: HttpResponse, payload: CaseOpenIn
) -> Status[dict[str, Any]]:
    person = person_get_for_user(request.user, payload.person_id)

    def write() -> dict[str, Any]:
        case = call_service(
            lambda: case_open(
                acting_user=request.user, person=person, source=payload.source, on=payload.on
            )
        )
        case = _case_for(request, case.pk)
        return CaseOut.model_validate(case_out(case)).model_dump(mode="json")

    return answered_once(request, response, payload.model_dump(mode="json"), write)


def _check_fields(payload: StepIn) -> None:
    """The fields that belong to the step and no other (as the step's form has them)."""
    step = payload.step
    if payload.vote is not None and step not in VOTE_STEPS:
        raise invalid("vote", _("Bước này không có biểu quyết."))
    if payload.introducers is not None and step != Step.INTRODUCTIONS:
        raise invalid("introducers", _("Chỉ bước giới thiệu người vào Đảng có người giới thiệu."))
    if payload.helper_id is not None and step not in HELPER_STEPS:
        raise invalid("helper_id", _("Chỉ bước phân công giúp đỡ có đảng viên giúp đỡ."))
    if (payload.certificate_date or payload.certificate_number) and step != Step.AWARENESS_CLASS:
        raise invalid(
            "certificate_date", _("Chỉ bước học lớp nhận thức về Đảng có giấy chứng nhận.")
        )
    for row, introducer in enumerate(payload.introducers or []):
        if (introducer.member_id is not None) != (introducer.kind == Introducer.Kind.MEMBER):
            raise invalid(
                "introducers.member_id",
                _("Người giới thiệu là đảng viên thì cần member_id, và chỉ khi đó."),
                row=row,
            )


def _person(request: HttpRequest, pk: int | None) -> Person | None:
    return person_get_for_user(request.user, pk) if pk is not None else None


def _explainer(
    case: Case, step: str, on: date, vote: rules.Vote | None, data: dict[str, Any]
) -> Callable[[Problem], Rule | None]:
    """Finds the rule behind a refusal's problem: the blocker it came from (the same check,
    read again, once and only when a refusal needs it), else the rule its message cites."""

    @functools.cache
    def blockers_and_rules() -> tuple[dict[str, str], list[Rule]]:
        keys: dict[str, str] = {}
        in_force: list[Rule] = []
        try:
            with translation.override("vi"), rules_cached():
                blockers = selectors.case_blockers(
                    case, step, on, today=timezone.localdate(), vote=vote, step_data=data
                )
                keys = {b.message: b.rule_key for b in blockers if b.rule_key}
                in_force = list(selectors.rules_on(on).values())
        except RuleMissingError:
            pass
        return keys, in_force

    def explain(refusal: Problem) -> Rule | None:
        keys, in_force = blockers_and_rules()
        key = keys.get(refusal.message)
        if key:
            return rule_in_force(key, on)
        return rule_cited_in(refusal.message, in_force)

    return explain


def _step_answer(request: HttpRequest, case: Case, event: CaseEvent) -> dict[str, Any]:
    """A recorded event with its case as it now stands (read again: the step moved it)."""
    moved = _case_for(request, case.pk)
    return StepOut.model_validate(
        {"event": event_out(event, False), "case": case_out(moved)}
    ).model_dump(mode="json")


@router.post(
    "/cases/{case_id}/steps",
    response=answers(201, StepOut, write=True),
    auth=WRITE_AUTH,
    summary="Ghi một bước của hồ sơ (kiểm tra theo quy định có hiệu lực vào ngày của bước)",
    description="Nhận tiêu đề Idempotency-Key để gửi lại an toàn; expected_stage khác bước "
    "hiện tại của hồ sơ thì trả về 409.",
)
def case_step(
    request: HttpRequest, response: HttpResponse, case_id: Id, payload: StepIn
) -> Status[dict[str, Any]]:
    case = _case_for(request, case_id)
    _check_fields(payload)
    step = str(payload.step)
    helper = _person(request, payload.helper_id)
    introducers = None
    if payload.introducers is not None:
        introducers = [
            NewIntroducer(
                kind=i.kind,
                member=_person(request, i.member_id),
                together_since=i.together_since,
                replacement=i.replacement,
                document=i.document,
            )
            for i in payload.introducers
        ]
    vote = rules.Vote(**payload.vote.model_dump()) if payload.vote is not None else None
    data: dict[str, Any] = {}
    if step == Step.AWARENESS_CLASS and payload.certificate_date is not None:
        data = {
            "certificate_date": payload.certificate_date.isoformat(),
            "certificate_number": payload.certificate_number.strip(),
        }

    def write() -> dict[str, Any]:
        if payload.expected_stage is not None and case.stage != payload.expected_stage:
            raise api_error(409, "stage_changed", {"stage": Step(case.stage).label})
        event = call_service(
            lambda: case_record_step(
                acting_user=request.user,
                case=case,
                step=step,
                on=payload.on,
                document_number=payload.document_number,
                signed_by=payload.signed_by,
                note=payload.note,
                vote=vote,
                introducers=introducers,
                helper=helper,
                override_document=payload.override_document,
                data=data,
                expected_stage=payload.expected_stage,
            ),
            explain=_explainer(case, step, payload.on, vote, data),
        )
        return _step_answer(request, case, event)

    return answered_once(request, response, payload.model_dump(mode="json"), write)


@router.post(
    "/cases/{case_id}/events/{event_id}/corrections",
    response=answers(201, StepOut, write=True),
    auth=WRITE_AUTH,
    summary="Đính chính một bước đã ghi (ngày, văn bản, người ký, ghi chú) kèm lý do",
    description="Cần vai trò phê duyệt. Hồ sơ không bị sửa: bản đính chính là một bước mới "
    "trỏ tới bước được đính chính (corrects_id). Trường không gửi giữ nguyên giá trị cũ. "
    "Nhận tiêu đề Idempotency-Key để gửi lại an toàn.",
)
def case_event_correct(
    request: HttpRequest,
    response: HttpResponse,
    case_id: Id,
    event_id: Id,
    payload: CorrectionIn,
) -> Status[dict[str, Any]]:
    case = _case_for(request, case_id)
    # An event of another case is not found, as on the correction page.
    event = case.events.filter(pk=event_id).first()
    if event is None:
        raise not_found()

    def write() -> dict[str, Any]:
        correction = call_service(
            lambda: case_correct_event(
                acting_user=request.user,
                event=event,
                reason=payload.reason,
                on=payload.on,
                document_number=payload.document_number,
                signed_by=payload.signed_by,
                note=payload.note,
            )
        )
        return _step_answer(request, case, correction)

    return answered_once(request, response, payload.model_dump(mode="json"), write)
