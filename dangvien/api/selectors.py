"""Reads of API tokens: a user's own tokens, the tokens an administrator oversees, and the
token a request's secret names."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangvien.accounts.selectors import AnyUser, grants_visible_to
from dangvien.api.models import ApiToken


def secret_hash(secret: str) -> str:
    """What is stored of a secret: its SHA-256, hex. A token is looked up by it, so no
    comparison of secrets ever happens (and none can leak timing)."""
    return hashlib.sha256(secret.encode("utf-8", errors="surrogatepass")).hexdigest()


def tokens_of(user: AnyUser) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first. Tokens are personal: nobody else lists them."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created", "-id")


def token_get_for_user(user: AnyUser, pk: Any) -> ApiToken:
    """One of the user's own tokens, or 404 (another user's token does not exist for them)."""
    try:
        return tokens_of(user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy mã truy cập.")) from None


def tokens_overseen_by(user: AnyUser) -> QuerySet[ApiToken]:
    """The tokens of the users who hold a grant in the user's administrator subtrees (the
    users the accounts page lists for them), with their owner, newest first. An administrator
    sees that such a token exists and may stop it; its secret is never kept, and its hash is
    not for showing."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    owners = grants_visible_to(user).filter(revoked_at__isnull=True).values("user_id")
    return (
        ApiToken.objects.filter(user_id__in=owners)
        .select_related("user")
        .order_by("-created", "-id")
    )


def overseen_token_get(user: AnyUser, pk: Any) -> ApiToken:
    """One token the administrator oversees, or 404 (another subtree's token does not exist
    for them)."""
    try:
        return tokens_overseen_by(user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy mã truy cập.")) from None


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, with its user, whatever its state (the caller says
    why it is refused: expired, revoked or unknown)."""
    if not secret or len(secret) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(hash=secret_hash(secret)).first()
