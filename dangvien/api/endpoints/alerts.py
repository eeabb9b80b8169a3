"""Deadlines overdue or coming in the user's scope: cases, certificates, transfers."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from dangvien.accounts.selectors import unit_get_for_user
from dangvien.admission.alerts import LATER_DAYS, alerts_for
from dangvien.api.auth import READ_AUTH
from dangvien.api.pagination import DEFAULT_LIMIT, list_page
from dangvien.api.schemas import AlertPage, Cursor, Id, Limit, answers

router = Router(tags=["Cảnh báo"])


@router.get(
    "/alerts",
    response=answers(200, AlertPage),
    auth=READ_AUTH,
    summary="Việc quá hạn hoặc sắp đến hạn, sớm nhất trước",
)
def alerts(
    request: HttpRequest,
    unit: Annotated[Id | None, Query(description="Chỉ trong cây của đơn vị này.")] = None,
    days: Annotated[
        int, Query(ge=0, le=366, description="Đến hạn trong số ngày tới.")
    ] = LATER_DAYS,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    today = timezone.localdate()
    under = unit_get_for_user(request.user, unit) if unit is not None else None
    found = alerts_for(request.user, today, under=under, horizon=days)
    rows, following = list_page(found, cursor, limit)
    return {
        "items": [
            {
                "unit_id": a.unit_id,
                "unit_name": a.unit_name,
                "person_name": a.person_name,
                "what": a.what,
                "due": a.due,
                "days_left": a.days_left(today),
                "band": a.band(today),
                "case_id": a.case_id,
                "person_id": a.person_id,
            }
            for a in rows
        ],
        "next": following,
    }
