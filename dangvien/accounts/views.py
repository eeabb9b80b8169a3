"""Login, the audit view and user management, all scoped to the administrator's subtree."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts import selectors, services
from dangvien.accounts.forms import LoginForm, UserCreateForm
from dangvien.accounts.models import Role
from dangvien.lib.errors import ServiceError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    events = selectors.audit_events_visible_to(request.user).select_related("unit")
    action = request.GET.get("thao_tac", "").strip()
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
