"""Who the request acts as and what they may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import role_on, root_units_for
from dangvien.api.auth import READ_AUTH, token_of
from dangvien.api.outputs import unit_ref
from dangvien.api.schemas import MeOut, answers

router = Router(tags=["Tài khoản"])


@router.get(
    "/me",
    response=answers(200, MeOut),
    auth=READ_AUTH,
    summary="Người dùng của mã truy cập và các đơn vị được giao",
)
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    grants = []
    for unit in root_units_for(user):
        role = role_on(user, unit)
        if role is not None:
            grants.append(
                {"unit": unit_ref(unit), "role": role, "role_label": str(Role(role).label)}
            )
    token = token_of(request)
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "grants": grants,
        "token_name": token.name if token else None,
        "token_expires": token.expires if token else None,
    }
