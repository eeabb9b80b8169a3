"""A populated database, a snapshot of every table, and ways to spoil a backup file."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.apps import apps

from dangvien.admission.models import Source, Step
from dangvien.admission.services import Upload, case_open, case_record_step
from dangvien.ops.archive import MANIFEST, MANIFEST_SUM
from dangvien.people.models import Status
from tests.conftest import World
from tests.people.factories import make_people, make_person
from tests.reports.helpers import admit
from tests.targets.factories import make_target

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

Snapshot = dict[str, list[tuple[Any, ...]]]


def populate(world: World) -> None:
    """The named world plus members, admissions, a case with a recorded step and its signed
    scan, and a target: rows in the tree, people, admission, tallies, targets and audit."""
    members = make_people(world.cell_1, ["Đảng viên Một", "Đảng viên Hai", "Đảng viên Ba"])
    admit(world.cell_2, 4, date(2024, 3, 1))
    candidate = make_person(world.cell_1, "Nguyễn Thị Thu Hà", status=Status.CANDIDATE)
    case = case_open(
        acting_user=world.bithu, person=candidate, source=Source.OTHER, on=date(2024, 1, 15)
    )
    case_record_step(
        acting_user=world.bithu,
        case=case,
        step=Step.HELPER,
        on=date(2024, 2, 1),
        helper=members[0],
        attachments=[Upload("Quyết định phân công.pdf", PDF)],
    )
    make_target(world.an_my, "2024", 5)


def snapshot() -> Snapshot:
    """Every row of every table of every installed app, all columns, in key order."""
    tables: Snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        columns = [field.attname for field in meta.concrete_fields]
        tables[meta.db_table] = list(model._base_manager.order_by("pk").values_list(*columns))
    return tables


def damage(path: Path, member: str) -> None:
    """Flip one byte in the middle of a member's data."""
    with tarfile.open(path) as tar:
        info = tar.getmember(member)
        offset = info.offset_data + info.size // 2
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


def rewrite(source: Path, target: Path, change: Callable[[dict[str, Any]], dict[str, str]]) -> None:
    """A copy of a backup with its manifest changed by `change` (which returns members to
    rename), with checksums that match again: a well-formed backup that says something
    else."""
    with tarfile.open(source) as tar_in, tarfile.open(target, "w") as tar_out:
        manifest_file = tar_in.extractfile(MANIFEST)
        assert manifest_file is not None
        data = json.loads(manifest_file.read())
        renames = change(data)
        for old, new in renames.items():
            data["files"][new] = data["files"].pop(old)
        for info in tar_in.getmembers():
            if info.name in (MANIFEST, MANIFEST_SUM):
                continue
            content = tar_in.extractfile(info)
            assert content is not None
            info.name = renames.get(info.name, info.name)
            tar_out.addfile(info, io.BytesIO(content.read()))
        raw = json.dumps(data).encode()
        for name, data_bytes in (
            (MANIFEST, raw),
            (MANIFEST_SUM, f"{hashlib.sha256(raw).hexdigest()}  {MANIFEST}\n".encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data_bytes)
            tar_out.addfile(info, io.BytesIO(data_bytes))
