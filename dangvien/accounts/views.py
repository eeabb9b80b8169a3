"""Login (password, then the second factor), password reset, the two-factor page, the audit
view and user management, all scoped to the administrator's subtree."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts import rules, selectors, services
from dangvien.accounts.forms import (
    DeviceConfirmForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
    SecondStepForm,
    TwoFactorDisableForm,
    UserCreateForm,
)
from dangvien.accounts.models import Role
from dangvien.accounts.rules import Gate
from dangvien.accounts.two_factor import (
    GATE_PAGE,
    is_verified,
    login_gate,
    mark_verified,
    with_next,
)
from dangvien.lib.db import without_nul
from dangvien.lib.errors import ServiceError


def _next_url(request: HttpRequest) -> str:
    """Where to go once the second factor is done: the page asked for, if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """The password step (django-axes counts the failures). A user with an authenticator, or
    whose role requires one, goes on to the second step or to setting one up."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        gate = login_gate(self.request)
        if gate is Gate.OPEN:
            return response
        return HttpResponseRedirect(with_next(GATE_PAGE[gate], self.get_success_url()))


@never_cache
@require_http_methods(["GET", "POST"])
def second_step(request: HttpRequest) -> HttpResponse:
    """The code from the authenticator, or a recovery code, after the password."""
    user = request.user
    assert isinstance(user, User)  # LoginRequiredMiddleware sent anyone else to the login
    next_url = _next_url(request)
    gate = login_gate(request)
    if gate is not Gate.SECOND_STEP:
        return redirect(next_url if gate is Gate.OPEN else with_next(GATE_PAGE[gate], next_url))
    lock = selectors.second_step_lock(user)
    form = SecondStepForm(request.POST or None)
    if lock is None and request.method == "POST" and form.is_valid():
        result = services.second_factor_verify(acting_user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            mark_verified(request, result.device)
            if result.recovery_codes_left is not None:
                messages.warning(
                    request,
                    _(
                        "Đã dùng một mã khôi phục; còn %(left)d mã. Hãy tạo mã mới ở trang "
                        "Xác thực hai bước nếu sắp hết."
                    )
                    % {"left": result.recovery_codes_left},
                )
            return redirect(next_url)
        lock = result.lock
        if lock is None:
            form.add_error(
                "code",
                _("Mã không đúng. Còn %(left)d lần thử trước khi tạm khóa.")
                % {"left": settings.TWO_FACTOR_FAILURE_LIMIT - result.failures},
            )
    context = {"form": form, "next": next_url, "lock": lock}
    return render(request, "accounts/second_step.html", context, status=429 if lock else 200)


def _enrolled_but_unverified(request: HttpRequest) -> bool:
    """A session that has not given the second factor may not touch an existing one."""
    return selectors.has_confirmed_device(request.user) and not is_verified(request.user)


def _codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    """The recovery codes, shown this once (never stored in clear), with a .txt to keep."""
    shown = [rules.format_recovery_code(code) for code in codes]
    text = "\r\n".join(
        [
            _("Mã khôi phục — %(user)s — %(date)s")
            % {
                "user": request.user.get_username(),
                "date": timezone.localdate().strftime("%d/%m/%Y"),
            },
            _("Mỗi mã dùng được một lần, thay cho mã trong ứng dụng xác thực."),
            "",
            *shown,
            "",
        ]
    )
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": shown,
            "download": "data:text/plain;charset=utf-8," + quote(text),
            "next": next_url,
        },
    )


@never_cache
@require_GET
def two_factor(request: HttpRequest) -> HttpResponse:
    """Xác thực hai bước: its state, and the buttons to set it up, renew or turn it off."""
    if _enrolled_but_unverified(request):
        return redirect(with_next("accounts:second_step", request.get_full_path()))
    return _two_factor_page(request, TwoFactorDisableForm())


def _two_factor_page(request: HttpRequest, disable_form: Form, status: int = 200) -> HttpResponse:
    context = {
        "status": selectors.two_factor_status(request.user),
        "disable_form": disable_form,
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    if _enrolled_but_unverified(request):
        return redirect("accounts:second_step")
    assert isinstance(request.user, User)
    services.totp_device_start(acting_user=request.user, user=request.user)
    return redirect(with_next("accounts:two_factor_confirm", _next_url(request)))


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    """The new authenticator's secret as a QR code and as text, and its first code."""
    if _enrolled_but_unverified(request):
        return redirect("accounts:second_step")
    user = request.user
    assert isinstance(user, User)
    device = selectors.totp_device_for(user, confirmed=False)
    if device is None:
        return redirect("accounts:two_factor")
    next_url = _next_url(request)
    form = DeviceConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                acting_user=user, device=device, code=form.cleaned_data["code"]
            )
        except ServiceError as exc:
            for error in exc.by_field().get("code", []):
                form.add_error("code", error)
        else:
            mark_verified(request, device)
            if codes:
                return _codes_page(request, codes, next_url)
            messages.success(request, _("Đã đổi sang ứng dụng xác thực mới."))
            return redirect("accounts:two_factor")
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, light="#fff", title=_("Mã QR để thêm vào ứng dụng xác thực")
    )
    context = {"form": form, "qr": qr, "secret": rules.format_secret(secret), "next": next_url}
    return render(request, "accounts/two_factor_confirm.html", context)


@never_cache
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if _enrolled_but_unverified(request):
        return redirect("accounts:second_step")
    assert isinstance(request.user, User)
    try:
        codes = services.recovery_codes_regenerate(acting_user=request.user, user=request.user)
    except ServiceError as exc:
        for problem in exc.problems:
            messages.error(request, problem.message)
        return redirect("accounts:two_factor")
    return _codes_page(request, codes, reverse("accounts:two_factor"))


@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if _enrolled_but_unverified(request):
        return redirect("accounts:second_step")
    assert isinstance(request.user, User)
    form = TwoFactorDisableForm(request.POST)
    if form.is_valid():
        try:
            services.two_factor_disable(
                acting_user=request.user, user=request.user, code=form.cleaned_data["code"]
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã tắt xác thực hai bước."))
            return redirect("accounts:two_factor")
    return _two_factor_page(request, form, status=400)


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail address; the same answer whether or not it has an account."""

    template_name = "accounts/password_reset.html"
    form_class = ResetRequestForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["minutes"] = settings.PASSWORD_RESET_TIMEOUT // 60
        return context


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["minutes"] = settings.PASSWORD_RESET_TIMEOUT // 60
        context["per_hour"] = settings.PASSWORD_RESET_PER_HOUR
        return context


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: a new password. It does not sign in (the second factor
    still comes after the password), and works once: the token depends on the password."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    events = selectors.audit_events_visible_to(request.user).select_related("unit")
    action = without_nul(request.GET.get("thao_tac", "")).strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("trang"))
    return render(request, "accounts/audit.html", {"page": page, "action": action})


@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    units = selectors.units_visible_to(request.user, Role.ADMINISTRATOR).filter(
        valid_to__isnull=True
    )
    form = UserCreateForm(request.POST or None, units=units.order_by("path"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_create(
                acting_user=request.user,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password"],
                unit=data["unit"],
                role=data["role"],
                email=data["email"],
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã tạo người dùng."))
            return redirect("accounts:users")
    grants = selectors.grants_visible_to(request.user).filter(revoked_at__isnull=True)
    page = Paginator(grants.order_by("unit__path", "user__username"), 50).get_page(
        request.GET.get("trang")
    )
    return render(request, "accounts/users.html", {"form": form, "page": page})


@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(
        selectors.grants_visible_to(request.user), pk=pk, revoked_at__isnull=True
    )
    services.grant_revoke(acting_user=request.user, grant=grant)
    messages.success(request, _("Đã thu hồi quyền."))
    return redirect("accounts:users")
