"""Counts kept per unit, month and metric (issue 6), so a dashboard reads a handful of rows.

Decision — a roll-up row per ancestor, not sums over path prefixes. A row
`(unit, month, metric)` holds the count over the unit's whole *current* subtree (the same
subtree the reports count: `Unit.path` prefix, ended units included under their
successor). An event in a cell adds to the cell's row and to one row of each of its
ancestors, found by decoding `Unit.path` (no query). So:

- reading a subtree's count for a period is `SUM(total) WHERE unit = u AND metric = m AND
  month BETWEEN …`: at most 12 rows a year, whatever the size of the subtree (the root of
  a country of 5 million members reads the same handful of rows as a cell);
- a write costs one upsert statement touching depth (≤ 6) rows; the ancestors' rows are
  hot (every admission in a province updates the province's row of that month), which
  serialises concurrent writers on that row for the rest of their transaction — short
  service transactions, so acceptable; rows are locked in path order so there are no
  deadlocks;
- a reorganisation that moves a subtree subtracts the moved unit's rows from the old
  ancestors and adds them to the new ones (a few statements, see `tallies.services`).

The alternative, one row per cell summed over `unit__path__startswith`, writes one row
per event but makes a root read scan every cell's rows (tens of thousands of units × months)
and joins the unit table: exactly the cost the kept counts are there to avoid.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.orgs.models import Unit
from dangvien.people.models import Status


class Metric(models.TextChoices):
    # By `Person.decision_date`, for the subtree of `Person.admission_unit`.
    ADMITTED = "admitted", _("Kết nạp")
    # By uncorrected `StatusEvent.on`, for the subtree of `StatusEvent.unit`.
    RECOGNISED = "recognised", _("Công nhận chính thức")
    REMOVED = "removed", _("Xóa tên")
    LEFT = "left", _("Ra khỏi Đảng")
    EXPELLED = "expelled", _("Khai trừ")
    DECEASED = "deceased", _("Từ trần")


# The status events that are counted, and under which metric.
STATUS_METRIC: dict[str, str] = {
    Status.OFFICIAL: Metric.RECOGNISED,
    Status.REMOVED: Metric.REMOVED,
    Status.LEFT: Metric.LEFT,
    Status.EXPELLED: Metric.EXPELLED,
    Status.DECEASED: Metric.DECEASED,
}


class Tally(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # The first day of the month counted.
    month = models.DateField()
    metric = models.CharField(max_length=16, choices=Metric.choices)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "metric"], name="tally_once")
        ]
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y} {self.metric}: {self.total}"


class MemberChange(models.Model):
    """How the number of members of a unit's current subtree, by status, changed on a day.

    The members of the subtree on day D are `SUM(delta) WHERE unit = u AND day <= D`, per
    status: a running sum over at most a few thousand rows, whatever the size of the
    subtree. A member counts on D in the cell they were registered in that day, with their
    status that day, from their decision date on (the same definition as the live count in
    `reports.selectors._members_on`; see `tallies.members`). Like `Tally`, a row holds the
    whole current subtree, so a change in a cell adds to the cell and to each ancestor.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    # Probationary or official: the statuses that count as members.
    status = models.CharField(max_length=16, choices=Status.choices)
    delta = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "status"], name="member_change_once")
        ]
        verbose_name = _("biến động số đảng viên")
        verbose_name_plural = _("biến động số đảng viên")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%d/%m/%Y} {self.status}: {self.delta:+d}"


class CaseDue(models.Model):
    """How many open admission cases of a unit's current subtree are due on a day
    (`Case.due_on`, the deadline the services keep on each case).

    The alert bands of a subtree (overdue, due within a week, within a month) are then
    three sums over the unit's rows, whatever the size of the subtree: the country's open
    cases (288,000 at national scale) were counted from the cases on every dashboard and
    alert list. Like `Tally`, a row holds the whole current subtree, so a case adds to its
    cell and to each ancestor; see `tallies.dues`.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="case_due_once")]
        verbose_name = _("số hồ sơ đến hạn")
        verbose_name_plural = _("số hồ sơ đến hạn")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%d/%m/%Y}: {self.total}"


class Dimension(models.TextChoices):
    """What the quality report of new members breaks them down by (`NewMemberCount.key`
    holds the raw value; the report names it at read time)."""

    SEX = "sex", _("Giới tính")
    # Whole years at the decision date (`people.rules.age_in_years`).
    AGE = "age", _("Tuổi khi kết nạp")
    # The person's category ids (empty when not recorded): the report reads each
    # category's code, rank or name when it shows them, so a renamed category is shown
    # by its new name without touching the kept rows.
    ETHNICITY = "ethnicity", _("Dân tộc")
    RELIGION = "religion", _("Tôn giáo")
    GENERAL_EDUCATION = "general_education", _("Giáo dục phổ thông")
    PROFESSIONAL = "professional", _("Chuyên môn, nghiệp vụ")
    POLITICAL_THEORY = "political_theory", _("Lý luận chính trị")
    OCCUPATION = "occupation", _("Nghề nghiệp")
    # "1" when a Youth-Union membership was open on the decision date, else "0".
    YOUTH_UNION = "youth_union", _("Đoàn viên thanh niên")
    # The source of the person's latest admission case (empty: none).
    SOURCE = "source", _("Nguồn kết nạp")


class NewMemberCount(models.Model):
    """How many people admitted in a month in a unit's current subtree had each value of
    each breakdown of the quality report (`Person.decision_date`, `Person.admission_unit`,
    as the monthly `Tally` of admissions counts them; see `tallies.newmembers`).

    Kept only for the units of the top two levels of the tree (the root and the units just
    under it: the country and its provinces, or a province and its communes), where a
    year's new members are thousands (170,000 for the country) and counting them person
    by person cost 2 s a page. Below, a year is a few dozen people, counted from the
    records in a millisecond; keeping every cell's and commune's rows would have cost ten
    rows per new member per level — tens of millions of rows for the country.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # The first day of the month counted.
    month = models.DateField()
    dimension = models.CharField(max_length=24, choices=Dimension.choices)
    key = models.CharField(max_length=16, blank=True)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "dimension", "key"], name="new_member_count_once"
            )
        ]
        verbose_name = _("số đảng viên mới theo cơ cấu")
        verbose_name_plural = _("số đảng viên mới theo cơ cấu")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y} {self.dimension}={self.key}: {self.total}"
