"""Members or candidates in from a workbook, through the importer the import page uses: the
same workbook safety checks, the same row checks, and the whole file or nothing.

The page checks and commits in background tasks, with a progress bar, because a province's
file may hold 100,000 rows. The API runs the import inside the request instead, so a
program gets the created ids or every problem in one answer; it therefore takes files of at
most `MAX_ROWS` rows (the workbook check refuses more, naming the limit) and leaves larger
files to the page.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import require_role, unit_get_for_user
from dangvien.admission.rules import RULE_KEYS
from dangvien.api.auth import WRITE_AUTH
from dangvien.api.errors import (
    ApiError,
    api_error,
    call_service,
    in_both,
    problem,
    rule_cited_in,
)
from dangvien.api.idempotency import answered_once
from dangvien.api.outputs import unit_ref
from dangvien.api.schemas import Id, ImportOut, answers
from dangvien.lib.xlsx import MAX_UPLOAD_BYTES
from dangvien.orgs.models import Unit
from dangvien.people.columns import columns_for
from dangvien.people.importer import ImportReport, RowProblem, import_people
from dangvien.people.models import ImportJob
from dangvien.rulebook.selectors import Rule, RuleMissingError, rule_in_force

router = Router(tags=["Nhập từ Excel"])

# Data rows a file sent to the API may hold (measured: see docs/api.md).
MAX_ROWS = 2000
# The rules a row's problem may cite: the record's own (citizen ID) besides the admission's.
CITED_RULES = ("person.citizen_id_digits", *RULE_KEYS)
FILE_FIELD = "file"


def _rules_in_force(on: date) -> list[Rule]:
    found = []
    for key in CITED_RULES:
        try:
            found.append(rule_in_force(key, on))
        except RuleMissingError:
            continue
    return found


def _refusal(kind: str, vi: list[RowProblem], en: list[RowProblem]) -> ApiError:
    """The file's problems in the one error shape: `row` the Excel row (null for the file as
    a whole), `field` the column's key in the template (`file` for the file as a whole)."""
    keys = {column.header: column.key for column in columns_for(kind)}
    same = [(p.row, p.column) for p in en] == [(p.row, p.column) for p in vi]
    rules = _rules_in_force(timezone.localdate())
    problems = []
    for index, found in enumerate(vi):
        field = keys.get(found.column) or (FILE_FIELD if found.row == 0 else None)
        message = {"vi": found.message, "en": en[index].message if same else found.message}
        rule = rule_cited_in(found.message, rules)
        problems.append(problem(field, message, row=found.row or None, rule=rule))
    return api_error(422, "refused", problems=problems)


def _import(request: HttpRequest, unit: Unit, kind: str, content: bytes) -> dict[str, Any]:
    def run(dry_run: bool) -> ImportReport:
        return import_people(
            acting_user=request.user,
            unit=unit,
            kind=kind,
            content=content,
            dry_run=dry_run,
            max_rows=MAX_ROWS,
            keep_ids=True,
        )

    with translation.override("vi"):
        report = run(dry_run=False)
    if report.problems:
        # The importer words its problems in the active language: a dry run in English (it
        # writes nothing) meets the same problems.
        with translation.override("en"):
            english = run(dry_run=True).problems
        raise _refusal(kind, report.problems, english)
    return ImportOut.model_validate(
        {
            "kind": kind,
            "unit": unit_ref(unit),
            "created": report.created,
            "person_ids": report.person_ids,
        }
    ).model_dump(mode="json")


@router.post(
    "/imports/{kind}",
    response=answers(201, ImportOut, write=True),
    auth=WRITE_AUTH,
    summary="Nhập danh sách đảng viên (members) hoặc quần chúng (candidates) từ tệp Excel",
    description=f"Tệp .xlsx theo mẫu của trang Nhập từ Excel, tối đa {MAX_ROWS} dòng dữ liệu "
    f"và {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; tệp lớn hơn hãy nhập ở trang web. Mỗi dòng "
    "ghi mã chi bộ trong cây của đơn vị `unit`; cần vai trò nhập liệu. Cả tệp được ghi, hoặc "
    "(khi có một lỗi bất kỳ) không dòng nào: lỗi nêu dòng Excel (row), cột (field) và quy "
    "định. Nhận tiêu đề Idempotency-Key để gửi lại an toàn.",
)
def people_import(
    request: HttpRequest,
    response: HttpResponse,
    kind: ImportJob.Kind,
    unit: Annotated[Id, Form(description="Đơn vị (chi bộ hoặc cấp trên) mà tệp nhập vào.")],
    file: Annotated[UploadedFile, File(description="Tệp Excel (.xlsx).")],
) -> Status[dict[str, Any]]:
    found = unit_get_for_user(request.user, unit)
    call_service(lambda: require_role(request.user, found, Role.EDITOR))
    size = file.size or 0
    if size > MAX_UPLOAD_BYTES:
        # Refused before it is read, in the words of the workbook check.
        sizes = {"size": size // (1024 * 1024), "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        message = in_both(_("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB."), sizes)
        raise api_error(422, "refused", problems=[problem(FILE_FIELD, message)])
    content = file.read()
    body = {"kind": str(kind), "unit": unit, "sha256": hashlib.sha256(content).hexdigest()}
    return answered_once(
        request, response, body, lambda: _import(request, found, str(kind), content)
    )
