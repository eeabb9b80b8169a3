"""Import and export of a members' workbook of N rows, against the goals.

    make bench                                   # 100,000 rows
    .venv/bin/python -m bench.people_io --rows 20000

Everything runs in a fresh temporary SQLite database (DANGVIEN_DATA_DIR is pointed at a
temporary folder before Django starts; DATABASE_URL is ignored), so no real data is touched.
Each measured step runs in its own child process, so that `ru_maxrss` (the peak resident
memory of the process) belongs to that step alone. Wall times come from runs without
tracemalloc (it slows Python down several times); the tracemalloc peak comes from one more
run of each step with tracing on (`--no-trace` skips those).

Goals: import ≤ 60 s, export ≤ 15 s, peak memory ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

GOAL_IMPORT_S = 60.0
GOAL_EXPORT_S = 15.0
GOAL_MEMORY_MB = 500.0
DB_NAME = "dangvien.sqlite3"
COMMUNE = "BENCH.X"


def _django(data_dir: Path) -> None:
    os.environ["DANGVIEN_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    import django

    django.setup()


def _maxrss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# --- steps, each in a child process -------------------------------------------------------


def step_prepare(data_dir: Path, rows: int, cells: int, workbook: Path) -> dict[str, Any]:
    """Migrate, create one commune with its cells, write the workbook."""
    _django(data_dir)
    import random
    from datetime import date

    import xlsxwriter
    from django.core.management import call_command

    from dangvien.lib.vntext import fold
    from dangvien.orgs import geography
    from dangvien.orgs.models import CellKind, Unit, UnitKind
    from dangvien.orgs.services import Decision, NewUnit, units_bulk_create
    from dangvien.people.columns import columns_for
    from dangvien.web.demo_people import HUE_PLACE, Maker

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    geography.ensure_central()
    kinds = [CellKind.RESIDENTIAL] * 6 + [
        CellKind.SCHOOL,
        CellKind.HEALTH,
        CellKind.POLICE,
        CellKind.AGENCY,
    ]
    specs: list[tuple[NewUnit, str | None]] = [
        (NewUnit("BENCH", "Tỉnh ủy Thử nghiệm", UnitKind.PROVINCE), geography.CENTRAL_CODE),
        (NewUnit(COMMUNE, "Đảng ủy xã Thử nghiệm", UnitKind.COMMUNE), "BENCH"),
    ]
    for n in range(1, cells + 1):
        kind = kinds[n % len(kinds)]
        name = f"Chi bộ thôn {n}" if kind == CellKind.RESIDENTIAL else f"Chi bộ {kind} {n}"
        specs.append((NewUnit(f"{COMMUNE}.{n:02d}", name, UnitKind.CELL, kind), COMMUNE))
    units_bulk_create(specs=specs, decision=Decision(effective=date(2015, 1, 1), number="bench"))
    cell_units = list(Unit.objects.filter(code__startswith=f"{COMMUNE}.").order_by("code"))

    columns = columns_for("members")
    maker = Maker(random.Random(2025))
    book = xlsxwriter.Workbook(str(workbook), {"constant_memory": True})
    sheet = book.add_worksheet("Danh sách")
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.header)
    seen: set[tuple[str, str]] = set()
    written = 0
    while written < rows:
        cell = cell_units[written % len(cell_units)]
        entry = maker.person(cell=cell, place=HUE_PLACE, group=str(written % 14 + 1), status="")
        data = entry.data
        key = (fold(data.full_name), data.birth.display())
        if key in seen:  # the importer refuses the same name (tones aside) and birth twice
            continue
        seen.add(key)
        written += 1
        values: dict[str, str] = {
            "full_name": data.full_name,
            "birth": data.birth.display(),
            "sex": "Nữ" if data.sex == "F" else "Nam",
            "unit": cell.code,
            "mass_organisations": "; ".join(o.name for o in data.mass_organisations),
        }
        for column in columns:
            if column.key in values:
                continue
            value = getattr(data, column.key)
            if column.type == "category":
                values[column.key] = value.name if value is not None else ""
            elif column.type == "date":
                values[column.key] = f"{value:%d/%m/%Y}" if value else ""
            else:
                values[column.key] = str(value or "")
        for index, column in enumerate(columns):
            if values[column.key]:
                sheet.write_string(written, index, values[column.key])
    book.close()
    return {
        "seconds": time.perf_counter() - started,
        "bytes": workbook.stat().st_size,
        "cells": len(cell_units),
    }


def step_import(data_dir: Path, workbook: Path, trace: bool) -> dict[str, Any]:
    _django(data_dir)
    from dangvien.orgs.models import Unit

    try:
        from dangvien.people.importer import import_people
    except ImportError as error:
        return {"skipped": f"dangvien.people.importer.import_people is not there ({error})"}
    commune = Unit.objects.get(code=COMMUNE)
    content = workbook.read_bytes()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = import_people(
        acting_user=None, unit=commune, kind="members", content=content, dry_run=False
    )
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    return {
        "seconds": seconds,
        "rows": report.created,
        "problems": len(report.problems),
        "first_problems": [str(p) for p in report.problems[:5]],
        "traced_mb": peak,
        "maxrss_mb": _maxrss_mb(),
    }


def step_export(data_dir: Path, trace: bool) -> dict[str, Any]:
    _django(data_dir)
    from dangvien.people.exporter import write_people_xlsx
    from dangvien.people.models import Person

    people = Person.objects.filter(unit__code__startswith=f"{COMMUNE}.")
    out_path = data_dir / "export.xlsx"
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with out_path.open("wb") as out:
        count = write_people_xlsx(people, out, kind="members")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    return {
        "seconds": seconds,
        "rows": count,
        "bytes": out_path.stat().st_size,
        "traced_mb": peak,
        "maxrss_mb": _maxrss_mb(),
    }


def step_fill(data_dir: Path, rows: int) -> dict[str, Any]:
    """Without the importer: put the rows in through the services, so export can be timed."""
    _django(data_dir)
    import random

    from dangvien.orgs.models import Unit
    from dangvien.people.services import people_bulk_create
    from dangvien.web.demo_people import HUE_PLACE, Maker

    cells = list(Unit.objects.filter(code__startswith=f"{COMMUNE}.").order_by("code"))
    maker = Maker(random.Random(2025))
    entries = [
        maker.person(cell=cells[i % len(cells)], place=HUE_PLACE, group="1", status="")
        for i in range(rows)
    ]
    people_bulk_create(acting_user=None, entries=entries)
    return {"rows": len(entries)}


def _child(args: list[str]) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 (this same module, our own arguments)
        [sys.executable, "-m", "bench.people_io", *args],
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"step {args[1]} failed (exit {result.returncode})")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


# --- the run ------------------------------------------------------------------------------


def _ratio(value: float | None, goal: float) -> str:
    return "—" if value is None else f"{value / goal:.0%}"


def _fmt(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:,.1f} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cells", type=int, default=36)
    parser.add_argument("--repeat-import", type=int, default=1)
    parser.add_argument("--repeat-export", type=int, default=3)
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--workbook", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        data_dir, workbook = Path(args.data_dir), Path(args.workbook or "")
        if args.phase == "prepare":
            result = step_prepare(data_dir, args.rows, args.cells, workbook)
        elif args.phase == "import":
            result = step_import(data_dir, workbook, args.trace)
        elif args.phase == "export":
            result = step_export(data_dir, args.trace)
        else:
            result = step_fill(data_dir, args.rows)
        print(json.dumps(result))
        return 0

    root = Path(tempfile.mkdtemp(prefix="dangvien-bench-"))
    pristine, work = root / "pristine", root / "work"
    pristine.mkdir()
    workbook = root / "members.xlsx"
    print(f"N = {args.rows:,} members in {args.cells} cells of one commune; folder {root}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs (nproc), "
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}"
    )
    try:
        prep = _child(
            ["--phase", "prepare", "--data-dir", str(pristine), "--workbook", str(workbook),
             "--rows", str(args.rows), "--cells", str(args.cells)]
        )  # fmt: skip
        print(
            f"workbook written in {prep['seconds']:.1f} s: {prep['bytes'] / 2**20:.1f} MB "
            f"(XlsxWriter, {prep['cells']} cells)"
        )

        def fresh_copy() -> None:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            for item in pristine.iterdir():
                shutil.copy2(item, work / item.name)

        imports: list[dict[str, Any]] = []
        import_trace: dict[str, Any] = {}
        skipped = ""
        base = ["--data-dir", str(work), "--workbook", str(workbook)]
        for run in range(args.repeat_import):
            fresh_copy()
            result = _child(["--phase", "import", *base])
            if "skipped" in result:
                skipped = result["skipped"]
                break
            print(
                f"import run {run + 1}: {result['seconds']:.1f} s, created {result['rows']:,}, "
                f"problems {result['problems']}, maxrss {result['maxrss_mb']:.0f} MB"
            )
            if result["problems"]:
                print("  first problems:", *result["first_problems"], sep="\n    ")
            imports.append(result)
        if imports and not args.no_trace:
            fresh_copy()
            import_trace = _child(["--phase", "import", "--trace", *base])
            print(f"import with tracemalloc: peak {import_trace['traced_mb']:.0f} MB")
        if skipped:
            print(f"IMPORT NOT MEASURED: {skipped}; rows put in through the services instead")
            fresh_copy()
            _child(["--phase", "fill", "--data-dir", str(work), "--rows", str(args.rows)])
        elif not imports or imports[-1]["rows"] != args.rows:
            print("WARNING: the import did not create every row; export measures what is there")

        exports: list[dict[str, Any]] = []
        for run in range(args.repeat_export):
            result = _child(["--phase", "export", *base])
            print(
                f"export run {run + 1}: {result['seconds']:.1f} s, {result['rows']:,} rows, "
                f"maxrss {result['maxrss_mb']:.0f} MB"
            )
            exports.append(result)
        export_trace: dict[str, Any] = {}
        if not args.no_trace:
            export_trace = _child(["--phase", "export", "--trace", *base])
            print(f"export with tracemalloc: peak {export_trace['traced_mb']:.0f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    def line(name: str, runs: list[dict[str, Any]], trace: dict[str, Any], goal: float) -> str:
        if not runs:
            return f"{name:<8}{'not measured':>12}"
        seconds = statistics.median(r["seconds"] for r in runs)
        rows = runs[0]["rows"]
        rss = max(r["maxrss_mb"] for r in runs)
        traced = trace.get("traced_mb")
        memory = max(rss, traced or 0)
        return (
            f"{name:<8}{seconds:>10.1f} s{rows / seconds if seconds else 0:>11,.0f}"
            f"{_fmt(rss, 'MB'):>13}{_fmt(traced, 'MB'):>13}"
            f"{_ratio(seconds, goal):>10}{_ratio(memory, GOAL_MEMORY_MB):>10}"
        )

    print()
    print(
        f"database: SQLite (fresh, temporary); N = {args.rows:,}; median of "
        f"{len(imports)} import run(s), {len(exports)} export run(s)"
    )
    print(
        f"{'step':<8}{'wall':>12}{'rows/s':>11}{'maxrss':>13}{'tracemalloc':>13}"
        f"{'time/goal':>10}{'mem/goal':>10}"
    )
    print(line("import", imports, import_trace, GOAL_IMPORT_S))
    print(line("export", exports, export_trace, GOAL_EXPORT_S))
    print(
        f"goals: import ≤ {GOAL_IMPORT_S:.0f} s, export ≤ {GOAL_EXPORT_S:.0f} s, "
        f"peak memory ≤ {GOAL_MEMORY_MB:.0f} MB (100% = at the goal)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
