from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.admission.alerts import LATER_DAYS, alerts_by_unit, alerts_for
from dangvien.orgs.commands import unit_by_code


class Command(BaseCommand):
    help = "In các việc quá hạn và sắp đến hạn của một đơn vị và cấp dưới, theo từng đơn vị."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="mã đơn vị")
        parser.add_argument("--days", type=int, default=LATER_DAYS, help="xem trước bao nhiêu ngày")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        today = timezone.localdate()
        alerts = alerts_for(None, today, under=unit, horizon=options["days"])
        if not alerts:
            self.stdout.write(
                _("%(unit)s: không có việc quá hạn hay sắp đến hạn.") % {"unit": unit.name}
            )
            return
        for group in alerts_by_unit(alerts):
            self.stdout.write(group.unit_name)
            for alert in group.alerts:
                state = alert.state_text(today)
                self.stdout.write(
                    f"  {alert.due:%d/%m/%Y}  {state:<18} {alert.person_name} — {alert.what}"
                )
