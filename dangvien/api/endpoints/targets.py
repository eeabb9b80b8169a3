"""Targets (chỉ tiêu): a unit's target for a period beside its children's, and setting one."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router

from dangvien.accounts.selectors import unit_get_for_user
from dangvien.api.auth import READ_AUTH, WRITE_AUTH
from dangvien.api.errors import call_service, invalid
from dangvien.api.outputs import target_out, unit_ref
from dangvien.api.schemas import Id, TargetBreakdownOut, TargetIn, TargetOut, Text, answers
from dangvien.lib.periods import Period, PeriodError
from dangvien.targets.selectors import target_breakdown
from dangvien.targets.services import target_set

router = Router(tags=["Chỉ tiêu"])

PERIOD_HELP = "Kỳ: 2021 (năm), 2023-H1 (6 tháng), 2018-Q1 (quý), 2020-2025 (nhiệm kỳ)."


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError:
        raise invalid(
            "period",
            _("Kỳ “%(p)s” không hợp lệ: viết 2021, 2023-H1, 2018-Q1 hoặc 2020-2025."),
            {"p": text},
        ) from None


def period_out(period: Period) -> dict[str, Any]:
    return {"code": period.code, "label": period.label, "start": period.start, "end": period.end}


@router.get(
    "/targets",
    response=answers(200, TargetBreakdownOut),
    auth=READ_AUTH,
    summary="Chỉ tiêu kết nạp của đơn vị và của các đơn vị trực thuộc trong một kỳ",
)
def targets(
    request: HttpRequest,
    unit: Id,
    period: Annotated[Text, Query(max_length=9, description=PERIOD_HELP)],
) -> dict[str, Any]:
    found = unit_get_for_user(request.user, unit)
    breakdown = target_breakdown(request.user, found, parse_period(period))
    check = breakdown.check
    return {
        "unit": unit_ref(found),
        "period": period_out(breakdown.period),
        "on": breakdown.on,
        "own": target_out(breakdown.own),
        "children": [
            {
                "unit": {"id": line.unit_id, "code": line.code, "name": line.name},
                "active": line.active,
                "target": target_out(line.target),
            }
            for line in breakdown.children
        ],
        "check": {
            "parent": check.parent,
            "children_sum": check.children_sum,
            "children_with_target": check.children_with_target,
            "children_count": check.children_count,
            "missing": check.missing,
            "difference": check.difference,
        },
    }


@router.put(
    "/targets/{unit_id}/{period}",
    response=answers(200, TargetOut, write=True),
    auth=WRITE_AUTH,
    summary="Giao (hoặc sửa) chỉ tiêu kết nạp của một đơn vị cho một kỳ",
    description="Người giao là cấp ủy cấp trên: cần vai trò phê duyệt trên đơn vị cha. "
    "Gửi lại cùng nội dung không tạo thêm gì.",
)
def target_put(
    request: HttpRequest,
    unit_id: Id,
    period: Annotated[Text, Path(max_length=9, description=PERIOD_HELP)],
    payload: TargetIn,
) -> dict[str, Any] | None:
    unit = unit_get_for_user(request.user, unit_id)
    parsed = parse_period(period)
    target = call_service(
        lambda: target_set(
            acting_user=request.user,
            unit=unit,
            period=parsed,
            admissions=payload.admissions,
            admissions_min=payload.admissions_min,
            document=payload.document.strip(),
            assigned_on=payload.assigned_on,
            note=payload.note.strip(),
        )
    )
    return target_out(target)
