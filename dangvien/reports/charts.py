"""Charts drawn on the server as inline SVG: no JavaScript library, no outside asset, and
they print as sharply as the text around them.

Each chart is a `Chart`: the SVG (with `role="img"` and an `aria-label` that says the
figures in one sentence) and the same figures as a `DataTable`, which the template puts in a
real HTML `<table>` right after the drawing, for screen readers, for printing and for
anyone who prefers numbers. Numbers are written the Vietnamese way (1.732; 60,5%) whatever
the interface language, as the reports are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html import escape as _escape_text

from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _

from dangvien.reports.formats import vn_difference, vn_number, vn_percent
from dangvien.reports.types import AchievementRow, Breakdown, MonthPoint

# Drawing units of the viewBox; the SVG scales to the width of the page (A4 included).
WIDTH = 720
ROW = 34
LABEL_WIDTH = 260
NOTE_WIDTH = 180
BAR_HEIGHT = 20
FONT = 14
# Breakdowns sit two to a row: a narrower drawing keeps their text as large as the rest.
SMALL_WIDTH, SMALL_LABEL_WIDTH, SMALL_NOTE_WIDTH = 480, 190, 110
# A bar is drawn at most twice its target long, so one unit far over its plan does not
# flatten every other bar; the figure after it still says how far over it is.
MAX_RATIO = 2.0
# About how many characters fit in a label column of a given width at FONT.
CHAR_WIDTH = 9.5

REACHED = "#2e7d32"
UNDER = "#a50e0e"
NEUTRAL = "#0b4f9c"
TARGET = "#1b1b1b"
GRID = "#c9c9c9"


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    numeric: bool = False


@dataclass(frozen=True)
class DataTable:
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: the figure's id
    title: str  # the figcaption
    label: str  # the aria-label: the figures in words
    svg: SafeString
    table: DataTable
    # Shown on screen as well (the children's ranking is how one drills down); otherwise
    # visually hidden until the reader asks for it or prints.
    table_visible: bool = False
    notes: list[str] = field(default_factory=list)

    @cached_property
    def table_html(self) -> SafeString:
        """The `<table>` of the figures, written here rather than by a template loop over
        cells: the children's ranking of a province has hundreds of cells, and a template
        spends about 50 µs on each. Header cells are `th scope="col"`, each row's first
        cell `th scope="row"`, numbers `td class="num"`; every text is escaped."""
        head = "".join(f'<th scope="col">{_html(h)}</th>' for h in self.table.headers)
        body = "".join(f"<tr>{_cells(row)}</tr>" for row in self.table.rows)
        return mark_safe(  # noqa: S308 - every text is escaped above
            f'<table class="data chart-table" data-chart="{_html(self.key)}">\n'
            f'<caption class="visually-hidden">{_html(self.title)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>"
        )


def _html(text: object) -> str:
    """Django's `conditional_escape` (the same characters) without its lazy-string wrapper,
    which costs more than the escaping itself over the hundreds of cells of a table."""
    return str(text) if isinstance(text, SafeData) else _escape_text(str(text))


def _cell_content(cell: Cell) -> str:
    text = _html(cell.text)
    return f'<a href="{_html(cell.href)}">{text}</a>' if cell.href else text


def _cells(row: list[Cell]) -> str:
    out = []
    for i, cell in enumerate(row):
        if i == 0:
            out.append(f'<th scope="row">{_cell_content(cell)}</th>')
        elif cell.numeric:
            out.append(f'<td class="num">{_cell_content(cell)}</td>')
        else:
            out.append(f"<td>{_cell_content(cell)}</td>")
    return "".join(out)


# --- formatting -----------------------------------------------------------------------


def _short(label: str, width: int) -> str:
    chars = int(width / CHAR_WIDTH)
    return label if len(label) <= chars else label[: chars - 1] + "…"


def _svg(label: str, height: int, body: list[str], width: int = WIDTH) -> SafeString:
    # `label` is escaped here; every other text in `body` was escaped where it was written.
    return mark_safe(  # noqa: S308
        f'<svg class="chart-svg" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}" '
        f'font-family="Noto Sans, Segoe UI, Arial, sans-serif">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{weight} fill="{TARGET}">'
        f"{escape(text)}</text>"
    )


# --- horizontal bars ------------------------------------------------------------------


@dataclass(frozen=True)
class _Bar:
    label: str  # the full label is in the table; a long one is shortened here
    fraction: float | None  # length as a share of the track; None: nothing to draw
    note: str  # written after the bar
    colour: str = NEUTRAL


def _hbars(
    label: str,
    bars: Sequence[_Bar],
    reference: float | None,
    *,
    width: int = WIDTH,
    label_width: int = LABEL_WIDTH,
    note_width: int = NOTE_WIDTH,
) -> SafeString:
    """One bar per row, a label on the left, the figures on the right; `reference` draws
    the target as a vertical line at that share of the track."""
    track = width - label_width - note_width
    height = max(ROW * len(bars) + 10, ROW)
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = 5 + i * ROW
        middle = y + ROW / 2 + FONT / 3
        body.append(
            _text(label_width - 8, middle, _short(bar.label, label_width - 8), anchor="end")
        )
        body.append(
            f'<rect x="{label_width}" y="{y + (ROW - BAR_HEIGHT) / 2:.1f}" width="{track}" '
            f'height="{BAR_HEIGHT}" fill="#f0f0f0"/>'
        )
        if bar.fraction is not None and bar.fraction > 0:
            length = track * min(bar.fraction, 1.0)
            body.append(
                f'<rect x="{label_width}" y="{y + (ROW - BAR_HEIGHT) / 2:.1f}" '
                f'width="{length:.1f}" height="{BAR_HEIGHT}" fill="{bar.colour}"/>'
            )
        body.append(_text(label_width + track + 8, middle, bar.note))
    if reference is not None and bars:
        x = label_width + track * reference
        body.append(
            f'<line class="target" x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{height - 2}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 3"/>'
        )
    return _svg(label, height, body, width)


def _ratio(row: AchievementRow) -> float | None:
    return row.admitted / row.target if row.target else None


@dataclass(frozen=True)
class _RowTexts:
    """An achievement row's figures as written, once for its bar, its line of the table and
    its words (a province ranks a hundred children: formatting each figure three times
    was a tenth of the page)."""

    admitted: str
    target: str
    percent: str
    difference: str


def _row_texts(
    rows: Sequence[tuple[str, AchievementRow]], decimals: int
) -> list[tuple[str, AchievementRow, _RowTexts]]:
    return [
        (
            name,
            row,
            _RowTexts(
                vn_number(row.admitted),
                "—" if row.target is None else vn_number(row.target),
                vn_percent(row.percent, decimals),
                vn_difference(row.difference),
            ),
        )
        for name, row in rows
    ]


def _achievement_bars(
    rows: Sequence[tuple[str, AchievementRow, _RowTexts]], scale: float, *, by_period: bool = False
) -> list[_Bar]:
    bars = []
    no_target = _("%(n)s, chưa giao chỉ tiêu")
    for name, row, texts in rows:
        if by_period:  # "Nhiệm kỳ 2020–2025", the table saying up to which day
            name = row.period.label
        ratio = _ratio(row)
        if ratio is None:
            bars.append(_Bar(name, None, no_target % {"n": row.admitted}))
            continue
        note = f"{texts.admitted}/{vn_number(row.target or 0)} · {texts.percent}"
        colour = REACHED if (row.difference or 0) >= 0 else UNDER
        bars.append(_Bar(name, min(ratio, MAX_RATIO) / scale, note, colour))
    return bars


def _scale(rows: Sequence[tuple[str, AchievementRow]]) -> float:
    ratios = [r for _n, row in rows if (r := _ratio(row)) is not None]
    return min(max([1.0, *ratios]), MAX_RATIO)


def _achievement_table(
    rows: Sequence[tuple[str, AchievementRow, _RowTexts]],
    first_header: str,
    link: Callable[[AchievementRow], str] | None = None,
) -> DataTable:
    headers = [
        first_header,
        _("Kết nạp"),
        _("Chỉ tiêu"),
        _("Tỷ lệ đạt"),
        _("So với chỉ tiêu"),
    ]
    body = [
        [
            Cell(name, href=link(row) if link else ""),
            Cell(texts.admitted, numeric=True),
            Cell(texts.target, numeric=True),
            Cell(texts.percent, numeric=True),
            Cell(texts.difference, numeric=True),
        ]
        for name, row, texts in rows
    ]
    return DataTable(headers, body)


def _achievement_words(rows: Sequence[tuple[str, AchievementRow, _RowTexts]]) -> str:
    parts = []
    no_target = _("%(name)s: %(n)s, chưa giao chỉ tiêu")
    with_target = _("%(name)s: %(n)s trên %(t)s, %(p)s, %(d)s")
    for name, row, texts in rows:
        if row.target is None:
            parts.append(no_target % {"name": name, "n": row.admitted})
        else:
            parts.append(
                with_target
                % {
                    "name": name,
                    "n": texts.admitted,
                    "t": texts.target,
                    "p": texts.percent,
                    "d": texts.difference,
                }
            )
    return "; ".join(parts)


def progress_chart(
    rows: Sequence[tuple[str, AchievementRow]], *, title: str, decimals: int = 1
) -> Chart:
    """Admitted against the target for each named period (the year, the term to date): a
    bar per period, the target as a dashed line; green when the target is reached."""
    scale = _scale(rows)
    written = _row_texts(rows, decimals)
    label = f"{title}. {_achievement_words(written)}"
    return Chart(
        "progress",
        title,
        label,
        _hbars(label, _achievement_bars(written, scale, by_period=True), 1 / scale),
        _achievement_table(written, _("Kỳ")),
        table_visible=True,
    )


def ranking_chart(
    children: Sequence[AchievementRow],
    *,
    title: str,
    link: Callable[[AchievementRow], str],
    decimals: int = 1,
) -> Chart:
    """The children's achievement in the order given (best first), each row of the table a
    link to the child's own dashboard."""
    rows = [(c.unit_name, c) for c in children]
    scale = _scale(rows)
    written = _row_texts(rows, decimals)
    label = f"{title}. {_achievement_words(written)}"
    return Chart(
        "ranking",
        title,
        label,
        _hbars(label, _achievement_bars(written, scale), 1 / scale),
        _achievement_table(written, _("Đơn vị"), link),
        table_visible=True,
    )


def breakdown_chart(breakdown: Breakdown, *, decimals: int = 1) -> Chart:
    """Counts and shares of one breakdown; bars are drawn on a 0–100% scale so that shares
    of different breakdowns compare by eye."""
    bars = [
        _Bar(
            row.label,
            float(row.percent) / 100 if row.percent is not None else None,
            f"{vn_number(row.count)} · {vn_percent(row.percent, decimals)}",
        )
        for row in breakdown.rows
    ]
    words = "; ".join(
        f"{row.label}: {vn_number(row.count)}, {vn_percent(row.percent, decimals)}"
        for row in breakdown.rows
    )
    label = _("%(title)s, tổng số %(total)s. %(rows)s") % {
        "title": breakdown.title,
        "total": vn_number(breakdown.total),
        "rows": words,
    }
    table = DataTable(
        [breakdown.title, _("Số người"), _("Tỷ lệ")],
        [
            [
                Cell(row.label),
                Cell(vn_number(row.count), numeric=True),
                Cell(vn_percent(row.percent, decimals), numeric=True),
            ]
            for row in breakdown.rows
        ]
        + [[Cell(_("Tổng số")), Cell(vn_number(breakdown.total), numeric=True), Cell("")]],
    )
    svg = _hbars(
        label,
        bars,
        None,
        width=SMALL_WIDTH,
        label_width=SMALL_LABEL_WIDTH,
        note_width=SMALL_NOTE_WIDTH,
    )
    return Chart(f"breakdown-{breakdown.key}", breakdown.title, label, svg, table)


# --- columns by month -----------------------------------------------------------------


def _nice_step(top: float) -> int:
    """A round step for about four grid lines up to `top`: 1, 2, 5, 10, 20, 50…"""
    raw = max(top / 4, 1)
    magnitude = 1
    while magnitude * 10 <= raw:
        magnitude *= 10
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def monthly_chart(points: Sequence[MonthPoint], *, title: str) -> Chart:
    """Admissions of each month as columns, the admissions to date as a solid line and the
    target spread over the months (cumulated) as a dashed line, on one scale."""
    left, right, top, bottom = 56, 16, 16, 56
    height = 292
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    highest = max(
        [1.0]
        + [float(p.cumulative) for p in points]
        + [float(p.target_cumulative) for p in points if p.target_cumulative is not None]
    )
    step = _nice_step(highest)
    y_max = step * -(-highest // step)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / y_max

    body: list[str] = []
    tick = 0
    while tick <= y_max:
        body.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{WIDTH - right}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y(tick) + FONT / 3, vn_number(tick), anchor="end"))
        tick += step
    slot = plot_w / max(len(points), 1)
    many = len(points) > 12
    for i, p in enumerate(points):
        x = left + i * slot
        if p.admitted:
            body.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{y(p.admitted):.1f}" '
                f'width="{slot * 0.7:.1f}" height="{y(0) - y(p.admitted):.1f}" fill="{NEUTRAL}"/>'
            )
        if not many:
            body.append(
                _text(x + slot / 2, height - bottom + 18, f"T{p.month.month}", anchor="middle")
            )
        elif p.month.month == 1:
            body.append(_text(x + 2, height - bottom + 18, str(p.month.year)))
    centres = [left + (i + 0.5) * slot for i in range(len(points))]
    done = " ".join(
        f"{cx:.1f},{y(p.cumulative):.1f}" for cx, p in zip(centres, points, strict=True)
    )
    if points:
        body.append(
            f'<polyline class="cumulative" points="{done}" fill="none" stroke="{UNDER}" '
            'stroke-width="3"/>'
        )
    planned = [
        f"{cx:.1f},{y(float(p.target_cumulative)):.1f}"
        for cx, p in zip(centres, points, strict=True)
        if p.target_cumulative is not None
    ]
    if planned:
        body.append(
            f'<polyline class="target" points="{" ".join(planned)}" fill="none" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    legend_y = height - 8
    body.append(f'<rect x="{left}" y="{legend_y - 11}" width="14" height="12" fill="{NEUTRAL}"/>')
    body.append(_text(left + 20, legend_y, _("Kết nạp trong tháng")))
    body.append(
        f'<line x1="{left + 200}" y1="{legend_y - 5}" x2="{left + 228}" y2="{legend_y - 5}" '
        f'stroke="{UNDER}" stroke-width="3"/>'
    )
    body.append(_text(left + 234, legend_y, _("Lũy kế")))
    if planned:
        body.append(
            f'<line x1="{left + 320}" y1="{legend_y - 5}" x2="{left + 348}" y2="{legend_y - 5}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        body.append(_text(left + 354, legend_y, _("Chỉ tiêu lũy kế")))

    last = points[-1] if points else None
    if last is None:
        words = _("Chưa có số liệu.")
    elif last.target_cumulative is None:
        words = _("Lũy kế đến tháng %(m)s: %(n)s.") % {
            "m": f"{last.month:%m/%Y}",
            "n": vn_number(last.cumulative),
        }
    else:
        words = _("Lũy kế đến tháng %(m)s: %(n)s, chỉ tiêu lũy kế %(t)s.") % {
            "m": f"{last.month:%m/%Y}",
            "n": vn_number(last.cumulative),
            "t": vn_number(round(last.target_cumulative)),
        }
    label = f"{title}. {words}"
    table = DataTable(
        [_("Tháng"), _("Kết nạp trong tháng"), _("Lũy kế"), _("Chỉ tiêu lũy kế")],
        [
            [
                Cell(f"{p.month:%m/%Y}"),
                Cell(vn_number(p.admitted), numeric=True),
                Cell(vn_number(p.cumulative), numeric=True),
                Cell(
                    "—" if p.target_cumulative is None else vn_number(round(p.target_cumulative)),
                    numeric=True,
                ),
            ]
            for p in points
        ],
    )
    return Chart("monthly", title, label, _svg(label, height, body), table)
