"""The web import: upload → background check → problems listed → fix → commit → created."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangvien.accounts.models import AuditEvent
from dangvien.people import tasks
from dangvien.people.importer import ImportReport, import_people
from dangvien.people.models import ImportJob, Person
from tests.conftest import World, logged_in
from tests.people.test_import import row, workbook

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = IMMEDIATE


def _upload(client: object, world: World, content: bytes, name: str = "ds.xlsx") -> ImportJob:
    response = client.post(  # type: ignore[attr-defined]
        "/nhap-excel/",
        {
            "unit": world.cell_1.pk,
            "kind": "members",
            "file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == f"/nhap-excel/{job.pk}/"
    return job


def test_upload_check_fix_commit(world: World) -> None:
    client = logged_in("bithu")
    page = client.get("/nhap-excel/").content.decode()
    assert "Chi bộ khu phố 1" in page
    assert "Chi bộ khu phố 2" not in page

    bad = workbook([row("Nguyễn Thị An"), row("Trần Văn Bình", **{"Ngày sinh": "32/13/1990"})])
    job = _upload(client, world, bad, "sai.xlsx")
    assert AuditEvent.objects.filter(action="import.upload", target_id=str(job.pk)).exists()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert bytes(job.content) == b""
    page = client.get(f"/nhap-excel/{job.pk}/").content.decode()
    assert "32/13/1990" in page
    assert re.search(r"<td>3</td><td>Ngày sinh</td>", page)
    assert "Ghi vào hệ thống" not in page
    assert client.post(f"/nhap-excel/{job.pk}/ghi/").status_code == 404
    assert not Person.objects.exists()

    good = workbook([row("Nguyễn Thị An"), row("Trần Văn Bình")])
    job = _upload(client, world, good, "dung.xlsx")
    progress = client.get(f"/nhap-excel/{job.pk}/tien-do/").content.decode()
    assert "Ghi vào hệ thống" in progress
    assert "hx-trigger" not in progress
    assert not Person.objects.exists()
    response = client.post(f"/nhap-excel/{job.pk}/ghi/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert job.created_count == 2
    assert bytes(job.content) == b""
    assert "Đã ghi 2 người vào hệ thống." in client.get(f"/nhap-excel/{job.pk}/").content.decode()
    assert Person.objects.count() == 2
    # Committing twice writes nothing more.
    assert client.post(f"/nhap-excel/{job.pk}/ghi/").status_code == 404
    assert Person.objects.count() == 2


def _running_job(world: World, state: str, content: bytes = b"") -> ImportJob:
    """A job its background task is working on: 4 rows of 10 done."""
    return ImportJob.objects.create(
        kind="members",
        unit=world.cell_1,
        file_name="x.xlsx",
        content=content,
        state=state,
        total=10,
        processed=4,
    )


def test_running_job_polls_with_a_progress_bar(world: World) -> None:
    job = _running_job(world, ImportJob.State.CHECKING)
    page = logged_in("bithu").get(f"/nhap-excel/{job.pk}/").content.decode()
    assert f'hx-get="/nhap-excel/{job.pk}/tien-do/"' in page
    assert 'hx-trigger="every 1s"' in page
    assert '<progress id="import-progress" max="10" value="4">' in page


def test_an_interrupted_job_is_shown_so_and_may_be_abandoned(world: World) -> None:
    """A task killed mid-import leaves its job "importing" for ever (nothing was written: one
    transaction). After IMPORT_STALL_MINUTES without a sign of life the page says so and
    offers to abandon it; a job that still moves cannot be abandoned."""
    job = _running_job(world, ImportJob.State.IMPORTING, b"PK personal data")
    client = logged_in("bithu")
    page = client.get(f"/nhap-excel/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "Bỏ lần nhập này" not in page
    refused = client.post(f"/nhap-excel/{job.pk}/bo/", follow=True).content.decode()
    assert "chưa thể bỏ" in refused
    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING  # still alive: refused
    assert not AuditEvent.objects.filter(action="import.abandon").exists()

    ImportJob.objects.filter(pk=job.pk).update(
        touched_at=timezone.now() - timedelta(minutes=settings.IMPORT_STALL_MINUTES + 1)
    )
    page = client.get(f"/nhap-excel/{job.pk}/").content.decode()
    assert "không tiến triển đã hơn 15 phút" in page
    assert "hx-trigger" not in page
    assert logged_in("ngoai").post(f"/nhap-excel/{job.pk}/bo/").status_code == 404
    assert client.post(f"/nhap-excel/{job.pk}/bo/").status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert bytes(job.content) == b""
    assert "bị gián đoạn" in job.problems[0]["message"]
    assert AuditEvent.objects.filter(action="import.abandon", target_id=str(job.pk)).exists()
    assert "Hãy gửi lại tệp" in client.get(f"/nhap-excel/{job.pk}/").content.decode()


def test_the_tasks_mark_each_step_as_a_sign_of_life(world: World) -> None:
    good = workbook([row("Nguyễn Thị An")])
    job = _upload(logged_in("bithu"), world, good)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    assert job.touched_at is not None
    assert not job.stalled(timezone.now(), settings.IMPORT_STALL_MINUTES)


def test_a_commit_marks_itself_alive_before_it_writes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's progress is written inside its transaction, unseen by the page until the
    commit: the mark of the commit's start is what keeps a file checked long ago from
    looking interrupted (and abandonable) while it is written."""
    client = logged_in("bithu")
    job = _upload(client, world, workbook([row("Nguyễn Thị An")]))
    long_ago = timezone.now() - timedelta(minutes=settings.IMPORT_STALL_MINUTES + 1)
    ImportJob.objects.filter(pk=job.pk).update(touched_at=long_ago)
    stalled_when_writing: list[bool] = []

    def watched(**arguments: Any) -> ImportReport:
        seen = ImportJob.objects.get(pk=job.pk)
        stalled_when_writing.append(seen.stalled(timezone.now(), settings.IMPORT_STALL_MINUTES))
        return import_people(**arguments)

    monkeypatch.setattr(tasks, "import_people", watched)
    assert client.post(f"/nhap-excel/{job.pk}/ghi/").status_code == 302
    assert stalled_when_writing == [False]
    assert Person.objects.count() == 1


def test_jobs_are_scoped(world: World) -> None:
    job = ImportJob.objects.create(
        kind="members", unit=world.cell_1, file_name="x.xlsx", content=b""
    )
    for username in ("ngoai",):
        client = logged_in(username)
        assert client.get(f"/nhap-excel/{job.pk}/").status_code == 404
        assert client.get(f"/nhap-excel/{job.pk}/tien-do/").status_code == 404
        assert client.post(f"/nhap-excel/{job.pk}/ghi/").status_code == 404
    assert logged_in("xa").get(f"/nhap-excel/{job.pk}/").status_code == 200


def test_outsider_cannot_upload_to_a_foreign_unit(world: World) -> None:
    client = logged_in("ngoai")
    response = client.post(
        "/nhap-excel/",
        {
            "unit": world.cell_1.pk,
            "kind": "members",
            "file": SimpleUploadedFile("x.xlsx", workbook([row("A")])),
        },
    )
    assert response.status_code == 200
    assert not ImportJob.objects.exists()


def test_templates_download(world: World) -> None:
    client = logged_in("ngoai")
    response = client.get("/nhap-excel/mau/members/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/nhap-excel/mau/khac/").status_code == 404
