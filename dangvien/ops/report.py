"""What the backup and restore commands print about a backup (in the active language)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dangvien.ops.archive import ENGINE_LABELS, Manifest


def number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def describe(manifest: Manifest) -> str:
    """One line: engine, when it was made, tables, rows, attached files."""
    return _(
        "Bản sao lưu %(engine)s lúc %(created)s: %(tables)s bảng, %(rows)s dòng, "
        "%(files)s tệp đính kèm."
    ) % {
        "engine": ENGINE_LABELS[manifest.engine],
        "created": formats.date_format(timezone.localtime(manifest.created), "d/m/Y H:i"),
        "tables": number(len(manifest.row_counts)),
        "rows": number(sum(manifest.row_counts.values())),
        "files": number(len(manifest.attachments)),
    }


def missing_attachments(manifest: Manifest) -> list[str]:
    """A warning per attachment whose row was in the database but whose file was not on
    disk when the backup was made (already lost then; the backup cannot bring it back)."""
    return [
        _("Cảnh báo: thiếu tệp đính kèm %(name)s (không có trên đĩa lúc sao lưu).") % {"name": name}
        for name in manifest.missing_attachments
    ]
