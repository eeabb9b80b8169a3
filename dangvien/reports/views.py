"""Thin views of the reports: a dashboard per unit (charts, children ranked, alerts) and a
page per report of the registry with its downloads. Figures come from the report
selectors; the page and every file are written from the same `Table`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangvien.accounts.selectors import root_units_for, unit_get_for_user
from dangvien.admission.alerts import alert_bands, covers_scope, urgent_from_bands
from dangvien.lib.dbrouter import reads_from_replica
from dangvien.lib.periods import PeriodKind
from dangvien.orgs.models import Unit
from dangvien.orgs.selectors import unit_breadcrumb
from dangvien.reports import charts, formats, selectors
from dangvien.reports.cache import cached_page
from dangvien.reports.forms import ReportFilterForm, Selection
from dangvien.reports.registry import REPORTS
from dangvien.reports.types import AchievementRow, ColumnKind, Table

DOWNLOADS = {
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("PDF", "application/pdf"),
    "json": ("JSON", "application/json"),
}


def _unit(request: HttpRequest, pk: int | None) -> Unit:
    if pk is not None:
        return unit_get_for_user(request.user, pk)
    unit = root_units_for(request.user).first()
    if unit is None:
        raise Http404(_("Bạn chưa được giao quản lý đơn vị nào."))
    return unit


def _dashboard_links(selection: Selection) -> Callable[[int], str]:
    """The dashboard of a unit with the same choice, by the unit's id: the URL reversed and
    the query written once (a province's hundred children cost 2 ms of its page one by one);
    the links differ only by the id."""
    head, _sep, tail = reverse("reports:dashboard", args=[0]).rpartition("/0/")
    query = selection.query()
    return lambda unit_id: f"{head}/{unit_id}/{tail}?{query}"


# --- the dashboard ------------------------------------------------------------------------


def _period_label(row: AchievementRow) -> str:
    """As the achievement report writes it, so the page and the file say the same: "Nhiệm
    kỳ 2020–2025 (đến 31/12/2021)" for a period counted only in part."""
    if row.until is not None and row.until < row.period.end:
        return _("%(period)s (đến %(day)s)") % {
            "period": row.period.label,
            "day": f"{row.until:%d/%m/%Y}",
        }
    return row.period.label


def _progress_rows(
    asked: AchievementRow, periods: list[AchievementRow]
) -> list[tuple[str, AchievementRow]]:
    """The asked period first, then the year and the term it belongs to (to date); for a
    term, each of its years."""
    rows = [(_period_label(asked), asked)]
    for row in periods:
        if row.period.kind in (PeriodKind.YEAR, PeriodKind.TERM) and row.period != asked.period:
            rows.append((_period_label(row), row))
    return rows


def _average_over(percent: Decimal | None, decimals: int) -> str | None:
    """ "vượt 17,0%" / "thiếu 4,5%": the term's yearly average against the targets."""
    if percent is None:
        return None
    word = _("vượt") if percent >= 0 else _("thiếu")
    return f"{word} {formats.vn_percent(abs(percent), decimals)}"


# Both pages only read: with a replica configured they read from it (a few seconds behind).
@require_GET
@reads_from_replica
def dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    unit = _unit(request, pk)
    return cached_page(request, "dashboard", (unit.pk,), lambda: _dashboard(request, unit))


def _dashboard(request: HttpRequest, unit: Unit) -> HttpResponse:
    today = timezone.localdate()
    form = ReportFilterForm(request.GET, today=today, with_decimals=True)
    selection = form.selection()
    period, as_of, decimals = selection.period, selection.as_of, selection.decimals

    achievement = selectors.achievement(unit=unit, period=period, as_of=as_of, with_guideline=False)
    quality = selectors.quality(unit=unit, period=period, as_of=as_of)
    bands = alert_bands(request.user, today, under=unit)
    if covers_scope(request.user, unit):
        # The header's count is these bands' (read by `web.context_processors.navigation`).
        request.urgent_alerts = urgent_from_bands(bands)  # type: ignore[attr-defined]

    progress = charts.progress_chart(
        _progress_rows(achievement.row, achievement.periods),
        title=_("Số đảng viên kết nạp so với chỉ tiêu"),
        decimals=decimals,
    )
    monthly = charts.monthly_chart(
        achievement.months,
        title=_("Kết nạp từng tháng và lũy kế so với chỉ tiêu — %(period)s")
        % {"period": period.label},
    )
    links = _dashboard_links(selection)
    ranking = (
        charts.ranking_chart(
            achievement.children,
            title=_("Tỷ lệ thực hiện chỉ tiêu của các đơn vị trực thuộc — %(period)s")
            % {"period": period.label},
            link=lambda row: links(row.unit_id),
            decimals=decimals,
        )
        if achievement.children
        else None
    )
    query = selection.query()

    def excel(name: str) -> str | None:
        if name not in REPORTS:
            return None
        here = reverse("reports:report", args=[unit.pk, name])
        return f"{here}?{selection.query(format='xlsx')}"

    context = {
        "unit": unit,
        "breadcrumb": unit_breadcrumb(request.user, unit),
        "form": form,
        "selection": selection,
        "query": query,
        "until": achievement.scope.until,
        # The figures of a chart in a workbook: the report that holds the same numbers.
        "excel": {name: excel(name) for name in ("achievement", "ranking", "quality")},
        "progress": progress,
        "average_over": _average_over(achievement.average_over_percent, decimals),
        "monthly": monthly,
        "ranking": ranking,
        "breakdowns": [charts.breakdown_chart(b, decimals=decimals) for b in quality if b.total],
        "alerts_total": sum(bands.values()),
        "bands": bands,
        "reports": [
            {
                "title": spec.title,
                "url": f"{reverse('reports:report', args=[unit.pk, name])}?{query}",
            }
            for name, spec in REPORTS.items()
        ],
        "notes": achievement.notes,
    }
    return render(request, "reports/dashboard.html", context)


# --- a report of the registry ---------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A column or a cell as the page writes it."""

    text: str
    numeric: bool = False
    href: str = ""


_NUMERIC = {ColumnKind.COUNT, ColumnKind.PERCENT, ColumnKind.SIGNED, ColumnKind.DAYS}


def _download(table: Table, fmt: str, unit: Unit) -> HttpResponse:
    writers = {
        "xlsx": formats.write_xlsx,
        "docx": formats.write_docx,
        "pdf": formats.write_pdf,
        "json": formats.write_json,
    }
    content = writers[fmt](table)
    response = HttpResponse(content, content_type=DOWNLOADS[fmt][1])
    name = f"{table.name}-{unit.code}-{table.scope.period.code}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@require_GET
@reads_from_replica
def report(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk)
    spec = REPORTS.get(name)
    if spec is None:
        raise Http404(_("Không có báo cáo này."))
    today = timezone.localdate()
    form = ReportFilterForm(request.GET, today=today, with_decimals=True)
    selection = form.selection()
    table = spec.build(
        unit=unit, period=selection.period, as_of=selection.as_of, decimals=selection.decimals
    )
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in DOWNLOADS:
            raise Http404(_("Không có định dạng này."))
        return _download(table, fmt, unit)

    query = selection.query()
    columns = [Shown(c.label, c.kind in _NUMERIC) for c in table.columns]
    rows = [
        [
            Shown(text, c.kind in _NUMERIC)
            for c, text in zip(table.columns, formats.row_texts(table, row), strict=True)
        ]
        for row in table.rows
    ]
    here = reverse("reports:report", args=[unit.pk, name])
    context = {
        "unit": unit,
        "breadcrumb": unit_breadcrumb(request.user, unit),
        "form": form,
        "selection": selection,
        "query": query,
        "until": table.scope.until,
        "table": table,
        "columns": columns,
        "rows": rows,
        "downloads": [
            {"label": label, "url": f"{here}?{selection.query(format=fmt)}"}
            for fmt, (label, _type) in DOWNLOADS.items()
        ],
    }
    return render(request, "reports/report.html", context)
