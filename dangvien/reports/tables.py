"""Each report as a `Table`: the selector's typed rows laid out as columns and rows of plain
values, the shape every formatter (page, XLSX, DOCX, PDF, JSON, text) consumes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dangvien.lib.periods import Period, PeriodKind
from dangvien.orgs.models import Unit
from dangvien.reports import selectors
from dangvien.reports.formats import vn_number, vn_percent
from dangvien.reports.types import (
    AchievementRow,
    Column,
    ColumnKind,
    Table,
    Value,
)


def _period_label(row: AchievementRow) -> str:
    label = row.period.label
    if row.until is not None and row.until < row.period.end:
        label += " " + _("(đến %(day)s)") % {"day": f"{row.until:%d/%m/%Y}"}
    return label


def _achievement_values(row: AchievementRow) -> dict[str, Value]:
    return {
        "unit": row.unit_name,
        "period": _period_label(row),
        "admitted": row.admitted,
        "target": row.target,
        "percent": row.percent,
        "difference": row.difference,
    }


def achievement_table(
    *, unit: Unit, period: Period, as_of: date | None = None, decimals: int = 1
) -> Table:
    """The unit in the asked period first, then its other periods (year, halves, quarters,
    term to date), then each child in the asked period, best first."""
    result = selectors.achievement(unit=unit, period=period, as_of=as_of)
    rows = [
        _achievement_values(result.row),
        *[_achievement_values(r) for r in result.periods],
        *[_achievement_values(r) for r in result.children],
    ]
    notes = [
        _(
            "Số kết nạp tính theo ngày ghi trong quyết định kết nạp, cho chi bộ đã kết nạp "
            "(kể cả đảng viên đã chuyển sinh hoạt đi nơi khác)."
        )
    ]
    if result.average_over_percent is not None:
        notes.append(
            _("Bình quân mỗi năm của nhiệm kỳ đã qua: %(word)s %(p)s chỉ tiêu.")
            % {
                "word": _("vượt") if result.average_over_percent >= 0 else _("thiếu"),
                "p": vn_percent(abs(result.average_over_percent), decimals),
            }
        )
    share = result.year_share_percent
    if share is not None and result.members_at_year_start is not None:
        year = result.scope.as_of.year if period.kind == PeriodKind.TERM else period.year
        guideline = result.guideline_percent
        notes.append(
            _(
                "Năm %(year)s kết nạp %(n)s đảng viên, bằng %(share)s số đảng viên đầu năm "
                "(%(members)s)%(guideline)s."
            )
            % {
                "year": year,
                "n": vn_number(result.year_admitted or 0),
                "share": vn_percent(share, decimals),
                "members": vn_number(result.members_at_year_start),
                "guideline": (
                    _("; định hướng %(low)s–%(high)s%% mỗi năm (Nghị quyết 21-NQ/TW)")
                    % {"low": vn_number(guideline[0]), "high": vn_number(guideline[1])}
                    if guideline
                    else ""
                ),
            }
        )
    notes += result.notes
    row = result.row
    return Table(
        name="achievement",
        title=_("Kết quả kết nạp đảng viên so với chỉ tiêu"),
        scope=result.scope,
        columns=[
            Column("unit", _("Đơn vị")),
            Column("period", _("Kỳ")),
            Column("admitted", _("Kết nạp"), ColumnKind.COUNT),
            Column("target", _("Chỉ tiêu"), ColumnKind.COUNT),
            Column("percent", _("Tỷ lệ đạt"), ColumnKind.PERCENT),
            Column("difference", _("So với chỉ tiêu"), ColumnKind.SIGNED),
        ],
        rows=rows,
        decimals=decimals,
        notes=notes,
        summary={
            "admitted": row.admitted,
            "target": row.target,
            "target_min": row.target_min,
            "percent": row.percent,
            "difference": row.difference,
            "average_over_percent": result.average_over_percent,
            "members_at_year_start": result.members_at_year_start,
            "year_share_percent": share,
        },
    )


def quality_table(
    *, unit: Unit, period: Period, as_of: date | None = None, decimals: int = 1
) -> Table:
    breakdowns = selectors.quality(unit=unit, period=period, as_of=as_of)
    rows: list[dict[str, Value]] = []
    for breakdown in breakdowns:
        for share in breakdown.rows:
            rows.append(
                {
                    "breakdown": breakdown.title,
                    "label": share.label,
                    "count": share.count,
                    "percent": share.percent,
                }
            )
    total = breakdowns[0].total if breakdowns else 0
    scope = selectors.report_scope(unit, period, as_of)
    return Table(
        name="quality",
        title=_("Chất lượng đảng viên mới kết nạp"),
        scope=scope,
        columns=[
            Column("breakdown", _("Tiêu chí")),
            Column("label", _("Nhóm")),
            Column("count", _("Số người"), ColumnKind.COUNT),
            Column("percent", _("Tỷ lệ"), ColumnKind.PERCENT),
        ],
        rows=rows,
        decimals=decimals,
        notes=[
            _(
                "Tỷ lệ trên tổng số %(n)s đảng viên kết nạp trong kỳ; tuổi tính tại ngày "
                "quyết định kết nạp."
            )
            % {"n": vn_number(total)}
        ],
        summary={"admitted": total},
    )


def movement_table(
    *, unit: Unit, period: Period, as_of: date | None = None, decimals: int = 1
) -> Table:
    m = selectors.movement(unit=unit, period=period, as_of=as_of)
    lines: list[tuple[str, str, int]] = [
        ("members_start", _("Đảng viên đầu kỳ"), m.members_start),
        ("official_start", _("— chính thức"), m.official_start),
        ("probationary_start", _("— dự bị"), m.probationary_start),
        ("admitted", _("Kết nạp"), m.admitted),
        ("recognised", _("Công nhận chính thức"), m.recognised),
        ("removed", _("Xóa tên khỏi danh sách đảng viên dự bị"), m.removed),
        ("left", _("Ra khỏi Đảng"), m.left),
        ("expelled", _("Khai trừ"), m.expelled),
        ("deceased", _("Từ trần"), m.deceased),
        ("transferred_in", pgettext("biến động đảng viên", "Chuyển đến"), m.transferred_in),
        ("transferred_out", _("Chuyển đi"), m.transferred_out),
        ("members_end", _("Đảng viên cuối kỳ"), m.members_end),
        ("official_end", _("— chính thức"), m.official_end),
        ("probationary_end", _("— dự bị"), m.probationary_end),
        (
            "residence_registered",
            _("Đảng viên đăng ký sinh hoạt nơi cư trú"),
            m.residence_registered,
        ),
        ("residence_new", _("— đăng ký mới trong kỳ"), m.residence_new),
    ]
    return Table(
        name="movement",
        title=_("Số lượng và biến động đảng viên"),
        scope=m.scope,
        columns=[Column("item", _("Nội dung")), Column("count", _("Số lượng"), ColumnKind.COUNT)],
        rows=[{"key": key, "item": label, "count": n} for key, label, n in lines],
        decimals=decimals,
        notes=m.notes,
        summary={key: n for key, _label, n in lines},
    )


def structure_table(
    *, unit: Unit, period: Period, as_of: date | None = None, decimals: int = 1
) -> Table:
    s = selectors.structure(unit=unit, period=period, as_of=as_of)
    rows: list[dict[str, Value]] = [
        {
            "item": p.name,
            "total": p.holders,
            "count": p.members,
            "percent": p.percent,
            "target": p.target_percent,
            "met": _met(p.met),
        }
        for p in s.positions
    ]
    a = s.areas
    rows += [
        {
            "item": _("Khu dân cư có đảng viên"),
            "total": a.areas,
            "count": a.with_member,
            "percent": _share(a.with_member, a.areas),
            "target": a.target_member_percent,
            "met": _met(_reached(_share(a.with_member, a.areas), a.target_member_percent)),
        },
        {
            "item": _("Khu dân cư có chi bộ"),
            "total": a.areas,
            "count": a.with_cell,
            "percent": _share(a.with_cell, a.areas),
            "target": a.target_cell_percent,
            "met": _met(_reached(_share(a.with_cell, a.areas), a.target_cell_percent)),
        },
        {
            "item": _("Khu dân cư chưa có đảng viên"),
            "total": a.areas,
            "count": a.without_member,
            "percent": _share(a.without_member, a.areas),
            "target": None,
            "met": "",
        },
        {
            "item": _("Khu dân cư chưa có quần chúng ưu tú (đối tượng kết nạp)"),
            "total": a.areas,
            "count": a.without_candidate,
            "percent": _share(a.without_candidate, a.areas),
            "target": None,
            "met": "",
        },
        {
            "item": _("Khu dân cư chưa có chi bộ"),
            "total": a.areas,
            "count": a.without_cell,
            "percent": _share(a.without_cell, a.areas),
            "target": None,
            "met": "",
        },
    ]
    return Table(
        name="structure",
        title=_("Cơ cấu đảng viên trong chức danh ở cơ sở và khu dân cư"),
        scope=s.scope,
        columns=[
            Column("item", _("Nội dung")),
            Column("total", _("Tổng số"), ColumnKind.COUNT),
            Column("count", _("Số đạt"), ColumnKind.COUNT),
            Column("percent", _("Tỷ lệ"), ColumnKind.PERCENT),
            Column("target", _("Chỉ tiêu"), ColumnKind.PERCENT),
            Column("met", _("Đánh giá")),
        ],
        rows=rows,
        decimals=decimals,
        notes=s.notes,
    )


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * 100 / Decimal(whole) if whole else None


def _reached(percent: Decimal | None, target: Decimal | None) -> bool | None:
    if percent is None or target is None:
        return None
    return percent >= target


def _met(met: bool | None) -> str:
    if met is None:
        return ""
    # "Đạt" is also a class result ("Passed"): the context keeps the two apart in English.
    return pgettext("chỉ tiêu", "Đạt") if met else pgettext("chỉ tiêu", "Chưa đạt")


def pipeline_table(
    *, unit: Unit, period: Period, as_of: date | None = None, decimals: int = 1
) -> Table:
    p = selectors.pipeline(unit=unit, period=period, as_of=as_of)
    rows: list[dict[str, Value]] = [
        {
            "group": _("Hồ sơ đang xem xét"),
            "item": s.label,
            "count": s.open_cases,
            "other": s.overdue,
            "percent": None,
            "days": s.median_days,
        }
        for s in p.stages
        if s.open_cases
    ]
    rows += [
        {
            "group": _("Tỷ lệ chuyển bước"),
            "item": c.label,
            "count": c.reached_from,
            "other": c.reached_to,
            "percent": c.percent,
            "days": None,
        }
        for c in p.conversions
    ]
    rows += [
        {
            "group": _("Bồi dưỡng (số lớp: %(n)s)") % {"n": vn_number(t.classes)},
            "item": t.label,
            "count": t.enrolled,
            "other": t.passed,
            "percent": _share(t.passed, t.enrolled),
            "days": None,
        }
        for t in p.training
    ]
    return Table(
        name="pipeline",
        title=_("Tiến độ hồ sơ kết nạp và bồi dưỡng"),
        scope=p.scope,
        columns=[
            Column("group", _("Nhóm")),
            Column("item", _("Nội dung")),
            Column("count", _("Số hồ sơ / học viên"), ColumnKind.COUNT),
            Column("other", _("Quá hạn / đạt bước sau / hoàn thành"), ColumnKind.COUNT),
            Column("percent", _("Tỷ lệ"), ColumnKind.PERCENT),
            Column("days", _("Số ngày ở bước (trung vị)"), ColumnKind.DAYS),
        ],
        rows=rows,
        decimals=decimals,
        notes=p.notes,
        summary={"open_cases": p.open_cases, "overdue": p.overdue},
    )


def ranking_table(
    *, unit: Unit, period: Period, as_of: date | None = None, decimals: int = 1
) -> Table:
    r = selectors.ranking(unit=unit, period=period, as_of=as_of)
    rows: list[dict[str, Value]] = [
        {"rank": row.rank, **_achievement_values(row.row), "grade": row.grade} for row in r.rows
    ]
    return Table(
        name="ranking",
        title=_("Xếp hạng và đánh giá thực hiện chỉ tiêu kết nạp đảng viên"),
        scope=r.scope,
        columns=[
            Column("rank", _("Hạng"), ColumnKind.COUNT),
            Column("unit", _("Đơn vị")),
            Column("admitted", _("Kết nạp"), ColumnKind.COUNT),
            Column("target", _("Chỉ tiêu"), ColumnKind.COUNT),
            Column("percent", _("Tỷ lệ đạt"), ColumnKind.PERCENT),
            Column("difference", _("So với chỉ tiêu"), ColumnKind.SIGNED),
            Column("grade", _("Xếp loại")),
        ],
        rows=rows,
        decimals=decimals,
        notes=r.notes,
    )
