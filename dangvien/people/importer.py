"""Members and candidates in from a workbook: parse → check every row → one bulk service call.

The file commits whole or not at all: any problem in any row (or in the file) and nothing is
written. Every problem names the Excel row, the column header and the rule.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, actor_user, audit_record
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import has_role, require_role
from dangvien.lib.dates import DateFormatError, parse_date, parse_partial_date
from dangvien.lib.db import LockSpace, session_lock_held, without_nul
from dangvien.lib.errors import Problem, ServiceError
from dangvien.lib.vntext import fold
from dangvien.lib.xlsx import MAX_DATA_ROWS, WorkbookError, read_first_sheet
from dangvien.orgs.models import Unit, UnitKind
from dangvien.people.columns import Column, columns_for
from dangvien.people.models import Category, ImportJob, Person, Status
from dangvien.people.services import NewPerson, PersonData, people_bulk_create, person_problems
from dangvien.rulebook.selectors import rules_cached

KINDS = ("members", "candidates")
_PROGRESS_EVERY = 500
_SPLIT = re.compile(r"[;,\n]")
_MALE = {"nam", "m", "male", "trai"}
_FEMALE = {"nu", "f", "female", "gai"}


@dataclass(frozen=True)
class RowProblem:
    row: int  # the Excel row number (the header is row 1); 0 for the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    total_rows: int
    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    dry_run: bool = True
    # The created people's ids in the file's row order, when the caller asked (`keep_ids`).
    person_ids: list[int] = field(default_factory=list)


def header_key(text: str) -> str:
    """A header folded for matching: no case, tone marks, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", fold(text))


def _category_key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", fold(text)).strip()


def _text(value: Any) -> str:
    """A cell as text: whole numbers lose their ".0", dates become dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    # A NUL (an invisible _x0000_ in the sheet's XML) means nothing in a cell.
    return " ".join(without_nul(str(value)).split())


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Catalogue:
    """Categories of every kind, reachable by folded code, name or alias."""

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, Category]] = {}
        for category in Category.objects.filter(active=True).order_by("kind", "rank", "code"):
            keys = [category.code, category.name, *category.aliases.splitlines()]
            if category.code.isdigit():
                keys.append(category.code.lstrip("0") or "0")
            found = self.by_kind.setdefault(category.kind, {})
            for key in keys:
                folded = _category_key(key)
                if folded:
                    found.setdefault(folded, category)

    def find(self, kind: str, text: str) -> Category | None:
        return self.by_kind.get(kind, {}).get(_category_key(text))


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    problems: list[RowProblem] = field(default_factory=list)


class _Parser:
    def __init__(self, *, acting_user: Actor, unit: Unit, kind: str, today: date) -> None:
        self.acting_user = acting_user
        self.kind = kind
        self.today = today
        self.catalogue = _Catalogue()
        self.cells: dict[str, Unit] = {}
        for cell in Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.CELL):
            self.cells.setdefault(cell.code.strip().upper(), cell)
            self.cells.setdefault("name:" + _category_key(cell.name), cell)
        self.root = unit
        self.editable: dict[int, bool] = {}

    def _problem(self, row: _Row, column: Column, message: str) -> None:
        row.problems.append(RowProblem(row.number, column.header, message))

    def _cell(self, row: _Row, column: Column, value: Any) -> Unit | None:
        text = _text(value)
        cell = self.cells.get(text.upper()) or self.cells.get("name:" + _category_key(text))
        if cell is None:
            self._problem(
                row,
                column,
                _("Không có chi bộ mã “%(code)s” trong %(unit)s.")
                % {"code": text, "unit": self.root.name},
            )
            return None
        if not cell.is_active:
            self._problem(row, column, _("%(unit)s đã chấm dứt hoạt động.") % {"unit": cell.name})
            return None
        if cell.pk not in self.editable:
            self.editable[cell.pk] = self.acting_user is None or has_role(
                self.acting_user, cell, Role.EDITOR
            )
        if not self.editable[cell.pk]:
            self._problem(
                row,
                column,
                _("Bạn không có quyền nhập liệu cho %(unit)s.") % {"unit": cell.name},
            )
            return None
        return cell

    def parse(self, row: _Row, columns: list[Column]) -> tuple[PersonData, Unit] | None:
        """The row's record and cell, or None (with problems on the row)."""
        values: dict[str, Any] = {}
        cell: Unit | None = None
        for column in columns:
            raw = row.values.get(column.key)
            if _is_empty(raw):
                if column.required:
                    self._problem(row, column, _("Cột bắt buộc, chưa điền."))
                continue
            try:
                parsed = self._value(row, column, raw)
            except (DateFormatError, ValueError, OverflowError):
                parsed = None
                self._problem(row, column, self._format_message(column, raw))
            if column.key == "unit":
                cell = self._cell(row, column, raw)
            elif parsed is not None:
                values[column.key] = parsed
        if row.problems or cell is None:
            return None
        data = PersonData(**values)
        for problem in person_problems(data, status=self.status(data), today=self.today):
            self._record_problem(row, columns, problem)
        return None if row.problems else (data, cell)

    def _record_problem(self, row: _Row, columns: list[Column], problem: Problem) -> None:
        header = next((c.header for c in columns if c.key == problem.field), "")
        row.problems.append(RowProblem(row.number, header, problem.message))

    def status(self, data: PersonData) -> str:
        if self.kind == "candidates":
            return Status.CANDIDATE
        return Status.OFFICIAL if data.official_date else Status.PROBATIONARY

    def status_since(self, data: PersonData) -> date:
        return data.official_date or data.ceremony_date or self.today

    def _format_message(self, column: Column, raw: Any) -> str:
        shown = _text(raw)[:60]
        if column.type == "birth":
            return _("“%(value)s” không phải ngày sinh: ghi dd/mm/yyyy, mm/yyyy hoặc yyyy.") % {
                "value": shown
            }
        if column.type == "date":
            return _("“%(value)s” không phải ngày: ghi dd/mm/yyyy.") % {"value": shown}
        return _("Giá trị “%(value)s” không đọc được.") % {"value": shown}

    def _value(self, row: _Row, column: Column, raw: Any) -> Any:
        if column.type == "birth":
            birth = parse_partial_date(raw.strip() if isinstance(raw, str) else raw)
            if birth.year < 1800:
                raise ValueError(str(raw))
            return birth
        if column.type == "date":
            return parse_date(raw.strip() if isinstance(raw, str) else raw)
        if column.type == "sex":
            folded = _category_key(_text(raw))
            if folded in _MALE:
                return "M"
            if folded in _FEMALE:
                return "F"
            self._problem(
                row,
                column,
                _("“%(value)s”: giới tính phải là Nam hoặc Nữ.") % {"value": _text(raw)[:60]},
            )
            return None
        if column.type == "category":
            category = self.catalogue.find(column.category, _text(raw))
            if category is None:
                self._unknown_category(row, column, _text(raw))
            return category
        if column.type == "categories":
            found: list[Category] = []
            for part in _SPLIT.split(_text(raw)):
                if not part.strip():
                    continue
                category = self.catalogue.find(column.category, part)
                if category is None:
                    self._unknown_category(row, column, part.strip())
                elif category not in found:
                    found.append(category)
            return tuple(found)
        if column.key == "citizen_id":
            return self._citizen_id(row, column, raw)
        text = _text(raw)
        limit = getattr(Person._meta.get_field(column.key), "max_length", None)
        if limit and len(text) > limit:
            self._problem(row, column, _("Dài quá %(n)s ký tự.") % {"n": limit})
            return None
        return text

    def _unknown_category(self, row: _Row, column: Column, text: str) -> None:
        self._problem(
            row,
            column,
            _("“%(value)s” không có trong danh mục %(list)s (ghi mã, tên hoặc cách viết khác).")
            % {"value": text[:60], "list": column.header},
        )

    def _citizen_id(self, row: _Row, column: Column, raw: Any) -> str | None:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            digits = _text(raw)
            if not digits.isdigit() or len(digits) < 12:
                self._problem(
                    row,
                    column,
                    _(
                        "Số CCCD %(value)s ở ô dạng số nên có thể đã mất số 0 ở đầu; "
                        "hãy nhập cột này dạng văn bản (Text), đủ 12 chữ số."
                    )
                    % {"value": digits[:20]},
                )
                return None
            return digits
        return re.sub(r"\s+", "", _text(raw))


def _file_problem(message: str) -> RowProblem:
    return RowProblem(0, "", message)


def _match_headers(
    header_row: list[Any], columns: list[Column]
) -> tuple[dict[int, Column], list[RowProblem]]:
    keys: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            keys.setdefault(header_key(name), column)
    positions: dict[int, Column] = {}
    seen: set[str] = set()
    for index, value in enumerate(header_row):
        matched = keys.get(header_key(_text(value)))
        if matched is not None and matched.key not in seen:
            seen.add(matched.key)
            positions[index] = matched
    missing = [c.header for c in columns if c.required and c.key not in seen]
    if missing:
        return positions, [
            RowProblem(
                0,
                "",
                _("Thiếu cột bắt buộc: %(columns)s (dòng 1 phải là dòng tiêu đề).")
                % {"columns": ", ".join(missing)},
            )
        ]
    return positions, []


def _same_name(full_name: str) -> str:
    """Names compared for duplicates: case and spacing ignored, tone marks kept ("Ân" and
    "An" are different people; a search ignores tones, a duplicate check must not)."""
    return " ".join(unicodedata.normalize("NFC", full_name).lower().split())


def _duplicates(
    parsed: list[tuple[_Row, PersonData, Unit]],
    unit: Unit,
    columns: list[Column],
    acting_user: Actor,
) -> list[RowProblem]:
    """The same person twice in the file, or already in the database."""
    header = {c.key: c.header for c in columns}
    problems: list[RowProblem] = []
    by_id: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}
    for row, data, _cell in parsed:
        if data.citizen_id:
            first = by_id.setdefault(data.citizen_id, row.number)
            if first != row.number:
                problems.append(
                    RowProblem(
                        row.number,
                        header["citizen_id"],
                        _("Số CCCD %(id)s trùng với dòng %(first)s.")
                        % {"id": data.citizen_id, "first": first},
                    )
                )
        name_key = (_same_name(data.full_name), data.birth.display())
        first = by_name.setdefault(name_key, row.number)
        if first != row.number:
            problems.append(
                RowProblem(
                    row.number,
                    header["full_name"],
                    _("Trùng họ tên và ngày sinh với dòng %(first)s.") % {"first": first},
                )
            )
    ids = list(by_id)
    taken: dict[str, Person] = {}
    for start in range(0, len(ids), 1000):
        for person in Person.objects.filter(
            citizen_id__in=ids[start : start + 1000]
        ).select_related("unit"):
            taken[person.citizen_id or ""] = person
    names = {fold(key[0])[:200] for key in by_name}
    existing: dict[tuple[str, str], Person] = {}
    name_list = sorted(names)
    for start in range(0, len(name_list), 1000):
        for person in Person.objects.filter(
            unit__path__startswith=unit.path, search_text__in=name_list[start : start + 1000]
        ).select_related("unit"):
            existing.setdefault((_same_name(person.full_name), person.birth_display), person)

    def visible(person: Person) -> bool:
        # A person outside what the user may see is not named (nor their cell).
        return acting_user is None or has_role(acting_user, person.unit, Role.VIEWER)

    for row, data, _cell in parsed:
        if data.citizen_id and data.citizen_id in taken:
            person = taken[data.citizen_id]
            if visible(person):
                message = _("Số CCCD %(id)s đã có trong hệ thống: %(name)s (%(unit)s).") % {
                    "id": data.citizen_id,
                    "name": person.full_name,
                    "unit": person.unit.code,
                }
            else:
                message = _("Số CCCD %(id)s đã có trong hệ thống (ở đơn vị khác).") % {
                    "id": data.citizen_id
                }
            problems.append(RowProblem(row.number, header["citizen_id"], message))
        person_found = existing.get((_same_name(data.full_name), data.birth.display()))
        if person_found is not None and not visible(person_found):
            problems.append(
                RowProblem(
                    row.number,
                    header["full_name"],
                    _("Đã có người trùng họ tên và ngày sinh (ở đơn vị khác)."),
                )
            )
        elif person_found is not None:
            problems.append(
                RowProblem(
                    row.number,
                    header["full_name"],
                    _("Đã có %(name)s, sinh %(birth)s, ở %(unit)s: trùng họ tên và ngày sinh.")
                    % {
                        "name": person_found.full_name,
                        "birth": person_found.birth_display,
                        "unit": person_found.unit.code,
                    },
                )
            )
    return problems


def import_people(
    *,
    acting_user: Actor,
    unit: Unit,
    kind: str,
    content: bytes,
    dry_run: bool,
    on_progress: Callable[[int, int], None] | None = None,
    max_rows: int = MAX_DATA_ROWS,
    keep_ids: bool = False,
) -> ImportReport:
    """Check a workbook of members or candidates for the subtree of `unit`, and (unless
    `dry_run`, and only when no row has a problem) add every row in one transaction.

    With `keep_ids` the report lists the created people's ids (the API answers with them);
    the page's files of 100,000 rows keep only their number."""
    # The cyclic garbage collector rescans every live object each time it runs; with the
    # hundreds of thousands of cells and records an import holds (none of them in cycles) that
    # made the time grow faster than the rows. It is paused for the import and restored after.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _import_people(
            acting_user=acting_user,
            unit=unit,
            kind=kind,
            content=content,
            dry_run=dry_run,
            on_progress=on_progress,
            max_rows=max_rows,
            keep_ids=keep_ids,
        )
    finally:
        if was_enabled:
            gc.enable()


def _import_people(
    *,
    acting_user: Actor,
    unit: Unit,
    kind: str,
    content: bytes,
    dry_run: bool,
    on_progress: Callable[[int, int], None] | None = None,
    max_rows: int = MAX_DATA_ROWS,
    keep_ids: bool = False,
) -> ImportReport:
    """Check a workbook of members or candidates for the subtree of `unit`, and (unless
    `dry_run`, and only when no row has a problem) add every row in one transaction."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    try:
        rows = read_first_sheet(content, max_rows=max_rows)
    except WorkbookError as error:
        return ImportReport(0, [_file_problem(str(error))], 0, dry_run)
    # Rows after the header that hold anything; trailing and blank rows are skipped.
    columns = columns_for(kind)
    if not rows or all(_is_empty(v) for v in rows[0]):
        return ImportReport(
            0,
            [_file_problem(_("Trang đầu của bảng tính không có dòng tiêu đề (dòng 1)."))],
            0,
            dry_run,
        )
    positions, header_problems = _match_headers(rows[0], columns)
    if header_problems:
        return ImportReport(0, header_problems, 0, dry_run)
    data_rows = [
        _Row(number, {c.key: values[i] for i, c in positions.items() if i < len(values)})
        for number, values in enumerate(rows[1:], start=2)
        if any(not _is_empty(values[i]) for i in positions if i < len(values))
    ]
    del rows
    total = len(data_rows)
    report = ImportReport(total, [], 0, dry_run)
    if total == 0:
        report.problems.append(_file_problem(_("Bảng tính không có dòng dữ liệu nào.")))
        return report

    def progress(done: int) -> None:
        if on_progress is not None:
            on_progress(done, total)

    # A dry run writes nothing and holds no lock (its progress is visible as it goes); the
    # real run checks and writes in one transaction.
    with nullcontext() if dry_run else transaction.atomic(), rules_cached():
        parser = _Parser(acting_user=acting_user, unit=unit, kind=kind, today=timezone.localdate())
        parsed: list[tuple[_Row, PersonData, Unit]] = []
        progress(0)
        for done, row in enumerate(data_rows, start=1):
            try:
                result = parser.parse(row, columns)
            except ServiceError as error:
                result = None
                row.problems += [RowProblem(row.number, "", p.message) for p in error.problems]
            report.problems += row.problems
            row.values = {}  # the raw cells are no longer needed: 100,000 rows add up
            if result is not None:
                parsed.append((row, *result))
            if done % _PROGRESS_EVERY == 0:
                progress(done)
        progress(total)
        report.problems += _duplicates(parsed, unit, columns, acting_user)
        report.problems.sort(key=lambda p: (p.row, p.column))
        if report.problems or dry_run:
            return report
        entries = [
            NewPerson(data, cell, parser.status(data), parser.status_since(data))
            for _row, data, cell in parsed
        ]
        try:
            with transaction.atomic():
                created = people_bulk_create(
                    acting_user=acting_user,
                    entries=entries,
                    keep_instances=keep_ids,
                    # Every row is counted already; each batch written is a sign of life
                    # (`import_job_stalled`), the writing being half of a long commit.
                    on_progress=lambda _written: progress(total),
                )
        except ServiceError as error:
            header = {c.key: c.header for c in columns}
            report.problems += [
                RowProblem(0, header.get(p.field, ""), p.message) for p in error.problems
            ]
            return report
        except PermissionDenied as error:
            report.problems.append(_file_problem(str(error)))
            return report
        report.created = len(entries)
        report.person_ids = [person.pk for person in created]
        return report


# --- import jobs (the web page's background checks) -----------------------------------


def import_job_create(
    *, acting_user: Actor, unit: Unit, kind: str, file_name: str, content: bytes
) -> ImportJob:
    """Record an uploaded workbook, to be checked and then committed by background tasks."""
    if kind not in KINDS:
        raise ServiceError([Problem("kind", _("Loại danh sách không hợp lệ."))])
    with transaction.atomic():
        require_role(acting_user, unit, Role.EDITOR)
        job = ImportJob.objects.create(
            kind=kind,
            unit=unit,
            file_name=file_name[:200],
            content=content,
            created_by=actor_user(acting_user),
        )
        audit_record(
            actor=acting_user,
            action="import.upload",
            target=job,
            unit=unit,
            changes={"file_name": file_name[:200], "kind": kind, "size": len(content)},
        )
    return job


def import_job_stalled(job: ImportJob, now: datetime) -> bool:
    """Whether the job's background task was interrupted: running, no sign of life for
    `IMPORT_STALL_MINUTES` (`ImportJob.stalled`), and, on PostgreSQL, no commit holding the
    job's session lock (`tasks.import_commit`): a commit that waits inside its transaction
    for longer than that is still alive, and must not be abandoned and then finish."""
    return job.stalled(now, settings.IMPORT_STALL_MINUTES) and not session_lock_held(
        LockSpace.IMPORT_JOB, job.pk
    )


def import_job_abandon(*, acting_user: Actor, job: ImportJob) -> ImportJob:
    """Close a job whose background task was interrupted (`import_job_stalled`): it is marked
    as not imported, the uploaded file (personal data) is dropped, and the unit's editor may
    upload the file again. Nothing of the file was written: an import is one transaction.
    A job still showing signs of life is refused."""
    minutes = settings.IMPORT_STALL_MINUTES
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("unit").get(pk=job.pk)
        require_role(acting_user, job.unit, Role.EDITOR)
        if not import_job_stalled(job, timezone.now()):
            raise ServiceError(
                [
                    Problem(
                        "state",
                        _("Lần nhập này chưa dừng quá %(n)s phút (hoặc đã xong): chưa thể bỏ.")
                        % {"n": minutes},
                    )
                ]
            )
        before = job.state
        job.state = ImportJob.State.FAILED
        job.content = b""
        interrupted = _(
            "Lần nhập bị gián đoạn (máy chủ khởi động lại hoặc tiến trình nền dừng): chưa ghi "
            "dòng nào. Hãy gửi lại tệp."
        )
        job.problems = [{"row": 0, "column": "", "message": interrupted}]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "content", "problems", "finished_at"])
        audit_record(
            actor=acting_user,
            action="import.abandon",
            target=job,
            unit=job.unit,
            changes={"state": [before, job.state]},
        )
    return job
