"""How the API reads a request's JSON body and query string: as django-ninja does, then
refused whole (400, in the one error shape) when any string in it holds a NUL character.

PostgreSQL's text cannot hold NUL (SQLite's can), so such a value would fail in the
database, after the endpoint had begun its work, as a server error on one engine and not
the other. JSON allows it ("\\u0000"), and so do the schemas' plain strings and choices;
refusing it here, once, before any endpoint runs, covers every operation and every field,
the ones added later too. The field is named the way validation errors name theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from ninja.parser import Parser

from dangvien.api.errors import ApiError, api_error, in_both, problem
from dangvien.lib.db import JsonPath, nul_paths

NUL_MESSAGE = _(
    "Có ký tự NUL (\\u0000): cơ sở dữ liệu không lưu được ký tự này; hãy bỏ nó đi rồi gửi lại."
)


def nul_error(paths: Sequence[JsonPath]) -> ApiError:
    """The 400 naming each field (a dotted path, the index into a list as its row)."""
    problems = []
    for path in paths:
        row = next((part for part in path if isinstance(part, int)), None)
        name = ".".join(_shown(part) for part in path if not isinstance(part, int)) or None
        problems.append(problem(name, in_both(NUL_MESSAGE), row=row))
    return api_error(400, "bad_request", problems=problems)


def _shown(part: str | int) -> str:
    # A key that itself holds NUL is named with the NUL written out, as JSON writes it.
    return str(part).replace("\x00", "\\u0000")


def refuse_nul(value: Any) -> None:
    paths = list(nul_paths(value))
    if paths:
        raise nul_error(paths)


class NulRefusingParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        # django-ninja turns whatever this raises into its own 400 "Cannot parse request
        # body", raised from it; the API's handler of that error answers this one instead.
        refuse_nul(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        values = {key: data.getlist(key) for key in data}
        refuse_nul({key: v[0] if len(v) == 1 else v for key, v in values.items()})
        return super().parse_querydict(data, list_fields, request)
