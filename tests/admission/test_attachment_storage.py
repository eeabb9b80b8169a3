"""Attachments are stored where the settings say at the moment of storing."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.test import override_settings

from dangvien.admission.models import CaseAttachment


def test_the_folder_is_read_when_a_file_is_stored(tmp_path: Path) -> None:
    storage = CaseAttachment._meta.get_field("file").storage
    for folder in (tmp_path / "one", tmp_path / "two"):
        with override_settings(ATTACHMENT_ROOT=folder):
            name = storage.save("2026/11/giay.pdf", ContentFile(b"%PDF-1.4"))
            assert (folder / name).read_bytes() == b"%PDF-1.4"
            assert storage.path(name) == str(folder / name)
