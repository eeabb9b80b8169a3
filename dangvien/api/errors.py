"""One shape for every error the API answers, in Vietnamese and English:

    {"error": {"code": "refused",
               "message": {"vi": "…", "en": "…"},
               "rule": {"code": "vote.cell_threshold", "title": "…", "source": "…",
                        "effective_from": "2025-07-01"} | null,
               "problems": [{"field": "votes_for", "row": null,
                             "message": {"vi": "…", "en": "…"}, "rule": {…} | null}]}}

`code` is stable for programs; `message` is for people; `rule` names the regulation a
refusal rests on (the first problem's, when there is one).

The services refuse with messages translated when they are raised, in the active language.
`call_service` runs a write in Vietnamese and, when it is refused, runs it once more in
English inside a transaction that is always rolled back: services check everything before
they write, so the second run meets the same problems and only their language differs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangvien.lib.errors import Problem, ServiceError
from dangvien.rulebook.selectors import Rule

logger = logging.getLogger(__name__)

T = TypeVar("T")
LANGUAGES = ("vi", "en")
# Every status an operation may answer with an error; each is declared in the schema.
ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 422, 429, 500)

MESSAGES: dict[str, Promise] = {
    "bad_request": _("Yêu cầu không hợp lệ."),
    "invalid_cursor": _("Tham số “cursor” không hợp lệ; hãy dùng đúng giá trị “next” đã nhận."),
    "unauthorized": _(
        "Cần đăng nhập: gửi mã truy cập cá nhân trong tiêu đề “Authorization: Bearer …”."
    ),
    "token_invalid": _("Mã truy cập không đúng."),
    "token_expired": _("Mã truy cập đã hết hạn; hãy tạo mã mới."),
    "token_revoked": _("Mã truy cập đã bị thu hồi."),
    "forbidden": _("Bạn không có quyền làm việc này."),
    "not_found": _("Không tìm thấy (hoặc nằm ngoài phạm vi bạn được xem)."),
    "method_not_allowed": _("Địa chỉ này không nhận phương thức %(method)s."),
    "stage_changed": _("Hồ sơ vừa được người khác cập nhật (nay ở bước “%(stage)s”); hãy xem lại."),
    "idempotency_mismatch": _(
        "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng khóa mới."
    ),
    "idempotency_in_progress": _(
        "Một yêu cầu cùng khóa Idempotency-Key đang được xử lý; hãy gửi lại để nhận kết quả."
    ),
    "invalid": _("Dữ liệu gửi lên chưa hợp lệ."),
    "refused": _("Không ghi được: còn điều kiện chưa được đáp ứng."),
    "rule_missing": _("Chưa có quy định nào có hiệu lực vào ngày này (%(rule)s)."),
    "rate_limited": _("Quá nhiều yêu cầu; hãy thử lại sau %(seconds)s giây."),
    "server_error": _("Lỗi hệ thống; thao tác chưa được thực hiện. Hãy báo quản trị viên."),
}

# Vietnamese for what the request validation (pydantic) reports, by its error type.
VALIDATION_MESSAGES: dict[str, Promise] = {
    "missing": _("Thiếu giá trị bắt buộc."),
    "int_parsing": _("Phải là số nguyên."),
    "int_type": _("Phải là số nguyên."),
    "int_from_float": _("Phải là số nguyên."),
    "bool_parsing": _("Phải là true hoặc false."),
    "bool_type": _("Phải là true hoặc false."),
    "date_parsing": _("Phải là ngày dạng YYYY-MM-DD."),
    "date_type": _("Phải là ngày dạng YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Phải là ngày dạng YYYY-MM-DD."),
    "date_from_datetime_inexact": _("Phải là ngày dạng YYYY-MM-DD."),
    "greater_than_equal": _("Phải từ %(ge)s trở lên."),
    "greater_than": _("Phải lớn hơn %(gt)s."),
    "less_than_equal": _("Không được lớn hơn %(le)s."),
    "less_than": _("Phải nhỏ hơn %(lt)s."),
    "string_type": _("Phải là chuỗi ký tự."),
    "string_too_long": _("Dài quá %(max_length)s ký tự."),
    "string_too_short": _("Ngắn hơn %(min_length)s ký tự."),
    "enum": _("Giá trị không nằm trong danh sách cho phép: %(expected)s."),
    "literal_error": _("Giá trị không nằm trong danh sách cho phép: %(expected)s."),
    "list_type": _("Phải là một danh sách."),
    "too_long": _("Nhiều quá %(max_length)s phần tử."),
    "too_short": _("Cần ít nhất %(min_length)s phần tử."),
    "model_type": _("Phải là một đối tượng JSON."),
    "model_attributes_type": _("Phải là một đối tượng JSON."),
    "dict_type": _("Phải là một đối tượng JSON."),
    "extra_forbidden": _("Không có trường này."),
    "json_invalid": _("Nội dung không phải JSON hợp lệ."),
}
DEFAULT_VALIDATION_MESSAGE = _("Giá trị không hợp lệ.")


def _format(message: str | Promise, params: Mapping[str, Any] | None) -> str:
    text = str(message)
    if not params:
        return text
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return text


def in_both(message: str | Promise, params: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The message rendered in each language (a plain string is the same in both)."""
    result: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = _format(message, params)
    return result


def rule_ref(rule: Rule | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return {
        "code": rule.key,
        "title": rule.title,
        "source": rule.source,
        "effective_from": rule.effective_from.isoformat(),
    }


def problem(
    field: str | None,
    message: dict[str, str],
    *,
    row: int | None = None,
    rule: Rule | None = None,
) -> dict[str, Any]:
    return {"field": field, "row": row, "message": message, "rule": rule_ref(rule)}


@dataclass
class ApiError(Exception):
    """An error answer: raise it anywhere in an endpoint."""

    status: int
    code: str
    message: dict[str, str]
    problems: list[dict[str, Any]] = field(default_factory=list)
    rule: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.code)

    def payload(self) -> dict[str, Any]:
        rule = self.rule
        if rule is None:
            rule = next((p["rule"] for p in self.problems if p.get("rule")), None)
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "rule": rule,
                "problems": self.problems,
            }
        }


def api_error(
    status: int,
    code: str,
    params: Mapping[str, Any] | None = None,
    *,
    problems: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> ApiError:
    """An error with the catalogue's message for `code`."""
    return ApiError(
        status, code, in_both(MESSAGES[code], params), list(problems or []), None, headers or {}
    )


def not_found() -> ApiError:
    return api_error(404, "not_found")


def invalid(
    field: str,
    message: str | Promise,
    params: Mapping[str, Any] | None = None,
    *,
    row: int | None = None,
) -> ApiError:
    """A 422 about one field of the request (of one `row` of a list), in the shape of a
    validation error."""
    return api_error(422, "invalid", problems=[problem(field, in_both(message, params), row=row)])


def error_response(error: ApiError) -> HttpResponse:
    """The answer for an error raised outside django-ninja's handlers (unknown paths, a
    method the path does not take)."""
    response = HttpResponse(
        json.dumps(error.payload(), cls=DjangoJSONEncoder, ensure_ascii=False),
        status=error.status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


# --- request validation ---------------------------------------------------------------


def validation_problems(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """django-ninja's validation errors as problems: the field as a dotted path without its
    source (query, path, body), and the index into a list as the row."""
    result = []
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part not in ("query", "path", "body")]
        # The body parameter's own name is not a field the client sent.
        if loc and loc[0] == "payload":
            loc = loc[1:]
        row = next((part for part in loc if isinstance(part, int)), None)
        name = ".".join(str(part) for part in loc if not isinstance(part, int)) or None
        ctx = dict(error.get("ctx") or {})
        message = VALIDATION_MESSAGES.get(str(error.get("type", "")), DEFAULT_VALIDATION_MESSAGE)
        result.append(problem(name, in_both(message, {k: str(v) for k, v in ctx.items()}), row=row))
    return result


# --- service refusals -----------------------------------------------------------------


class _RolledBackError(Exception):
    """Undoes the English re-run of a write that unexpectedly passed the second time."""


def _in_english(write: Callable[[], object]) -> Exception | None:
    try:
        with translation.override("en"), transaction.atomic():
            write()
            raise _RolledBackError
    except (ServiceError, PermissionDenied) as exc:
        return exc
    except _RolledBackError:
        return None
    except Exception:  # the Vietnamese refusal stands; the English text falls back to it
        logger.exception("API: the English re-run of a refused write failed")
        return None


def call_service(
    write: Callable[[], T], *, explain: Callable[[Problem], Rule | None] | None = None
) -> T:
    """Run a service; when it refuses, raise the refusal as an `ApiError` with every problem
    in both languages, each with the rule `explain` finds behind it."""
    with translation.override("vi"):
        try:
            return write()
        except (ServiceError, PermissionDenied) as exc:
            refused: Exception = exc
    english = _in_english(write)
    if isinstance(refused, PermissionDenied):
        vi = str(refused) or in_both(MESSAGES["forbidden"])["vi"]
        en = str(english) if isinstance(english, PermissionDenied) and str(english) else vi
        raise ApiError(403, "forbidden", {"vi": vi, "en": en})
    assert isinstance(refused, ServiceError)
    translated = english.problems if isinstance(english, ServiceError) else []
    same = len(translated) == len(refused.problems) and all(
        a.field == b.field for a, b in zip(translated, refused.problems, strict=False)
    )
    problems = []
    for index, found in enumerate(refused.problems):
        en = translated[index].message if same else found.message
        rule = explain(found) if explain is not None else None
        problems.append(problem(found.field, {"vi": found.message, "en": en}, rule=rule))
    raise api_error(422, "refused", problems=problems)


def rule_cited_in(message: str, rules: Iterable[Rule]) -> Rule | None:
    """The rule whose citation ("title (source)") the message quotes: the rulebook's rules
    are cited that way by every refusal that rests on one."""
    cited = [rule for rule in rules if rule.cite() in message]
    return max(cited, key=lambda rule: len(rule.cite()), default=None)
