"""The page where a user makes and revokes their own API tokens, and the page where an
administrator sees and revokes the tokens of the users of their subtrees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.api.forms import TokenCreateForm
from dangvien.api.selectors import (
    overseen_token_get,
    token_get_for_user,
    tokens_of,
    tokens_overseen_by,
)
from dangvien.api.services import api_token_create, api_token_revoke
from dangvien.lib.errors import ServiceError

OVERSEEN_PAGE_SIZE = 50

# The new secret waits in the session (server-side) for the page after the redirect, which
# shows it once and removes it: reloading the page neither shows it again nor makes a token.
JUST_MADE = "dangvien_api_just_made"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the site's login middleware has let only users in
    return user


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = api_token_create(
                acting_user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            request.session[JUST_MADE] = {"id": new.token.pk, "secret": new.secret}
            return redirect("api_tokens:list")
    context = {
        "form": form,
        "tokens": list(tokens_of(user)),
        "new": request.session.pop(JUST_MADE, None),
        "now": timezone.now(),
    }
    return render(request, "api/tokens.html", context)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = token_get_for_user(request.user, pk)
    api_token_revoke(acting_user=_user(request), token=token)
    messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect("api_tokens:list")


@require_GET
def overseen(request: HttpRequest) -> HttpResponse:
    """Prefix, owner, dates and state of each token: never the secret (not kept) nor its hash."""
    page = Paginator(tokens_overseen_by(request.user), OVERSEEN_PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(request, "api/tokens_overseen.html", {"page": page, "now": timezone.now()})


@require_POST
def overseen_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = overseen_token_get(request.user, pk)
    api_token_revoke(acting_user=_user(request), token=token)
    messages.success(
        request,
        _("Đã thu hồi mã truy cập “%(name)s” của %(user)s.")
        % {"name": token.name, "user": token.user.get_username()},
    )
    return redirect("api_tokens:overseen")
