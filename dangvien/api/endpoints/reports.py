"""Reports of the registry, as their JSON download: the same `Table` as the pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router

from dangvien.accounts.selectors import root_units_for, unit_get_for_user
from dangvien.api.auth import READ_AUTH
from dangvien.api.endpoints.targets import PERIOD_HELP, parse_period
from dangvien.api.errors import not_found
from dangvien.api.schemas import FIRST_DAY, LAST_DAY, Id, ReportOut, ReportSpecOut, Text, answers
from dangvien.lib.dbrouter import reading_from_replica
from dangvien.lib.periods import Period
from dangvien.reports.formats import table_to_json
from dangvien.reports.registry import REPORTS

router = Router(tags=["Báo cáo"])


@router.get(
    "/reports", response=answers(200, list[ReportSpecOut]), auth=READ_AUTH, summary="Các báo cáo"
)
def reports_list(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {"name": name, "title": str(spec.title), "description": str(spec.description)}
        for name, spec in REPORTS.items()
    ]


@router.get(
    "/reports/{name}",
    response=answers(200, ReportOut),
    auth=READ_AUTH,
    summary="Một báo cáo cho cây của một đơn vị trong một kỳ",
)
def report(
    request: HttpRequest,
    name: Annotated[Text, Path(max_length=40)],
    unit: Annotated[
        Id | None, Query(description="Mặc định đơn vị được giao đầu tiên của người dùng.")
    ] = None,
    period: Annotated[Text | None, Query(max_length=9, description=PERIOD_HELP)] = None,
    as_of: Annotated[
        date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="Số liệu tính đến ngày.")
    ] = None,
    decimals: Literal[1, 2] = 1,
) -> dict[str, Any]:
    spec = REPORTS.get(name)
    if spec is None:
        raise not_found()
    found = (
        unit_get_for_user(request.user, unit)
        if unit is not None
        else root_units_for(request.user).first()
    )
    if found is None:
        raise not_found()
    chosen = parse_period(period) if period else Period.year_of(timezone.localdate())
    # Only reads: with a replica configured they read from it, as the report pages do.
    with reading_from_replica():
        table = spec.build(unit=found, period=chosen, as_of=as_of, decimals=decimals)
    return table_to_json(table)
