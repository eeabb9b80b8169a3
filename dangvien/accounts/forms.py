from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.accounts.models import Role
from dangvien.orgs.forms import UnitChoiceField
from dangvien.orgs.models import Unit


class LoginForm(AuthenticationForm):
    """Django's login form; django-axes needs the request, which this form carries."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput)
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    role = forms.TypedChoiceField(label=_("Vai trò"), choices=Role.choices, coerce=int)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
