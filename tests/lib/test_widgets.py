"""The widgets written in Python give the markup Django's own templates give: the same field,
in the same state, rendered by the fast widget and by Django's `Select`/`DateInput`."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.test import SimpleTestCase
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from dangvien.lib.forms import DATE_WIDGET
from dangvien.lib.widgets import FastDateInput, FastSelect
from dangvien.reports.forms import ReportFilterForm

TODAY = date(2026, 5, 14)
_html = SimpleTestCase()


def _as_django(widget: forms.Widget) -> forms.Widget:
    """The same widget (attrs, choices) as the Django class it stands for."""
    twin = copy.deepcopy(widget)
    twin.__class__ = forms.Select if isinstance(widget, FastSelect) else forms.DateInput
    return twin


def _assert_same_markup(field: BoundField) -> str:
    fast = str(field)
    django = field.as_widget(widget=_as_django(field.field.widget))
    _html.assertHTMLEqual(fast, django)
    # Not only equivalent: the same characters, so no page changes by a byte.
    assert fast == django
    return fast


def _filters(query: str) -> ReportFilterForm:
    form = ReportFilterForm(QueryDict(query), today=TODAY, with_decimals=True)
    form.is_valid()
    return form


def test_the_report_filters_use_the_fast_widgets() -> None:
    form = _filters("")
    assert isinstance(form.fields["period"].widget, FastSelect)
    assert isinstance(form.fields["decimals"].widget, FastSelect)
    assert isinstance(form.fields["as_of"].widget, FastDateInput)


def test_a_period_chosen_inside_a_group_is_selected_as_django_selects_it() -> None:
    form = _filters("period=2026-Q2&decimals=2&as_of=01/05/2026")
    period = _assert_same_markup(form["period"])
    assert '<optgroup label="6 tháng, quý của năm 2026">' in period
    assert '<option value="2026-Q2" selected>' in period
    # Its first option has a value: Django leaves `required` out, and so does the fast one.
    assert 'id="id_period"' in period
    assert "required" not in period
    assert '<option value="2" selected>' in _assert_same_markup(form["decimals"])
    assert 'value="01/05/2026"' in _assert_same_markup(form["as_of"])


def test_an_invalid_choice_and_a_bad_date_render_like_django_with_their_errors() -> None:
    form = _filters("period=9999-Z&decimals=7&as_of=31/02/2026")
    assert set(form.errors) == {"period", "decimals", "as_of"}
    period = _assert_same_markup(form["period"])
    assert 'aria-invalid="true"' in period
    assert "selected" not in period
    _assert_same_markup(form["decimals"])
    as_of = _assert_same_markup(form["as_of"])
    assert 'value="31/02/2026"' in as_of
    assert 'aria-invalid="true"' in as_of


def test_the_english_page_renders_like_django() -> None:
    with translation.override("en"):
        form = _filters("period=2020-2025")
        for name in ("period", "decimals", "as_of"):
            _assert_same_markup(form[name])


def test_help_text_is_referenced_like_django_does() -> None:
    form = _filters("")
    as_of = _assert_same_markup(form["as_of"])
    assert 'aria-describedby="id_as_of_helptext"' in as_of


class _Everything(forms.Form):
    """Attributes of every kind, labels needing escaping, a safe label, a number label."""

    choice = forms.ChoiceField(
        choices=[
            ("", "— chọn —"),
            ('Nhóm <1> & "2"', [("a&b", "A < B"), ("c'd", mark_safe("<b>C</b>"))]),
            (3, 1234567),
        ],
        widget=FastSelect(
            attrs={"class": 'x"<y>', "data-on": True, "hidden": False, "data-n": 5, "ok": None}
        ),
    )
    day = forms.DateField(widget=DATE_WIDGET, required=False)


def test_attributes_escaping_and_number_labels_render_like_django() -> None:
    form = _Everything({"choice": "c'd", "day": "02/01/2026"})
    form.is_valid()
    choice = _assert_same_markup(form["choice"])
    assert "<b>C</b>" in choice
    assert "A &lt; B" in choice
    assert " data-on" in choice
    assert "hidden" not in choice
    assert " required" in choice
    _assert_same_markup(form["day"])
    unbound = _Everything(initial={"day": date(2026, 3, 4)})
    _assert_same_markup(unbound["choice"])
    assert 'value="04/03/2026"' in _assert_same_markup(unbound["day"])


def test_a_widget_given_its_own_template_is_rendered_by_it() -> None:
    class Radios(FastSelect):
        template_name = "django/forms/widgets/radio.html"
        option_template_name = "django/forms/widgets/radio_option.html"

    html = Radios(choices=[("a", "A")]).render("x", "a")
    assert "<label><input" in html
    assert "<select" not in html


_text = st.text(alphabet=st.sampled_from("aĂ ệ<>&\"'=/"), max_size=6)
_choice = st.tuples(_text, _text)
_choices = st.lists(
    st.one_of(_choice, st.tuples(_text.filter(bool), st.lists(_choice, max_size=3))),
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(choices=_choices, value=_text, attrs=st.dictionaries(_text.filter(bool), _text))
def test_any_choices_value_and_attributes_render_like_django(
    choices: list[Any], value: str, attrs: dict[str, str]
) -> None:
    # Attribute names are written as given by both; only names a page could use are drawn.
    attrs = {"data-" + "".join(c for c in k if c.isalpha()): v for k, v in attrs.items()}
    fast = FastSelect(choices=choices, attrs=attrs)
    assert fast.render("f", value, {"id": "id_f"}) == _as_django(fast).render(
        "f", value, {"id": "id_f"}
    )
