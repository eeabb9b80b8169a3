"""Training classes (lớp bồi dưỡng) and who sat them: the list, one class, and opening a
class, enrolling people and recording their results through the same services as the pages
(the same role: an editor of the organising unit)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from dangvien.accounts.selectors import unit_get_for_user
from dangvien.api.auth import READ_AUTH, WRITE_AUTH
from dangvien.api.errors import call_service, invalid, not_found
from dangvien.api.idempotency import answered_once
from dangvien.api.outputs import class_out, enrolment_out
from dangvien.api.pagination import DEFAULT_LIMIT, Keyset, keyset_page
from dangvien.api.schemas import (
    ClassDetailOut,
    ClassIn,
    ClassOut,
    ClassPage,
    Cursor,
    EnrolIn,
    Id,
    Limit,
    ResultsIn,
    answers,
)
from dangvien.people.selectors import people_visible_to
from dangvien.training import services
from dangvien.training.models import ClassKind, Result, TrainingClass
from dangvien.training.selectors import class_enrolments, class_get_for_user, classes_with_counts

router = Router(tags=["Lớp bồi dưỡng"])


@router.get(
    "/classes",
    response=answers(200, ClassPage),
    auth=READ_AUTH,
    summary="Các lớp bồi dưỡng, mới mở trước",
)
def classes_list(
    request: HttpRequest,
    kind: ClassKind | None = None,
    organiser: Annotated[
        Id | None, Query(description="Chỉ các lớp do đơn vị này hoặc đơn vị dưới nó mở.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    classes = classes_with_counts(request.user)
    if kind is not None:
        classes = classes.filter(kind=kind)
    if organiser is not None:
        unit = unit_get_for_user(request.user, organiser)
        classes = classes.filter(organiser__path__startswith=unit.path)
    rows, following = keyset_page(classes, Keyset(descending=True), cursor, limit)
    return {
        "items": [class_out(c, getattr(c, "enrolled", 0), getattr(c, "passed", 0)) for c in rows],
        "next": following,
    }


@router.get(
    "/classes/{class_id}",
    response=answers(200, ClassDetailOut),
    auth=READ_AUTH,
    summary="Một lớp và học viên (người dùng thấy học viên trong phạm vi của mình)",
)
def class_detail(request: HttpRequest, class_id: Id) -> dict[str, Any]:
    return _class_detail(request, class_get_for_user(request.user, class_id))


def _class_detail(request: HttpRequest, training_class: TrainingClass) -> dict[str, Any]:
    enrolments = list(class_enrolments(request.user, training_class))
    passed = sum(1 for e in enrolments if e.result == Result.PASSED)
    return {
        **class_out(training_class, len(enrolments), passed),
        "enrolments": [enrolment_out(e) for e in enrolments],
    }


# --- writing ------------------------------------------------------------------------------


def _class_answer(request: HttpRequest, training_class: TrainingClass) -> dict[str, Any]:
    """The class and its people after a write, JSON-ready (as an idempotent write keeps it)."""
    return ClassDetailOut.model_validate(_class_detail(request, training_class)).model_dump(
        mode="json"
    )


@router.post(
    "/classes",
    response=answers(201, ClassOut, write=True),
    auth=WRITE_AUTH,
    summary="Mở một lớp bồi dưỡng",
    description="Đơn vị mở lớp là cấp ủy trên chi bộ hoặc trung tâm chính trị; cần vai trò "
    "nhập liệu trên đơn vị đó. Nhận tiêu đề Idempotency-Key để gửi lại an toàn.",
)
def class_create(
    request: HttpRequest, response: HttpResponse, payload: ClassIn
) -> Status[dict[str, Any]]:
    organiser = unit_get_for_user(request.user, payload.organiser_id)

    def write() -> dict[str, Any]:
        created = call_service(
            lambda: services.class_create(
                acting_user=request.user,
                organiser=organiser,
                kind=payload.kind,
                name=payload.name,
                place=payload.place,
                start=payload.start,
                end=payload.end,
                note=payload.note,
            )
        )
        return ClassOut.model_validate(class_out(created, 0, 0)).model_dump(mode="json")

    return answered_once(request, response, payload.model_dump(mode="json"), write)


@router.post(
    "/classes/{class_id}/enrolments",
    response=answers(201, ClassDetailOut, write=True),
    auth=WRITE_AUTH,
    summary="Ghi danh học viên vào lớp (tất cả hoặc không ai)",
    description="Lớp nhận thức nhận quần chúng, lớp đảng viên mới nhận đảng viên dự bị; người "
    "đã có trong lớp được bỏ qua. Cần vai trò nhập liệu trên đơn vị mở lớp. Trả về lớp với "
    "học viên. Nhận tiêu đề Idempotency-Key để gửi lại an toàn.",
)
def class_enrol(
    request: HttpRequest, response: HttpResponse, class_id: Id, payload: EnrolIn
) -> Status[dict[str, Any]]:
    training_class = class_get_for_user(request.user, class_id)
    wanted = list(dict.fromkeys(payload.person_ids))
    people = list(people_visible_to(request.user).filter(pk__in=wanted))
    # Someone outside the user's subtrees does not exist for them, as a helper in a step.
    if len(people) != len(wanted):
        raise not_found()

    def write() -> dict[str, Any]:
        call_service(
            lambda: services.class_enrol(
                acting_user=request.user, training_class=training_class, people=people
            )
        )
        return _class_answer(request, training_class)

    return answered_once(request, response, payload.model_dump(mode="json"), write)


@router.put(
    "/classes/{class_id}/results",
    response=answers(200, ClassDetailOut, write=True),
    auth=WRITE_AUTH,
    summary="Ghi kết quả học tập và giấy chứng nhận (tất cả các dòng hoặc không dòng nào)",
    description="Mỗi dòng là một học viên của lớp (person_id); hoàn thành lớp phải có số và "
    "ngày cấp giấy chứng nhận, từ ngày kết thúc lớp. Gửi lại cùng nội dung không ghi thêm gì. "
    "Cần vai trò nhập liệu trên đơn vị mở lớp. Trả về lớp với học viên.",
)
def class_results(
    request: HttpRequest, response: HttpResponse, class_id: Id, payload: ResultsIn
) -> Status[dict[str, Any]]:
    training_class = class_get_for_user(request.user, class_id)
    enrolments = {e.person_id: e for e in class_enrolments(request.user, training_class)}
    entries: list[services.ResultEntry] = []
    seen: set[int] = set()
    for row, item in enumerate(payload.results):
        enrolment = enrolments.get(item.person_id)
        if enrolment is None:
            raise invalid("results.person_id", _("Người này không có trong lớp."), row=row)
        if item.person_id in seen:
            raise invalid("results.person_id", _("Học viên này đã có ở dòng trước."), row=row)
        seen.add(item.person_id)
        entries.append(
            services.ResultEntry(
                enrolment=enrolment,
                attended=item.attended,
                result=item.result,
                certificate_number=item.certificate_number,
                certificate_date=item.certificate_date,
            )
        )

    def write() -> dict[str, Any]:
        call_service(
            lambda: services.class_record_results(
                acting_user=request.user, training_class=training_class, entries=entries
            )
        )
        return _class_answer(request, training_class)

    return answered_once(request, response, payload.model_dump(mode="json"), write, status=200)
