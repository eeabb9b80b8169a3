"""What the command-line verbs share about units and input files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext as _

from dangvien.lib.db import holds_nul
from dangvien.lib.numbers import grouped
from dangvien.orgs.models import Unit


def unit_by_code(code: str) -> Unit:
    """The unit a `--unit CODE` names (the operator's command line sees the whole tree)."""
    code = (code or "").strip()
    if not code:
        raise CommandError(_("Cần mã đơn vị: --unit MÃ."))
    unit = None if holds_nul(code) else Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(_("Không có đơn vị mã “%(code)s”.") % {"code": code})
    return unit


def read_input(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(_("Không đọc được tệp: %(error)s") % {"error": error}) from None


class RowProblem(Protocol):
    @property
    def row(self) -> int | None: ...
    @property
    def column(self) -> str: ...
    @property
    def message(self) -> str: ...


def write_row_problems(out: OutputWrapper, problems: Sequence[RowProblem], total_rows: int) -> None:
    """Each problem of an import as "dòng 7 [Ngày sinh]: …", then refuse the whole file."""
    for problem in problems:
        where = _("dòng %(row)s") % {"row": problem.row} if problem.row else _("cả tệp")
        column = f" [{problem.column}]" if problem.column else ""
        out.write(f"{where}{column}: {problem.message}")
    if problems:
        raise CommandError(
            _("%(n)s lỗi trong %(rows)s dòng; không ghi dòng nào.")
            % {"n": grouped(len(problems)), "rows": grouped(total_rows)}
        )


def checked_message(total_rows: int) -> str:
    """What a dry run of an import says when the file has no problem."""
    return _("Đã kiểm tra %(n)s dòng: không có lỗi (chưa ghi).") % {"n": grouped(total_rows)}
