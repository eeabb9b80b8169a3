from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from dangvien.accounts.models import AuditEvent
from dangvien.lib.models import CalendarDay
from dangvien.lib.selectors import working_calendar
from tests.conftest import World, logged_in, signed_in


def _operator() -> Client:
    return signed_in(User.objects.create_superuser("vanhanh", password="x-mat-khau-dai"))


def test_the_page_lists_the_public_holidays_of_the_year(world: World) -> None:
    body = logged_in("bithu").get("/lich-lam-viec/?nam=2026").content.decode()
    assert "17/02/2026" in body  # Tết
    assert "27/04/2026" in body  # Giỗ Tổ Hùng Vương, observed
    assert "Thêm ngày" not in body  # a cell secretary does not keep the calendar


def test_an_announced_day_off_moves_deadlines_and_is_audited(world: World) -> None:
    response = _operator().post(
        "/lich-lam-viec/?nam=2026",
        {"day": "24/02/2026", "kind": "off", "source": "Thông báo (mẫu) số 1/TB-VPCP"},
    )
    assert response.status_code == 302
    assert working_calendar().add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert working_calendar().add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 25)
    event = AuditEvent.objects.get(action="calendar.set")
    assert event.changes["kind"] == [None, "off"]


def test_a_province_administrator_cannot_change_the_national_calendar(world: World) -> None:
    response = logged_in("tinh").post(
        "/lich-lam-viec/", {"day": "24/02/2026", "kind": "off", "source": "x"}
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("source", ["", "   "])
def test_a_day_needs_the_document_that_announced_it(world: World, source: str) -> None:
    response = _operator().post(
        "/lich-lam-viec/", {"day": "24/02/2026", "kind": "work", "source": source}
    )
    assert response.status_code == 200
    assert not CalendarDay.objects.exists()


def test_removing_a_day_is_audited(world: World) -> None:
    client = _operator()
    client.post("/lich-lam-viec/", {"day": "24/02/2026", "kind": "off", "source": "TB 1"})
    record = CalendarDay.objects.get()
    assert logged_in("tinh").post(f"/lich-lam-viec/{record.pk}/bo/").status_code == 403
    assert client.post(f"/lich-lam-viec/{record.pk}/bo/").status_code == 302
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.remove").count() == 1
