"""The rulebook page: every rule with its versions; national administrators add versions."""

from __future__ import annotations

import json
from itertools import groupby

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from dangvien.lib.db import nul_paths
from dangvien.lib.errors import ServiceError
from dangvien.lib.forms import DATE_WIDGET
from dangvien.lib.selectors import is_national_administrator
from dangvien.rulebook.models import RuleVersion
from dangvien.rulebook.services import rule_version_add


class VersionForm(forms.Form):
    key = forms.ChoiceField(label=gettext_lazy("Quy định"))
    effective_from = forms.DateField(label=gettext_lazy("Hiệu lực từ"), widget=DATE_WIDGET)
    value = forms.CharField(label=gettext_lazy("Giá trị"), max_length=200)
    source = forms.CharField(label=gettext_lazy("Văn bản căn cứ"), max_length=300)

    def clean_value(self) -> object:
        raw = self.cleaned_data["value"].strip()
        try:
            value = json.loads(raw)
        except ValueError:
            return raw
        # The field refuses a NUL typed as such, not one written "\u0000" in JSON, which
        # PostgreSQL's jsonb cannot hold either.
        if next(nul_paths(value), None) is not None:
            raise forms.ValidationError(_("Giá trị không được chứa ký tự NUL (\\u0000)."))
        return value


@require_http_methods(["GET", "POST"])
def rulebook(request: HttpRequest) -> HttpResponse:
    keeper = is_national_administrator(request.user)
    if request.method == "POST" and not keeper:
        raise PermissionDenied(_("Chỉ quản trị cấp Trung ương mới sửa quy định."))
    versions = list(RuleVersion.objects.order_by("key", "-effective_from"))
    form = VersionForm(request.POST or None)
    form.fields["key"].choices = [(k, k) for k in dict.fromkeys(v.key for v in versions)]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule_version_add(
                acting_user=request.user,
                key=data["key"],
                effective_from=data["effective_from"],
                value=data["value"],
                source=data["source"],
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã thêm phiên bản quy định."))
            return redirect("rulebook:list")
    today = timezone.localdate()
    rules = []
    for key, group in groupby(versions, key=lambda v: v.key):
        items = list(group)
        in_force = next((v for v in items if v.effective_from <= today), None)
        rules.append({"key": key, "in_force": in_force, "versions": items})
    context = {"rules": rules, "form": form, "can_edit": keeper, "today": today}
    return render(request, "rulebook/list.html", context)
