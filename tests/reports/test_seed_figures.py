"""Every figure of the seeds (domain guide, "Targets and what people count"), built from raw
records and read back exactly from the selector, the command's JSON and the text table."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

from django.core.management import call_command

from dangvien.lib.periods import Period
from dangvien.reports import selectors
from dangvien.reports.formats import render_text, vn_percent
from dangvien.reports.registry import build_table
from tests.conftest import World
from tests.reports.helpers import admit
from tests.targets.factories import make_target


def report_json(name: str, unit: str, period: str, *extra: str) -> dict[str, Any]:
    out = StringIO()
    call_command(
        "report", name, "--unit", unit, "--period", period, "--format", "json", *extra, stdout=out
    )
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_tam_ky_2021_is_104_5_percent(world: World) -> None:
    admit(world.cell_1, 60, date(2021, 3, 2))
    admit(world.cell_2, 55, date(2021, 11, 30))
    admit(world.cell_2, 3, date(2022, 1, 1))  # next year: not counted
    make_target(world.tam_ky, "2021", 110)

    result = selectors.achievement(unit=world.tam_ky, period=Period.parse("2021"))

    assert (result.row.admitted, result.row.target) == (115, 110)
    assert vn_percent(result.row.percent, 1) == "104,5%"
    data = report_json("achievement", "QN.TK", "2021")
    assert (data["admitted"], data["target"], data["difference"]) == (115, 110, 5)
    assert data["summary_text"]["percent"] == "104,5%"
    assert Decimal(data["percent"]).quantize(Decimal("0.1")) == Decimal("104.5")
    assert "104,5%" in render_text(build_table("achievement", world.tam_ky, Period.parse("2021")))
