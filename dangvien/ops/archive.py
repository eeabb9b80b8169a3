"""The backup file: one uncompressed tar, checked member by member before anything is used.

    database.sqlite3 or database.pgdump   the database (SQLite file, or `pg_dump -Fc`)
    attachments/2024/01/<sha256>.pdf      the attached files, with their names in storage
    manifest.json                         what the file holds: engine, migration state, row
                                          counts, and the SHA-256 and size of every member
    manifest.sha256                       the SHA-256 of manifest.json itself

Beside it, `<file>.sha256` holds the checksum of the whole file in `sha256sum` format, so a
copy can be checked anywhere (`sha256sum -c`). Uncompressed, so that a member is read where
it lies; the database dump of PostgreSQL is compressed already.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import tarfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

from django.utils.translation import gettext as _

FORMAT = "dangvien-backup"
VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
ATTACHMENTS = "attachments"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_CHUNK = 1 << 20
_HEX64 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """A backup cannot be made, checked or restored; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Member:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created: datetime.datetime
    engine: str
    migrations: dict[str, str]  # app label → last applied migration
    row_counts: dict[str, int]  # table → rows
    members: dict[str, Member]  # every member but the manifest and its checksum
    missing_attachments: list[str] = field(default_factory=list)

    @property
    def database(self) -> str:
        return DATABASE_MEMBERS[self.engine]

    @property
    def attachments(self) -> list[str]:
        return sorted(name for name in self.members if name.startswith(f"{ATTACHMENTS}/"))

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "created": self.created.isoformat(),
            "engine": self.engine,
            "database": self.database,
            "migrations": dict(sorted(self.migrations.items())),
            "row_counts": dict(sorted(self.row_counts.items())),
            "files": {
                name: {"sha256": m.sha256, "size": m.size}
                for name, m in sorted(self.members.items())
            },
            "missing_attachments": self.missing_attachments,
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes, *, path: Path) -> Manifest:
        def bad(reason: str) -> BackupError:
            return BackupError(
                _("Tệp sao lưu %(file)s có bảng kê (manifest.json) không hợp lệ: %(reason)s.")
                % {"file": path, "reason": reason}
            )

        try:
            data = json.loads(raw.decode())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise bad(str(exc)) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise bad(_("không phải tệp sao lưu của dangvien"))
        version = data.get("version")
        if not isinstance(version, int):
            raise bad(_("thiếu số phiên bản định dạng"))
        if version > VERSION:
            raise BackupError(
                _(
                    "Tệp sao lưu %(file)s có định dạng phiên bản %(version)s, mới hơn phiên "
                    "bản chương trình này đọc được (%(known)s): hãy nâng cấp chương trình."
                )
                % {"file": path, "version": version, "known": VERSION}
            )
        try:
            manifest = cls(
                created=datetime.datetime.fromisoformat(data["created"]),
                engine=data["engine"],
                migrations={str(k): str(v) for k, v in data["migrations"].items()},
                row_counts={str(k): int(v) for k, v in data["row_counts"].items()},
                members={
                    str(name): Member(str(m["sha256"]), int(m["size"]))
                    for name, m in data["files"].items()
                },
                missing_attachments=[str(n) for n in data.get("missing_attachments", [])],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise bad(f"{exc.__class__.__name__}: {exc}") from None
        if manifest.engine not in DATABASE_MEMBERS:
            raise bad(_("hệ cơ sở dữ liệu “%(engine)s” không được hỗ trợ") % data)
        if manifest.database not in manifest.members:
            raise bad(_("thiếu tệp cơ sở dữ liệu %(member)s") % {"member": manifest.database})
        for name, member in manifest.members.items():
            if not member_name_is_safe(name) or not _HEX64.fullmatch(member.sha256):
                raise bad(_("mục “%(member)s” không hợp lệ") % {"member": name})
        return manifest


def member_name_is_safe(name: str) -> bool:
    """A database member, or a relative path under attachments/ that cannot climb out of the
    folder it is restored into."""
    if name in DATABASE_MEMBERS.values():
        return True
    path = PurePosixPath(name)
    parts = path.parts
    return (
        not path.is_absolute()
        and len(parts) >= 2
        and parts[0] == ATTACHMENTS
        and all(part not in ("", ".", "..") for part in parts)
        and "\\" not in name
        and "\x00" not in name
    )


def attachment_member(relative: str) -> str:
    return f"{ATTACHMENTS}/{relative}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sidecar(path: Path) -> Path:
    """The `sha256sum` file that goes beside a backup."""
    return path.with_name(f"{path.name}.sha256")


class _HashingReader:
    """Reads a file for tarfile while hashing what it reads."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._source.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


class _HashingWriter(io.RawIOBase):
    """The output file, hashed as tarfile writes it: the whole file's checksum without
    reading it back."""

    def __init__(self, target: IO[bytes]) -> None:
        super().__init__()
        self._target = target
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self.digest.update(view)
        self._target.write(view)
        return len(view)

    def tell(self) -> int:
        return self._target.tell()


class ArchiveWriter:
    """Writes a backup to `<target>.partial` and moves it into place only when complete: an
    interrupted backup never leaves a file that looks like a finished one."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._partial = target.with_name(f"{target.name}.partial")
        # Party files are confidential: the backup is readable by its owner only.
        descriptor = os.open(self._partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._hashing = _HashingWriter(self._file)
        # Closed by finish(), or by __exit__ on failure.
        self._tar = tarfile.open(  # noqa: SIM115
            fileobj=self._hashing, mode="w", format=tarfile.PAX_FORMAT
        )
        self.members: dict[str, Member] = {}

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._tar.close()
            self._file.close()
            self._partial.unlink(missing_ok=True)

    def add_file(self, name: str, source: Path) -> Member:
        info = tarfile.TarInfo(name)
        stat = source.stat()
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        with source.open("rb") as handle:
            reader = _HashingReader(handle)
            self._tar.addfile(info, reader)
        member = Member(reader.digest.hexdigest(), reader.size)
        self.members[name] = member
        return member

    def _add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), 0o600
        info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
        self._tar.addfile(info, io.BytesIO(data))

    def finish(self, manifest: Manifest) -> str:
        """Close the archive with its manifest; returns the whole file's SHA-256."""
        raw = manifest.to_json()
        self._add_bytes(MANIFEST, raw)
        self._add_bytes(MANIFEST_SUM, f"{hashlib.sha256(raw).hexdigest()}  {MANIFEST}\n".encode())
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        digest = self._hashing.digest.hexdigest()
        os.replace(self._partial, self.target)
        sidecar(self.target).write_text(f"{digest}  {self.target.name}\n", encoding="utf-8")
        return digest


def _damaged(path: Path, member: str) -> BackupError:
    return BackupError(
        _(
            "Tệp sao lưu %(file)s bị hỏng: mã kiểm tra SHA-256 của %(member)s không khớp. "
            "Không phục hồi từ tệp này; hãy dùng một bản sao lưu khác."
        )
        % {"file": path, "member": member}
    )


def _read_member(tar: tarfile.TarFile, info: tarfile.TarInfo) -> Iterator[bytes]:
    handle = tar.extractfile(info)
    if handle is None:
        raise tarfile.ReadError(info.name)
    remaining = info.size
    while remaining > 0:
        chunk = handle.read(min(_CHUNK, remaining))
        if not chunk:
            raise tarfile.ReadError(info.name)
        remaining -= len(chunk)
        yield chunk


def copy_member(
    tar: tarfile.TarFile, info: tarfile.TarInfo, expected: Member, target: IO[bytes], *, path: Path
) -> None:
    """Write one member out, checking it again on the way (the file may have changed since
    it was verified)."""
    digest = hashlib.sha256()
    for chunk in _read_member(tar, info):
        digest.update(chunk)
        target.write(chunk)
    if digest.hexdigest() != expected.sha256:
        raise _damaged(path, info.name)


@dataclass(frozen=True)
class Verified:
    manifest: Manifest
    sha256: str  # of the whole file


def _check_whole_file(path: Path) -> str:
    """The whole file's SHA-256, compared with the `.sha256` beside it when there is one."""
    digest = sha256_file(path)
    checksum_file = sidecar(path)
    if not checksum_file.exists():
        return digest
    expected = checksum_file.read_text(encoding="utf-8").split()[:1]
    if not expected or not _HEX64.fullmatch(expected[0]):
        raise BackupError(_("Tệp %(sum)s không chứa mã kiểm tra SHA-256.") % {"sum": checksum_file})
    if digest != expected[0]:
        raise BackupError(
            _(
                "Tệp sao lưu %(file)s bị hỏng hoặc không đầy đủ: mã kiểm tra SHA-256 của cả "
                "tệp không khớp với %(sum)s. Không phục hồi từ tệp này; hãy dùng một bản sao "
                "lưu khác."
            )
            % {"file": path, "sum": checksum_file.name}
        )
    return digest


def verify(path: Path) -> Verified:
    """Check a backup completely (the whole file against its `.sha256` when present, then
    the manifest and every member against their checksums), touching nothing. Raises
    `BackupError` naming the file and the member at fault."""
    if not path.is_file():
        raise BackupError(_("Không tìm thấy tệp sao lưu %(file)s.") % {"file": path})
    digest = _check_whole_file(path)
    try:
        with tarfile.open(path, mode="r:") as tar:
            return Verified(_verify_members(tar, path), digest)
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError(
            _(
                "Tệp sao lưu %(file)s bị hỏng hoặc bị cắt cụt, không đọc được (%(error)s). "
                "Không phục hồi từ tệp này; hãy dùng một bản sao lưu khác."
            )
            % {"file": path, "error": str(exc) or exc.__class__.__name__}
        ) from None


def _verify_members(tar: tarfile.TarFile, path: Path) -> Manifest:
    infos = tar.getmembers()
    repeated = {name for name, n in Counter(info.name for info in infos).items() if n > 1}
    by_name = {info.name: info for info in infos}
    for info in infos:
        if not info.isfile() or info.name in repeated:
            raise BackupError(
                _("Tệp sao lưu %(file)s có mục không hợp lệ: %(member)s.")
                % {"file": path, "member": info.name}
            )
    for required in (MANIFEST, MANIFEST_SUM):
        if required not in by_name:
            raise BackupError(
                _(
                    "Tệp sao lưu %(file)s không đầy đủ: thiếu %(member)s (tệp bị cắt cụt hoặc "
                    "không phải bản sao lưu). Không phục hồi từ tệp này."
                )
                % {"file": path, "member": required}
            )
    raw = b"".join(_read_member(tar, by_name[MANIFEST]))
    recorded = b"".join(_read_member(tar, by_name[MANIFEST_SUM])).decode(errors="replace")
    if recorded.split()[:1] != [hashlib.sha256(raw).hexdigest()]:
        raise _damaged(path, MANIFEST)
    manifest = Manifest.from_json(raw, path=path)
    present = set(by_name) - {MANIFEST, MANIFEST_SUM}
    for name in sorted(set(manifest.members) ^ present):
        raise BackupError(
            _("Tệp sao lưu %(file)s không khớp với bảng kê: %(member)s %(problem)s.")
            % {
                "file": path,
                "member": name,
                "problem": _("bị thiếu")
                if name in manifest.members
                else _("không có trong bảng kê"),
            }
        )
    for name in sorted(manifest.members):
        expected = manifest.members[name]
        digest = hashlib.sha256()
        for chunk in _read_member(tar, by_name[name]):
            digest.update(chunk)
        if by_name[name].size != expected.size or digest.hexdigest() != expected.sha256:
            raise _damaged(path, name)
    return manifest
