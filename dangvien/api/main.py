"""The open API, version 1 (`/api/v1/`): its routers, its error handlers and its URLs.

The schema is served at `/api/v1/openapi.json` and kept in the repository as
`docs/openapi.json` (`dangvien api-schema > docs/openapi.json`). No documentation page is
served: django-ninja's loads its scripts from a CDN, and the party's intranets are offline.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from dangvien.api.endpoints import (
    alerts,
    cases,
    imports,
    me,
    people,
    reports,
    targets,
    training,
    units,
)
from dangvien.api.errors import (
    MESSAGES,
    ApiError,
    api_error,
    error_response,
    in_both,
    not_found,
    problem,
    validation_problems,
)
from dangvien.api.parser import NulRefusingParser, nul_error
from dangvien.lib.db import holds_nul
from dangvien.lib.errors import ServiceError
from dangvien.rulebook.selectors import RuleMissingError

logger = logging.getLogger(__name__)

DESCRIPTION = """\
API mở của hệ thống phát triển đảng viên. Mỗi yêu cầu mang mã truy cập cá nhân trong tiêu
đề `Authorization: Bearer <mã>` (tạo và thu hồi ở trang Tài khoản › Mã truy cập API); mã
truy cập thấy và làm đúng những gì người dùng của nó được làm. Mọi lỗi có cùng một dạng
`{"error": {"code", "message": {"vi", "en"}, "rule", "problems"}}`. Xem docs/api.md.
"""


class DangvienAPI(NinjaAPI):
    """NinjaAPI whose URLs answer every error in the API's shape: the views are marked as
    handling their own sign-in (the site's login redirect is for pages), a method a path
    does not take is a 405 in the shape, and an unknown path under the API is a 404 in it."""

    def get_openapi_operation_id(self, operation: Any) -> str:
        # The endpoint's own name (unique across the routers): short and stable.
        return str(operation.view_func.__name__)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns: list[URLResolver | URLPattern] = []
        for entry in super()._get_urls():
            assert isinstance(entry, URLPattern)
            patterns.append(
                URLPattern(entry.pattern, _api_view(entry.callback), entry.default_args, entry.name)
            )
        patterns.append(re_path(r"^.*$", _api_view(_unknown_path), name="unknown"))
        return patterns


def _api_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # A path's own values (a period in the path) are not read by the parser.
        nul = [
            (name,) for name, value in kwargs.items() if isinstance(value, str) and holds_nul(value)
        ]
        if nul:
            return error_response(nul_error(nul))
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # the API's root path, which django-ninja answers with a bare 404
            return error_response(not_found())
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            error = api_error(405, "method_not_allowed", {"method": request.method})
            error.headers["Allow"] = response.get("Allow", "")
            return error_response(error)
        return response

    wrapped.login_required = False  # type: ignore[attr-defined]
    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(not_found())


class _Renderer(JSONRenderer):
    # Vietnamese as it is, not as \\u escapes: the answers stay readable in a terminal.
    json_dumps_params = {"ensure_ascii": False}


api = DangvienAPI(
    title="dangvien API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,
    renderer=_Renderer(),
    parser=NulRefusingParser(),
)
for router in (
    me.router,
    units.router,
    people.router,
    cases.router,
    training.router,
    imports.router,
    targets.router,
    reports.router,
    alerts.router,
):
    api.add_router("", router)


# --- every error in one shape ---------------------------------------------------------


def _answer(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = api.create_response(request, error.payload(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _answer(request, exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _answer(request, api_error(422, "invalid", problems=validation_problems(exc.errors)))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _answer(request, not_found())


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _answer(request, api_error(403, "forbidden"))


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    error = api_error(401, "unauthorized")
    error.headers["WWW-Authenticate"] = "Bearer"
    return _answer(request, error)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, ApiError):  # the parser's refusal (a NUL in the body)
        return _answer(request, exc.__cause__)
    # django-ninja's own: a body that is not JSON (400) and the like.
    codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found"}
    code = codes.get(exc.status_code, "bad_request")
    return _answer(request, ApiError(exc.status_code, code, in_both(MESSAGES[code])))


@api.exception_handler(ServiceError)
def _refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    # Endpoints call services through `call_service`; a refusal that reaches here anyway
    # is reported in the language it was raised in.
    problems = [problem(p.field, {"vi": p.message, "en": p.message}) for p in exc.problems]
    return _answer(request, api_error(422, "refused", problems=problems))


@api.exception_handler(RuleMissingError)
def _rule_missing(request: HttpRequest, exc: RuleMissingError) -> HttpResponse:
    return _answer(request, api_error(422, "rule_missing", {"rule": str(exc)}))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API: unexpected error on %s %s", request.method, request.path)
    return _answer(request, api_error(500, "server_error"))
