"""`dangvien export members --unit CODE --out FILE.xlsx`: the registry out to Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dangvien.lib.numbers import grouped
from dangvien.orgs.commands import unit_by_code
from dangvien.people.exporter import write_people_xlsx
from dangvien.people.importer import KINDS
from dangvien.people.models import MEMBER_STATUSES, Person, Status


class Command(BaseCommand):
    help = (
        "Xuất danh sách đảng viên (members) hoặc quần chúng (candidates) của đơn vị --unit "
        "và các đơn vị trực thuộc ra tệp .xlsx, đúng các cột của mẫu nhập."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--unit", required=True, help="Mã đơn vị.")
        parser.add_argument("--out", required=True, type=Path, help="Tệp .xlsx sẽ ghi ra.")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        statuses = MEMBER_STATUSES if options["kind"] == "members" else (Status.CANDIDATE,)
        people = Person.objects.filter(unit__path__startswith=unit.path, status__in=statuses)
        with options["out"].open("wb") as out:
            count = write_people_xlsx(people, out, kind=options["kind"])
        self.stdout.write(
            _("Đã xuất %(n)s người ra %(file)s.") % {"n": grouped(count), "file": options["out"]}
        )
