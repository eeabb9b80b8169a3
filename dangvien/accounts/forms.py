from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dangvien.accounts import services
from dangvien.accounts.context import current_request
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
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        help_text=_("Để nhận liên kết đặt lại mật khẩu khi quên."),
    )
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput)
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    role = forms.TypedChoiceField(label=_("Vai trò"), choices=Role.choices, coerce=int)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


def _code_field(label: StrOrPromise, *, digits_only: bool) -> forms.CharField:
    attrs = {"autocomplete": "one-time-code", "autofocus": "autofocus", "spellcheck": "false"}
    if digits_only:
        attrs["inputmode"] = "numeric"
    return forms.CharField(label=label, max_length=32, widget=forms.TextInput(attrs=attrs))


class SecondStepForm(forms.Form):
    code = _code_field(_("Mã xác thực hoặc mã khôi phục"), digits_only=False)


class DeviceConfirmForm(forms.Form):
    code = _code_field(_("Mã 6 chữ số trong ứng dụng"), digits_only=True)


class TwoFactorDisableForm(forms.Form):
    code = _code_field(_("Mã hiện tại trong ứng dụng"), digits_only=True)


class ResetRequestForm(PasswordResetForm):
    """Django's reset form, limited and audited by `services.password_reset_request`."""

    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": "autofocus"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._recipients: list[User] = []

    def get_users(self, email: str) -> list[User]:
        return self._recipients

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The client address as the request middleware noted it for the audit trail.
        request = current_request()
        self._recipients = services.password_reset_request(
            email=self.cleaned_data["email"],
            ip_address=request.ip_address if request is not None else None,
        )
        super().save(*args, **kwargs)


class ResetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """The new password, chosen through a reset link; saved by `user_password_reset`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label = _("Mật khẩu mới")
        # Django builds this text once at import; here it follows the page's language.
        first.help_text = password_validation.password_validators_help_text_html()
        second.label = _("Nhập lại mật khẩu mới")
        second.help_text = ""
        first.widget.attrs["autofocus"] = "autofocus"

    def save(self, commit: bool = True) -> Any:
        return services.user_password_reset(
            user=self.user, password=self.cleaned_data["new_password1"]
        )
