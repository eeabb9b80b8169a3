"""The data table under each chart, written in Python (`Chart.table_html`), is the markup the
template loop over cells wrote before: the old `_chart.html` is kept here as the reference,
and both render the same charts (links, numbers, text needing escaping, an empty table)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import SimpleTestCase

from dangvien.lib.periods import Period
from dangvien.reports.charts import Chart, breakdown_chart, monthly_chart, ranking_chart
from dangvien.reports.types import AchievementRow, Breakdown, MonthPoint, ShareRow

# `reports/_chart.html` as it was when the template wrote the table cell by cell.
TEMPLATE_LOOP = Template(
    """{% load i18n %}<figure class="chart" id="chart-{{ chart.key }}">
<figcaption>{{ chart.title }}</figcaption>
{{ chart.svg }}
{% if not chart.table_visible %}<input type="checkbox" class="toggle-data" id="show-{{ chart.key }}"><label class="toggle-data" for="show-{{ chart.key }}">{% translate "Xem bảng số liệu" %}</label>{% endif %}
<div class="chart-data{% if not chart.table_visible %} on-demand{% endif %}">
<table class="data chart-table" data-chart="{{ chart.key }}">
<caption class="visually-hidden">{{ chart.title }}</caption>
<thead><tr>{% for h in chart.table.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in chart.table.rows %}<tr>{% for cell in row %}{% if forloop.first %}<th scope="row">{% if cell.href %}<a href="{{ cell.href }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}</th>{% else %}<td{% if cell.numeric %} class="num"{% endif %}>{% if cell.href %}<a href="{{ cell.href }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}</td>{% endif %}{% endfor %}</tr>{% endfor %}</tbody>
</table>
</div>
{% for note in chart.notes %}<p class="meta">{{ note }}</p>{% endfor %}
</figure>
"""  # noqa: E501 - the template's own lines
)
NEEDS_ESCAPING = 'Chi bộ <Thôn 1> & "Khu 2" l\'Ô'
YEAR = Period.parse("2026")


def _ranking() -> Chart:
    children = [
        AchievementRow(7, "U7", NEEDS_ESCAPING, YEAR, 1732, 1500),
        AchievementRow(9, "U9", "Nam Giang", YEAR, 3, None),
        AchievementRow(11, "U11", "Tam Kỳ", YEAR, 0, 4),
    ]
    return ranking_chart(
        children,
        title='Các đơn vị <trực thuộc> & "con"',
        link=lambda row: f"/bao-cao/{row.unit_id}/?period=2026&x=\"<{row.unit_code}>'",
    )


def _breakdown() -> Chart:
    rows = [ShareRow("Nữ & <dân tộc>", 2, Decimal("66.667")), ShareRow('"Khác"', 1, None)]
    return breakdown_chart(Breakdown("sex", "Giới <tính>", 3, rows))


def _monthly(months: int) -> Chart:
    points = [
        MonthPoint(date(2026, m, 1), m, m * (m + 1) // 2, None if m % 2 else Decimal(m * 3) / 2)
        for m in range(1, months + 1)
    ]
    return monthly_chart(points, title="Theo tháng")


CHARTS: dict[str, Callable[[], Chart]] = {
    "ranking with links": _ranking,
    "breakdown with an empty cell": _breakdown,
    "monthly": lambda: _monthly(11),
    "empty": lambda: _monthly(0),
}


@pytest.mark.parametrize("build", CHARTS.values(), ids=CHARTS.keys())
def test_the_chart_table_written_in_python_is_the_template_loops_markup(
    build: Callable[[], Chart],
) -> None:
    chart = build()
    before = TEMPLATE_LOOP.render(Context({"chart": chart}))
    now = render_to_string("reports/_chart.html", {"chart": chart})
    SimpleTestCase().assertHTMLEqual(now, before)
    assert now == before  # the same characters: no page changes by a byte


def test_table_text_and_links_are_escaped_and_numbers_marked() -> None:
    html = str(_ranking().table_html)
    assert "<Thôn" not in html
    assert "Chi bộ &lt;Thôn 1&gt; &amp; &quot;Khu 2&quot; l&#x27;Ô" in html
    assert 'href="/bao-cao/7/?period=2026&amp;x=&quot;&lt;U7&gt;&#x27;"' in html
    assert '<th scope="row"><a href="/bao-cao/9/' in html
    assert '<td class="num">1.732</td>' in html
    assert '<caption class="visually-hidden">Các đơn vị &lt;trực thuộc&gt;' in html


def test_the_table_is_written_once_per_chart() -> None:
    chart = _ranking()
    assert chart.table_html is chart.table_html
