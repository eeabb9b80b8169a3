"""Files attached to steps (limits, scoped download, audit) and correcting a step from the
case page."""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import Case, CaseAttachment, CaseEvent, Source, Step
from dangvien.admission.services import case_open, case_record_step
from dangvien.people.models import FileView, Person, Status
from tests.conftest import World, logged_in
from tests.people.factories import make_people, make_person

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.ATTACHMENT_ROOT = tmp_path


def _case(world: World) -> tuple[Case, list[Person]]:
    members = make_people(world.cell_1, ["Đảng viên Một", "Đảng viên Hai", "Đảng viên Ba"])
    person = make_person(world.cell_1, "Nguyễn Thị Thu Hà", status=Status.CANDIDATE)
    case = case_open(acting_user=None, person=person, source=Source.OTHER, on=date(2024, 1, 15))
    return case, members


def _record_helper(world: World, upload: SimpleUploadedFile) -> tuple[Case, Any]:
    case, members = _case(world)
    response = logged_in("bithu").post(
        f"/ket-nap/{case.pk}/ghi/",
        {
            "step": Step.HELPER,
            "stage": case.stage,
            "on": "01/02/2024",
            "helper": members[0].pk,
            "attachment": upload,
        },
    )
    return case, response


def test_a_signed_scan_goes_with_the_step_and_only_the_scope_downloads_it(world: World) -> None:
    case, response = _record_helper(
        world, SimpleUploadedFile("Quyết định phân công.pdf", PDF, "application/pdf")
    )
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get(event__case=case)
    assert (attachment.name, attachment.size) == ("Quyết định phân công.pdf", len(PDF))
    page = logged_in("xa").get(f"/ket-nap/{case.pk}/").content.decode()
    assert "Quyết định phân công.pdf" in page
    url = f"/ket-nap/{case.pk}/tep/{attachment.pk}/"
    download = logged_in("xa").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "attachment;" in download["Content-Disposition"]
    assert logged_in("ngoai").get(url).status_code == 404
    step = AuditEvent.objects.filter(action="case.step").latest("id")
    assert step.changes["files"] == [None, ["Quyết định phân công.pdf"]]


def test_a_file_missing_on_disk_answers_a_page_asking_for_a_restore_and_is_logged(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Deleted by hand, or a restore without the attachments folder: not a server error."""
    case, _ = _record_helper(world, SimpleUploadedFile("Quyết định.pdf", PDF, "application/pdf"))
    attachment = CaseAttachment.objects.get(event__case=case)
    Path(attachment.file.path).unlink()
    views = FileView.objects.count()
    with caplog.at_level(logging.ERROR, logger="dangvien.admission.views"):
        response = logged_in("xa").get(f"/ket-nap/{case.pk}/tep/{attachment.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Tệp “Quyết định.pdf”" in page
    assert "không còn trên máy chủ" in page
    assert "Hãy báo quản trị viên khôi phục tệp này từ bản sao lưu" in page
    assert f'href="/ket-nap/{case.pk}/"' in page
    [record] = [r for r in caplog.records if r.name == "dangvien.admission.views"]
    assert record.levelno == logging.ERROR
    assert f"Attachment {attachment.pk} of case {case.pk}" in record.getMessage()
    assert attachment.file.name in record.getMessage()
    # Nothing was shown, so no read of the file is logged; the row itself stays.
    assert FileView.objects.count() == views
    assert CaseAttachment.objects.filter(pk=attachment.pk).exists()
    # Outside the scope it is the usual not-found, saying nothing of the file.
    outside = logged_in("ngoai").get(f"/ket-nap/{case.pk}/tep/{attachment.pk}/")
    assert outside.status_code == 404
    assert "Quyết định.pdf" not in outside.content.decode()


def test_a_program_is_refused_and_the_step_is_not_written(world: World) -> None:
    case, response = _record_helper(
        world, SimpleUploadedFile("bien-ban.pdf.exe", b"MZ\x90\x00" + b"\x00" * 64)
    )
    assert response.status_code == 200
    assert "Chỉ nhận: PDF, JPEG, PNG, Word, Excel" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Step.LISTED
    assert not CaseEvent.objects.filter(case=case, step=Step.HELPER).exists()
    assert not CaseAttachment.objects.exists()


def test_a_file_over_the_limit_is_refused(world: World, settings: Any) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    _, response = _record_helper(world, SimpleUploadedFile("to.pdf", big))
    assert "giới hạn là 1 MB" in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_a_word_file_with_macros_is_refused_when_attached_later(world: World) -> None:
    case, members = _case(world)
    case_record_step(
        acting_user=None, case=case, step=Step.HELPER, on=date(2024, 2, 1), helper=members[0]
    )
    event = case.events.get(step=Step.HELPER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", "macro")
    client = logged_in("bithu")
    url = f"/ket-nap/{case.pk}/buoc/{event.pk}/dinh-kem/"
    response = client.post(
        url, {"attachment": SimpleUploadedFile("bb.docm", buffer.getvalue())}, follow=True
    )
    assert "có chứa macro" in response.content.decode()
    assert not CaseAttachment.objects.exists()
    response = client.post(url, {"attachment": SimpleUploadedFile("bb.pdf", PDF)}, follow=True)
    assert "Đã đính kèm tệp" in response.content.decode()
    assert event.attachments.count() == 1
    assert AuditEvent.objects.filter(action="case.attach").count() == 1
    # Another cell's secretary cannot reach the case at all.
    assert (
        logged_in("ngoai").post(url, {"attachment": SimpleUploadedFile("x.pdf", PDF)}).status_code
        == 404
    )


def test_an_approver_corrects_a_step_from_the_case_page(world: World) -> None:
    case, members = _case(world)
    case_record_step(
        acting_user=None,
        case=case,
        step=Step.HELPER,
        on=date(2024, 2, 1),
        helper=members[0],
        document_number="12-NQ/CB",
    )
    event = case.events.get(step=Step.HELPER)
    url = f"/ket-nap/{case.pk}/buoc/{event.pk}/dinh-chinh/"
    assert logged_in("bithu").get(url).status_code == 403  # an editor records, an approver corrects
    assert logged_in("ngoai").get(url).status_code == 404
    client = logged_in("xa")
    form = client.get(url).content.decode()
    assert "12-NQ/CB" in form
    refused = client.post(url, {"on": "01/02/2024", "document_number": "12-NQ/CB", "reason": ""})
    assert refused.status_code == 200
    assert not event.corrections.exists()
    response = client.post(
        url,
        {
            "on": "02/02/2024",
            "document_number": "21-NQ/CB",
            "signed_by": "",
            "note": "",
            "reason": "Ghi nhầm số nghị quyết; theo biên bản họp chi bộ ngày 02/02/2024",
        },
    )
    assert response.status_code == 302
    correction = event.corrections.get()
    assert (correction.on, correction.document_number) == (date(2024, 2, 2), "21-NQ/CB")
    page = client.get(f"/ket-nap/{case.pk}/").content.decode()
    assert "Ghi nhầm số nghị quyết" in page
    assert "đã được đính chính" in page


def test_check_integrity_lists_a_missing_or_changed_attachment_file(
    world: World, tmp_path: Path
) -> None:
    from dangvien.tallies.integrity import check_integrity

    case, _ = _record_helper(world, SimpleUploadedFile("Quyết định.pdf", PDF, "application/pdf"))
    attachment = CaseAttachment.objects.get(event__case=case)
    assert [f for f in check_integrity() if f.check == "attachment"] == []
    Path(attachment.file.path).write_bytes(PDF + b"x")
    [changed] = [f.message for f in check_integrity() if f.check == "attachment"]
    assert changed == (
        f"Tệp đính kèm #{attachment.pk} (“Quyết định.pdf”, hồ sơ #{case.pk}) có dung lượng "
        f"{len(PDF) + 1} byte, hồ sơ ghi {len(PDF)} byte."
    )
    Path(attachment.file.path).unlink()
    [missing] = [f.message for f in check_integrity() if f.check == "attachment"]
    assert missing == (
        f"Tệp đính kèm #{attachment.pk} (“Quyết định.pdf”, hồ sơ #{case.pk}) không còn trên "
        f"máy chủ: {attachment.file.name}."
    )
