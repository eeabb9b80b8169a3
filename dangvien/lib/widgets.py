"""Widgets that write the same HTML as Django's `Select` and `DateInput`, in Python.

Django renders a `<select>` through one template for the select and one more per option,
each with its own context and an included attrs template: about a quarter of a millisecond
per option, so a period list of twenty options cost the report pages several milliseconds
on every view. These subclasses keep everything Django computes (the context from
`get_context`: value, optgroups, `selected`, and the id, `required`, `aria-*` attributes
the bound field adds) and only write it out without the template engine, escaping and
localizing each value the way the templates do (`render_value_in_context`).

A subclass that sets its own `template_name` is rendered by its template again, so the
fast path never hides a customised widget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

# What a widget template's context is when a widget renders itself (a plain dict made into
# a Context): autoescape on, localization and time zone as the settings say.
_CONTEXT = Context()


def _text(value: object) -> str:
    """`{{ value }}` in a template: localized, made a string, escaped unless safe."""
    return str(render_value_in_context(value, _CONTEXT))


def _formatted(value: object) -> str:
    """`{{ value|stringformat:'s' }}`: a string without localization, escaped unless safe."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def attrs_html(attrs: Mapping[str, Any]) -> str:
    """Django's `attrs.html`: `False` leaves the attribute out, `True` writes its bare name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


class FastSelect(forms.Select):
    """`forms.Select`, the same markup written without templates (whitespace included: the
    option template's last newline stays after each option)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        if (
            self.template_name != forms.Select.template_name
            or self.option_template_name != forms.Select.option_template_name
        ):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{_text(widget["name"])}"{attrs_html(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in options:
                out.append(
                    f'\n  <option value="{_formatted(option["value"])}"'
                    f"{attrs_html(option['attrs'])}>{_text(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


class FastDateInput(forms.DateInput):
    """`forms.DateInput`, the same markup written without templates."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        if self.template_name != forms.DateInput.template_name:
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
            f"{shown}{attrs_html(widget['attrs'])}>"
        )
