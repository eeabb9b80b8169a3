"""`dangvien check-integrity`: recompute what is kept and check what must hold, listing
every difference. Read-only; each check is a fixed number of queries (GROUP BY, one pass
over the units), so it runs on a whole country.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from dangvien.admission.certificates import cases_with_wrong_certificate
from dangvien.admission.models import CaseAttachment
from dangvien.lib.db import db_date
from dangvien.orgs.models import Unit, UnitVersion
from dangvien.orgs.rules import path_step
from dangvien.people.models import Person, PersonName, Status, StatusEvent
from dangvien.tallies.dues import due_differences
from dangvien.tallies.members import member_differences
from dangvien.tallies.models import Dimension, Metric, Tally
from dangvien.tallies.newmembers import new_member_differences
from dangvien.tallies.recompute import differences

# Statuses of a person that still belongs to a cell (their cell must exist).
_CURRENT = (Status.CANDIDATE, Status.PROBATIONARY, Status.OFFICIAL)


@dataclass(frozen=True)
class Finding:
    # "tally", "members", "dues", "new_members", "path", "version", "status", "name", "orphan",
    # "certificate", "attachment"
    check: str
    message: str


def _metric_label(code: str) -> str:
    """The metric as the reports name it ("Kết nạp"), or the code if it is not one we know."""
    return str(Metric(code).label) if code in Metric.values else code


def _tallies() -> Iterator[Finding]:
    codes = dict(Unit.objects.values_list("pk", "code"))
    for unit_id, month, metric, have, want in differences():
        yield Finding(
            "tally",
            _(
                "Số liệu tổng hợp sai: %(unit)s, tháng %(month)s, %(metric)s: "
                "đang lưu %(kept)s, tính lại được %(actual)s."
            )
            % {
                "unit": codes.get(unit_id, f"#{unit_id}"),
                "month": f"{month:%m/%Y}",
                "metric": _metric_label(metric),
                "kept": have,
                "actual": want,
            },
        )


def _members() -> Iterator[Finding]:
    """The kept member counts (`tallies.members`): each row is the change of a day."""
    codes = dict(Unit.objects.values_list("pk", "code"))
    for unit_id, day, status, have, want in member_differences():
        yield Finding(
            "members",
            _(
                "Biến động số đảng viên sai: %(unit)s, ngày %(day)s, %(status)s: "
                "đang lưu %(kept)+d, tính lại được %(actual)+d."
            )
            % {
                "unit": codes.get(unit_id, f"#{unit_id}"),
                "day": f"{day:%d/%m/%Y}",
                "status": _status_label(status),
                "kept": have,
                "actual": want,
            },
        )


def _dues() -> Iterator[Finding]:
    """The kept counts of open cases by due day (`tallies.dues`)."""
    codes = dict(Unit.objects.values_list("pk", "code"))
    for unit_id, day, have, want in due_differences():
        yield Finding(
            "dues",
            _(
                "Số hồ sơ đến hạn sai: %(unit)s, hạn ngày %(day)s: đang lưu %(kept)s, "
                "tính lại được %(actual)s."
            )
            % {
                "unit": codes.get(unit_id, f"#{unit_id}"),
                "day": f"{day:%d/%m/%Y}",
                "kept": have,
                "actual": want,
            },
        )


def _new_members() -> Iterator[Finding]:
    """The kept breakdowns of new members (`tallies.newmembers`), by the raw value kept."""
    codes = dict(Unit.objects.values_list("pk", "code"))
    for unit_id, month, dimension, key, have, want in new_member_differences():
        yield Finding(
            "new_members",
            _(
                "Số đảng viên mới theo cơ cấu sai: %(unit)s, tháng %(month)s, %(dimension)s "
                "“%(key)s”: đang lưu %(kept)s, tính lại được %(actual)s."
            )
            % {
                "unit": codes.get(unit_id, f"#{unit_id}"),
                "month": f"{month:%m/%Y}",
                "dimension": (
                    Dimension(dimension).label if dimension in Dimension.values else dimension
                ),
                "key": key,
                "kept": have,
                "actual": want,
            },
        )


def _paths() -> Iterator[Finding]:
    """Each unit's path is the path of the unit it sits under plus its own step: its
    successor if it ended with one, else its parent."""
    units = {
        pk: (code, path, parent, successor, ended)
        for pk, code, path, parent, successor, ended in Unit.objects.values_list(
            "pk", "code", "path", "parent_id", "successor_id", "valid_to"
        )
    }
    for pk, (code, path, parent, successor, ended) in sorted(units.items()):
        above = successor if ended is not None and successor is not None else parent
        want = (units[above][1] if above is not None else "") + path_step(pk)
        if path != want:
            yield Finding(
                "path",
                _("Đường dẫn cây sai: %(unit)s có %(path)s, đúng phải là %(want)s.")
                % {"unit": code, "path": path, "want": want},
            )
    open_versions = UnitVersion.objects.filter(valid_to__isnull=True).values_list(
        "unit_id", "name", "parent_id", "path"
    )
    names = dict(Unit.objects.values_list("pk", "name"))
    seen: dict[int, int] = {}
    for unit_id, name, parent, path in open_versions:
        seen[unit_id] = seen.get(unit_id, 0) + 1
        code, unit_path, unit_parent, _successor, ended = units[unit_id]
        if ended is not None:
            yield Finding(
                "version",
                _("%(unit)s đã chấm dứt nhưng còn phiên bản đang hiệu lực.") % {"unit": code},
            )
        elif (path, parent, name) != (unit_path, unit_parent, names[unit_id]):
            yield Finding(
                "version",
                _(
                    "Phiên bản hiện hành của %(unit)s không khớp với đơn vị "
                    "(tên, cấp trên hoặc đường dẫn)."
                )
                % {"unit": code},
            )
    for pk, (code, _path, _parent, _successor, ended) in sorted(units.items()):
        if ended is None and seen.get(pk, 0) != 1:
            yield Finding(
                "version",
                _("%(unit)s có %(n)s phiên bản đang hiệu lực (phải có đúng một).")
                % {"unit": code, "n": seen.get(pk, 0)},
            )


def _status_label(code: str | None) -> str:
    """The status as the pages name it ("Từ trần"), or the code if it is not one we know."""
    return str(Status(code).label) if code in Status.values else str(code)


def _statuses() -> Iterator[Finding]:
    """A record's status is that of its latest uncorrected status event."""
    latest = (
        StatusEvent.objects.filter(person=OuterRef("pk"), corrections__isnull=True)
        .order_by("-on", "-id")
        .values("status")[:1]
    )
    wrong = (
        Person.objects.annotate(latest=Subquery(latest, output_field=CharField()))
        .filter(Q(latest__isnull=True) | ~Q(status=F("latest")))
        .values_list("pk", "full_name", "unit__code", "status", "latest")
        .order_by("pk")
    )
    for pk, name, unit, status, event in wrong:
        values = {
            "name": name,
            "pk": pk,
            "unit": unit,
            "status": _status_label(status),
            "event": _status_label(event),
        }
        if event is None:
            yield Finding(
                "status",
                _("%(name)s (#%(pk)s, %(unit)s) không có lần thay đổi tình trạng nào.") % values,
            )
        else:
            yield Finding(
                "status",
                _(
                    "%(name)s (#%(pk)s, %(unit)s) đang ghi “%(status)s” nhưng lần thay đổi "
                    "tình trạng gần nhất là “%(event)s”."
                )
                % values,
            )


def _names() -> Iterator[Finding]:
    """Each person's name is in the names table the search reads first (`people.PersonName`):
    a person missing there is found by no search. One anti-join over the people."""
    named = PersonName.objects.filter(
        sort_key=OuterRef("sort_key"), search_text=OuterRef("search_text")
    )
    missing = (
        Person.objects.filter(~Exists(named))
        .values_list("pk", "full_name", "unit__code")
        .order_by("pk")
    )
    for pk, name, unit in missing:
        yield Finding(
            "name",
            _("%(name)s (#%(pk)s, %(unit)s) không có trong bảng tên để tìm kiếm.")
            % {"name": name, "pk": pk, "unit": unit},
        )


def _orphans() -> Iterator[Finding]:
    """Rows that point at nothing sensible."""
    stranded = (
        Person.objects.filter(
            status__in=_CURRENT, unit__valid_to__isnull=False, unit__successor__isnull=True
        )
        .values_list("pk", "full_name", "unit__code")
        .order_by("pk")
    )
    for pk, name, unit in stranded:
        yield Finding(
            "orphan",
            _(
                "%(name)s (#%(pk)s) còn sinh hoạt ở %(unit)s, đơn vị đã giải thể "
                "không có đơn vị kế thừa."
            )
            % {"name": name, "pk": pk, "unit": unit},
        )
    unadmitted = (
        Person.objects.filter(decision_date__isnull=False, admission_unit__isnull=True)
        .values_list("pk", "full_name")
        .order_by("pk")
    )
    for pk, name in unadmitted:
        yield Finding(
            "orphan",
            _("%(name)s (#%(pk)s) có ngày quyết định kết nạp nhưng không có chi bộ kết nạp.")
            % {"name": name, "pk": pk},
        )
    crossed = (
        StatusEvent.objects.filter(corrects__isnull=False)
        .exclude(corrects__person=F("person"))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    for pk in crossed:
        yield Finding(
            "orphan",
            _("Lần thay đổi tình trạng #%(pk)s đính chính một lần của người khác.") % {"pk": pk},
        )
    negative = Tally.objects.filter(total__lt=0).values_list("unit__code", "month", "metric")
    for unit, month, metric in negative:
        yield Finding(
            "orphan",
            _("Số liệu tổng hợp âm: %(unit)s, tháng %(month)s, %(metric)s.")
            % {"unit": unit, "month": f"{month:%m/%Y}", "metric": _metric_label(metric)},
        )


def _certificates() -> Iterator[Finding]:
    """The certificate date kept on each open case (`admission.certificates`)."""
    for pk, name, kept, expected in cases_with_wrong_certificate():
        yield Finding(
            "certificate",
            _(
                "Hồ sơ #%(pk)s (%(name)s) đang lưu ngày cấp giấy chứng nhận %(kept)s, "
                "tính lại được %(actual)s."
            )
            % {"pk": pk, "name": name, "kept": _day(kept), "actual": _day(expected)},
        )


def _attachments() -> Iterator[Finding]:
    """Each attachment's file is on disk with the size recorded when it was uploaded (a
    file deleted by hand, or a restore without the attachments folder). One pass over the
    rows and one `stat` per file; the content's checksum is not read (that is the backup's
    check, `dangvien restore --check`)."""
    rows = (
        CaseAttachment.objects.order_by("pk")
        .values_list("pk", "name", "file", "size", "event__case_id")
        .iterator(chunk_size=2000)
    )
    storage = CaseAttachment._meta.get_field("file").storage
    for pk, name, file, size, case_id in rows:
        values = {"pk": pk, "name": name, "case": case_id, "path": file}
        try:
            found = os.stat(storage.path(file)).st_size
        except OSError:
            yield Finding(
                "attachment",
                _(
                    "Tệp đính kèm #%(pk)s (“%(name)s”, hồ sơ #%(case)s) không còn trên máy chủ: "
                    "%(path)s."
                )
                % values,
            )
            continue
        if found != size:
            yield Finding(
                "attachment",
                _(
                    "Tệp đính kèm #%(pk)s (“%(name)s”, hồ sơ #%(case)s) có dung lượng "
                    "%(found)s byte, hồ sơ ghi %(size)s byte."
                )
                % {**values, "found": found, "size": size},
            )


def _day(value: date | str | None) -> str:
    return "—" if value is None else f"{db_date(value):%d/%m/%Y}"


def check_integrity() -> list[Finding]:
    """Every difference found, in the order: kept counts, kept member counts, kept due
    counts, kept breakdowns of new members, tree, statuses, names, orphans, kept
    certificate dates, attachment files."""
    return [
        *_tallies(),
        *_members(),
        *_dues(),
        *_new_members(),
        *_paths(),
        *_statuses(),
        *_names(),
        *_orphans(),
        *_certificates(),
        *_attachments(),
    ]
