"""`dangvien import` and `dangvien export` from a shell."""

from __future__ import annotations

import io
from importlib import import_module
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dangvien.people.models import Person
from tests.conftest import World
from tests.people.factories import make_people
from tests.people.test_import import row, workbook


def test_progress_bar() -> None:
    progress_bar = import_module("dangvien.people.management.commands.import").progress_bar
    assert progress_bar(5000, 10000, width=10) == "[#####     ] 5000/10000"
    assert progress_bar(0, 0, width=4) == "[####] 0/0"


def test_import_command_dry_run_then_commit(world: World, tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_bytes(workbook([row("Nguyễn Thị An"), row("Trần Văn Bình")]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "members", str(path), "--unit", "QN.TK.AM", "--dry-run",
                 stdout=out, stderr=err)  # fmt: skip
    assert "2/2" in err.getvalue()
    assert "#" in err.getvalue()
    assert "không có lỗi" in out.getvalue()
    assert not Person.objects.exists()
    call_command("import", "members", str(path), "--unit", "QN.TK.AM", stdout=out, stderr=err)
    assert Person.objects.count() == 2
    assert "Đã ghi 2 người" in out.getvalue()


def test_import_command_lists_problems_and_fails(world: World, tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_bytes(workbook([row("Nguyễn Thị An", **{"Giới tính": "?"})]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import", "members", str(path), "--unit", "QN.TK.AM.1", stdout=out,
                     stderr=io.StringIO())  # fmt: skip
    assert "dòng 2 [Giới tính]:" in out.getvalue()
    assert not Person.objects.exists()


def test_export_command(world: World, tmp_path: Path) -> None:
    make_people(world.cell_1, ["Nguyễn Thị An", "Trần Văn Bình"])
    out = io.StringIO()
    path = tmp_path / "ra.xlsx"
    call_command("export", "members", "--unit", "QN.TK.AM", "--out", str(path), stdout=out)
    assert "Đã xuất 2 người" in out.getvalue()
    assert path.read_bytes().startswith(b"PK")
