from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from dangvien.accounts.audit import audit_record
from dangvien.accounts.middleware import session_refreshed
from dangvien.accounts.two_factor import forget_gate


@receiver(user_logged_in)
def _audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", target=user, unit=None)
    if request is not None and hasattr(request, "session"):
        # A new password login: whether a second factor is due is decided again.
        forget_gate(request)
        # The login writes the session: its idle expiry was just set.
        session_refreshed(request)


@receiver(user_logged_out)
def _audit_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", target=user, unit=None)
