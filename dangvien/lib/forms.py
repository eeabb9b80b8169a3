from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.lib.models import CalendarDay
from dangvien.lib.widgets import FastDateInput

# Written without the template engine (see `dangvien/lib/widgets.py`); the same markup.
DATE_WIDGET = FastDateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Ngày"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Loại"), choices=CalendarDay.Kind.choices)
    source = forms.CharField(label=_("Văn bản công bố"), max_length=200)
