"""What a report page is asked for: the period (one list: years, the halves and quarters of
the chosen year, terms), the day the figures are taken, and the decimals of percentages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.lib.forms import DATE_WIDGET
from dangvien.lib.periods import Period, PeriodError, PeriodKind
from dangvien.lib.widgets import FastSelect

YEARS_BACK = 10
TERMS_BACK = 3
DECIMALS = (1, 2)


@dataclass(frozen=True)
class Selection:
    period: Period
    as_of: date | None
    decimals: int = 1

    def query(self, **extra: str) -> str:
        """The query string that keeps this choice on links (drill-down, reports, files)."""
        params = {"period": self.period.code}
        if self.as_of is not None:
            params["as_of"] = f"{self.as_of:%d/%m/%Y}"
        if self.decimals != DECIMALS[0]:
            params["decimals"] = str(self.decimals)
        params.update(extra)
        return urlencode(params)


def period_choices(today: date, chosen: Period) -> list[tuple[Any, Any]]:
    """Grouped choices around the chosen period's year, so any period is two clicks away:
    pick the year, then its half or quarter."""
    year = chosen.year if chosen.kind != PeriodKind.TERM else today.year
    years = sorted({*range(today.year - YEARS_BACK, today.year + 1), chosen.year}, reverse=True)
    parts = [Period(PeriodKind.HALF, year, h) for h in (1, 2)]
    parts += [Period(PeriodKind.QUARTER, year, q) for q in (1, 2, 3, 4)]
    current_term = Period.term_of(today)
    terms = {Period(PeriodKind.TERM, current_term.year - 5 * i) for i in range(TERMS_BACK + 1)}
    if chosen.kind == PeriodKind.TERM:
        terms.add(chosen)
    return [
        (_("Năm"), [(str(y), Period(PeriodKind.YEAR, y).label) for y in years]),
        (
            _("6 tháng, quý của năm %(year)s") % {"year": year},
            [(p.code, p.label) for p in parts],
        ),
        (_("Nhiệm kỳ"), [(p.code, p.label) for p in sorted(terms, reverse=True)]),
    ]


def _parse_period(raw: object) -> Period | None:
    try:
        return Period.parse(str(raw))
    except PeriodError:
        return None


class ReportFilterForm(forms.Form):
    # Every report page shows this form: its selects are written without a template per
    # option (`FastSelect`, the same markup).
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), widget=FastSelect)
    as_of = forms.DateField(
        label=_("Tính đến ngày"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Để trống: đến hôm nay."),
    )
    decimals = forms.TypedChoiceField(
        label=_("Số chữ số thập phân của tỷ lệ"),
        choices=[(d, str(d)) for d in DECIMALS],
        coerce=int,
        required=False,
        widget=FastSelect,
    )

    def __init__(self, data: Any, *, today: date, with_decimals: bool = False) -> None:
        self.today = today
        # A page opened with no choice shows this year, and the form says so.
        if not data or "period" not in data:
            data = {"period": str(today.year), **(data.dict() if data else {})}
        super().__init__(data)
        chosen = _parse_period(self.data.get("period")) or Period.year_of(today)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = period_choices(today, chosen)
        if not with_decimals:
            del self.fields["decimals"]

    def selection(self) -> Selection:
        """The valid choice, or for each field in error its default (this year, today, 1)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        period = _parse_period(data.get("period", "")) or Period.year_of(self.today)
        decimals = data.get("decimals") or DECIMALS[0]
        return Selection(period, data.get("as_of"), decimals)
