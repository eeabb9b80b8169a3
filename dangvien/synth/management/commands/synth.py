"""`dangvien synth --scale cell|commune|province|national [--seed N] [--force]`: a synthetic
world for benchmarks and demonstrations, bulk-loaded in one transaction."""

from __future__ import annotations

import importlib
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.orgs.geography import province_code
from dangvien.orgs.models import Unit
from dangvien.people.models import Person
from dangvien.synth.generate import Scale, plan_for
from dangvien.synth.load import load_world

# The importer's bar (its module is named `import`, a keyword, hence importlib).
progress_bar = importlib.import_module("dangvien.people.management.commands.import").progress_bar


class Command(BaseCommand):
    help = (
        "Tạo một thế giới mô phỏng (đơn vị, đảng viên, hồ sơ kết nạp mười năm, chỉ tiêu) "
        "theo quy mô; cùng --seed cho cùng dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=[s.value for s in Scale], required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Chạy cả khi cơ sở dữ liệu đã có người (không nên trộn với dữ liệu thật).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Person.objects.exists() and not options["force"]:
            raise CommandError(
                _("Cơ sở dữ liệu đã có dữ liệu người; dùng --force nếu thật sự muốn thêm.")
            )
        plan = plan_for(Scale(options["scale"]), options["seed"])
        codes = [province_code(p.code) for p in plan.provinces]
        if Unit.objects.filter(code__in=codes).exists():
            # Even with --force: the world's units would collide with these codes.
            raise CommandError(
                _("Đã có đơn vị mang mã %(codes)s: thế giới mô phỏng cần các tỉnh này chưa có.")
                % {"codes": ", ".join(codes)}
            )
        tty = sys.stderr.isatty()
        shown = {"step": -1}

        def progress(done: int, total: int) -> None:
            if tty:
                self.stderr.write("\r" + progress_bar(done, total), ending="")
                self.stderr.flush()
                return
            # Without a terminal: a line every tenth, not a carriage-return stream.
            step = 10 * done // total
            if step != shown["step"]:
                shown["step"] = step
                self.stderr.write(progress_bar(done, total))

        started = time.perf_counter()
        result = load_world(plan, on_progress=progress)
        if tty:
            self.stderr.write("")
        total = time.perf_counter() - started
        width = max(len(t) for t in result.rows) + 2
        self.stdout.write(f"{_('Bảng'):<{width}}{_('Số dòng'):>12}{_('Ghi (giây)'):>12}")
        for table, count in result.rows.items():
            seconds = result.write_seconds[table]
            self.stdout.write(f"{table:<{width}}{count:>12,}{seconds:>12.1f}")
        self.stdout.write(f"{_('Tổng'):<{width}}{sum(result.rows.values()):>12,}")
        for step, seconds in result.seconds.items():
            self.stdout.write(f"{step:<{width}}{seconds:>11.1f}s")
        self.stdout.write(f"{_('Tổng thời gian'):<{width}}{total:>11.1f}s")
