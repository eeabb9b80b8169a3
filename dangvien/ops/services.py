"""Backing up and restoring the whole system (database and attached files), and the record
each run leaves in the audit log."""

from __future__ import annotations

import os
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, audit_record
from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import CaseAttachment
from dangvien.ops import engines
from dangvien.ops.archive import (
    ATTACHMENTS,
    DATABASE_MEMBERS,
    ENGINE_LABELS,
    ArchiveWriter,
    BackupError,
    Manifest,
    Verified,
    attachment_member,
    copy_member,
    sha256_file,
    verify,
)
from dangvien.ops.models import Operation
from dangvien.orgs.models import Unit
from dangvien.people.models import Person
from dangvien.tallies.integrity import Finding, check_integrity


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    manifest: Manifest


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    files_written: int
    # (table, rows in the backup, rows after the restore) where they differ
    count_differences: list[tuple[str, int, int | None]] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def operation_record(
    *,
    acting_user: Actor,
    kind: str,
    file: str,
    sha256: str,
    changes: Mapping[str, Any],
) -> Operation:
    """Record a finished backup or restore (`acting_user` None: the command line)."""
    with transaction.atomic():
        operation = Operation(kind=Operation.Kind(kind), file=file[:500], sha256=sha256)
        operation.save()
        audit_record(
            actor=acting_user,
            action=f"ops.{kind}",
            target=operation,
            unit=None,
            changes={"file": [None, file], "sha256": [None, sha256], **changes},
        )
        return operation


def backup_target(out: Path | None) -> Path:
    """Where the backup goes: `out`, a file in `out` if it is a folder, or the data folder's
    backups/ by default; never over an existing file."""
    name = f"dangvien-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
    if out is None:
        target = Path(settings.DATA_DIR) / "backups" / name
    elif out.is_dir():
        target = out / name
    else:
        target = out
    if target.exists():
        raise BackupError(
            _("Tệp %(file)s đã có: chọn tên khác (không ghi đè một bản sao lưu).")
            % {"file": target}
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def attachment_root() -> Path:
    """Where the attached files are: the folder of the file field's own storage
    (`DANGVIEN_ATTACHMENT_ROOT`, fixed when the models load)."""
    field = CaseAttachment._meta.get_field("file")
    assert isinstance(field, models.FileField)
    return Path(field.storage.path("")).resolve()


def _attachment_files(root: Path) -> list[str]:
    """Every file in the attachments folder, relative, with "/" separators."""
    if not root.is_dir():
        return []
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def backup_create(*, acting_user: Actor, out: Path | None = None) -> BackupResult:
    """Copy the database (online: the server may go on running) and every attached file into
    one checked file; record it in the audit log after it is complete."""
    target = backup_target(out)
    kind = engines.engine()
    root = attachment_root()
    with (
        tempfile.TemporaryDirectory(prefix=".dangvien-backup-", dir=target.parent) as scratch,
        ArchiveWriter(target) as archive,
    ):
        database = Path(scratch) / DATABASE_MEMBERS[kind]
        # 1. The database first: every attachment row it holds has its file on disk already
        # (files are written before their row commits), so step 2 finds them all.
        state = engines.dump(database)
        archive.add_file(database.name, database)
        database.unlink()
        # 2. The attached files (named by their content's hash: they never change).
        files = _attachment_files(root)
        for relative in files:
            archive.add_file(attachment_member(relative), root / relative)
        manifest = Manifest(
            created=timezone.now(),
            engine=kind,
            migrations=state.migrations,
            row_counts=state.row_counts,
            members=dict(archive.members),
            missing_attachments=sorted(set(state.attachment_files) - set(files)),
        )
        digest = archive.finish(manifest)
    operation_record(
        acting_user=acting_user,
        kind=Operation.Kind.BACKUP,
        file=str(target),
        sha256=digest,
        changes={
            "rows": [None, sum(manifest.row_counts.values())],
            "attachments": [None, len(files)],
        },
    )
    return BackupResult(target, digest, manifest)


def _unknown_migrations(migrations: Mapping[str, str]) -> list[str]:
    """The backup's migrations this code does not have: the backup comes from a newer
    version (or from an application this one does not include)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in sorted(migrations.items()) if (app, name) not in known]


def _holds_data() -> bool:
    """Whether the database holds anything a person entered (what migrations put in, the
    rulebook and categories, does not count)."""
    tables = set(connection.introspection.table_names())
    return any(
        model._meta.db_table in tables and model._base_manager.exists()
        for model in (Unit, Person, AuditEvent, get_user_model())
    )


def restore_preflight(*, path: Path, force: bool) -> Verified:
    """Every check that comes before touching anything: the checksums, the engine, the
    migration state and, without `force`, that the database is empty."""
    verified = verify(path)
    manifest = verified.manifest
    ours = engines.engine()
    if manifest.engine != ours:
        raise BackupError(
            _(
                "Tệp %(file)s là bản sao lưu của %(theirs)s, nhưng hệ thống đang dùng "
                "%(ours)s: không phục hồi được sang hệ cơ sở dữ liệu khác."
            )
            % {
                "file": path,
                "theirs": ENGINE_LABELS[manifest.engine],
                "ours": ENGINE_LABELS[ours],
            }
        )
    unknown = _unknown_migrations(manifest.migrations)
    if unknown:
        raise BackupError(
            _(
                "Tệp %(file)s được sao lưu từ một phiên bản mới hơn của chương trình (có các "
                "bước chuyển đổi dữ liệu mà phiên bản này không có: %(migrations)s). Hãy cài "
                "phiên bản mới đó rồi phục hồi."
            )
            % {"file": path, "migrations": ", ".join(unknown)}
        )
    if not force and _holds_data():
        raise BackupError(
            _(
                "Cơ sở dữ liệu đang có dữ liệu. Phục hồi sẽ thay toàn bộ dữ liệu hiện có bằng "
                "dữ liệu trong bản sao lưu; nếu đúng ý, chạy lại với --force."
            )
        )
    return verified


def _restore_attachments(
    tar: tarfile.TarFile, infos: Mapping[str, tarfile.TarInfo], manifest: Manifest, path: Path
) -> int:
    """Put back the backup's files; the ones already there with the right content stay.
    Files not in the backup are left too: they are named by their content and no restored
    row points at them."""
    root = attachment_root()
    written = 0
    for name in manifest.attachments:
        member = manifest.members[name]
        target = root.joinpath(*name.removeprefix(f"{ATTACHMENTS}/").split("/"))
        if not target.resolve().is_relative_to(root):
            raise BackupError(_("Tệp đính kèm có tên không hợp lệ: %(name)s.") % {"name": name})
        if (
            target.is_file()
            and target.stat().st_size == member.size
            and sha256_file(target) == member.sha256
        ):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.restoring")
        try:
            with partial.open("wb") as out:
                copy_member(tar, infos[name], member, out, path=path)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        written += 1
    return written


def _migrate_if_behind() -> list[str]:
    """A backup from an older version of the code: bring its data up to this version."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return []
    call_command("migrate", interactive=False, verbosity=0)
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def backup_restore(*, acting_user: Actor, path: Path, force: bool = False) -> RestoreResult:
    """Replace the database and put back the attached files from a backup.

    1. Check everything first (`restore_preflight`): a damaged or foreign backup changes
       nothing. 2. Files, then the database: a file added is harmless to the old data if the
       database step then fails. 3. Row counts against the manifest, the migrations this
       code adds, the integrity check. 4. The audit event, written last, into the restored
       database (written before, the restore would erase it).
    """
    verified = restore_preflight(path=path, force=force)
    manifest = verified.manifest
    with (
        tempfile.TemporaryDirectory(prefix="dangvien-restore-") as scratch,
        tarfile.open(path, mode="r:") as tar,
    ):
        infos = {info.name: info for info in tar.getmembers()}
        written = _restore_attachments(tar, infos, manifest, path)
        database = Path(scratch) / manifest.database
        with database.open("wb") as out:
            copy_member(
                tar, infos[manifest.database], manifest.members[manifest.database], out, path=path
            )
        engines.load(database)
    # Content type ids are cached per process: the restored table may number them otherwise.
    ContentType.objects.clear_cache()
    counts = engines.current_state().row_counts
    differences = [
        (table, rows, counts.get(table))
        for table, rows in sorted(manifest.row_counts.items())
        if counts.get(table) != rows
    ]
    migrated = _migrate_if_behind()
    findings = check_integrity()
    operation_record(
        acting_user=acting_user,
        kind=Operation.Kind.RESTORE,
        file=str(path),
        sha256=verified.sha256,
        changes={
            "created": [None, manifest.created.isoformat()],
            "rows": [None, sum(manifest.row_counts.values())],
            "attachments": [None, len(manifest.attachments)],
            "count_differences": [None, len(differences)],
            "migrated": [None, migrated],
            "integrity_findings": [None, len(findings)],
        },
    )
    return RestoreResult(manifest, written, differences, migrated, findings)
