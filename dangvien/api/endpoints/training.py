"""Training classes (lớp bồi dưỡng) and who sat them."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router

from dangvien.accounts.selectors import unit_get_for_user
from dangvien.api.auth import READ_AUTH
from dangvien.api.outputs import class_out, enrolment_out
from dangvien.api.pagination import DEFAULT_LIMIT, Keyset, keyset_page
from dangvien.api.schemas import ClassDetailOut, ClassPage, Cursor, Id, Limit, answers
from dangvien.training.models import ClassKind, Result
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
    training_class = class_get_for_user(request.user, class_id)
    enrolments = list(class_enrolments(request.user, training_class))
    passed = sum(1 for e in enrolments if e.result == Result.PASSED)
    return {
        **class_out(training_class, len(enrolments), passed),
        "enrolments": [enrolment_out(e) for e in enrolments],
    }
