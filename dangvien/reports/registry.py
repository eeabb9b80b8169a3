"""Every report by name: its Vietnamese title and the builder of its `Table`.

The command (`dangvien report NAME`), the report pages and the downloads all go through
`REPORTS`, so a report added here is available everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit
from dangvien.reports import tables
from dangvien.reports.types import Table

Builder = Callable[..., Table]


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str | Promise
    builder: Builder
    description: str | Promise = ""

    def build(
        self, *, unit: Unit, period: Period, as_of: date | None = None, decimals: int = 1
    ) -> Table:
        return self.builder(unit=unit, period=period, as_of=as_of, decimals=decimals)


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "achievement",
            _("Kết quả kết nạp so với chỉ tiêu"),
            tables.achievement_table,
            _("Kết nạp, chỉ tiêu, tỷ lệ đạt, vượt hoặc thiếu theo năm, 6 tháng, quý, nhiệm kỳ"),
        ),
        ReportSpec(
            "quality",
            _("Chất lượng đảng viên mới"),
            tables.quality_table,
            _("Giới tính, độ tuổi, dân tộc, tôn giáo, đoàn viên, trình độ, nghề nghiệp, nguồn"),
        ),
        ReportSpec(
            "movement",
            _("Số lượng và biến động đảng viên"),
            tables.movement_table,
            _("Đầu kỳ, cuối kỳ, kết nạp, công nhận, xóa tên, ra khỏi Đảng, chuyển đến, chuyển đi"),
        ),
        ReportSpec(
            "structure",
            _("Cơ cấu chức danh và khu dân cư"),
            tables.structure_table,
            _("Người giữ chức danh là đảng viên, khu dân cư chưa có đảng viên hoặc chi bộ"),
        ),
        ReportSpec(
            "pipeline",
            _("Tiến độ hồ sơ và bồi dưỡng"),
            tables.pipeline_table,
            _("Hồ sơ theo bước, thời gian ở bước, tỷ lệ chuyển bước, quá hạn, lớp bồi dưỡng"),
        ),
        ReportSpec(
            "ranking",
            _("Xếp hạng, đánh giá cuối năm"),
            tables.ranking_table,
            _("Tỷ lệ đạt chỉ tiêu của từng đơn vị trực thuộc và xếp loại"),
        ),
    )
}


def build_table(
    name: str, unit: Unit, period: Period, as_of: date | None = None, decimals: int = 1
) -> Table:
    """The named report's table; `KeyError` for a name that is not a report."""
    return REPORTS[name].build(unit=unit, period=period, as_of=as_of, decimals=decimals)
