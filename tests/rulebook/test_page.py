from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.test import Client

from dangvien.accounts.models import AuditEvent
from dangvien.rulebook.models import RuleVersion
from dangvien.rulebook.selectors import rule_in_force
from tests.conftest import World, logged_in, signed_in


def _operator() -> Client:
    return signed_in(User.objects.create_superuser("vanhanh", password="x-mat-khau-dai"))


def test_the_page_shows_each_rule_in_force_with_its_source(world: World) -> None:
    body = logged_in("bithu").get("/quy-dinh/").content.decode()
    assert "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng có giá trị 60 tháng" in body
    assert "Quy định 294-QĐ/TW" in body
    assert "Thêm phiên bản" not in body


def test_a_national_administrator_adds_a_version_from_a_date(world: World) -> None:
    response = _operator().post(
        "/quy-dinh/",
        {
            "key": "deadline.ceremony_working_days",
            "effective_from": "01/01/2027",
            "value": "20",
            "source": "Văn bản (mẫu) 1-HD/BTCTW",
        },
    )
    assert response.status_code == 302
    assert rule_in_force("deadline.ceremony_working_days", date(2026, 12, 31)).value == 30
    assert rule_in_force("deadline.ceremony_working_days", date(2027, 1, 1)).value == 20
    assert AuditEvent.objects.filter(action="rule.version").count() == 1


def test_a_value_of_another_kind_is_refused(world: World) -> None:
    before = RuleVersion.objects.count()
    response = _operator().post(
        "/quy-dinh/",
        {"key": "vote.cell_threshold", "effective_from": "01/01/2027", "value": "2", "source": "x"},
    )
    assert response.status_code == 200
    assert "cùng kiểu" in response.content.decode()
    assert RuleVersion.objects.count() == before


def test_a_province_administrator_cannot_change_the_rules(world: World) -> None:
    response = logged_in("tinh").post(
        "/quy-dinh/",
        {"key": "probation.months", "effective_from": "01/01/2027", "value": "6", "source": "x"},
    )
    assert response.status_code == 403


def test_a_nul_written_in_the_json_of_a_value_is_refused(world: World) -> None:
    """The form's text field refuses a NUL typed as such; JSON's "\\u0000" gets past it, and
    PostgreSQL's jsonb cannot hold it (a 500 there): a text rule and a list rule."""
    client = _operator()
    before = (RuleVersion.objects.count(), AuditEvent.objects.count())
    for key, value in (
        ("member.party_age_from", '"a\\u0000"'),
        ("vote.cell_threshold", '["\\u0000"]'),
    ):
        response = client.post(
            "/quy-dinh/",
            {"key": key, "effective_from": "01/01/2027", "value": value, "source": "x"},
        )
        assert response.status_code == 200
        assert "Giá trị không được chứa ký tự NUL" in response.content.decode()
    assert (RuleVersion.objects.count(), AuditEvent.objects.count()) == before
