"""The forms page and the downloads: any logged-in user, blank or sample, Word or PDF."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from tests.conftest import World, logged_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.django_db
def test_the_list_shows_every_form_with_its_downloads(world: World) -> None:
    response = logged_in("bithu").get("/bieu-mau/")
    assert response.status_code == 200
    body = response.content.decode()
    for code in ("CN-NTVĐ", "1-KNĐ", "6-KNĐ", "15-KNĐ", "QĐ-CNCT"):
        assert code in body
    assert f"/bieu-mau/{quote('6-KNĐ')}/pdf/?mau=1" in body
    assert 'href="/bieu-mau/"' in body  # the navigation link


@pytest.mark.django_db
def test_a_blank_form_downloads_as_word(world: World) -> None:
    response = logged_in("ngoai").get("/bieu-mau/1-KNĐ/docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response.content.startswith(b"PK")
    disposition = response["Content-Disposition"]
    assert 'filename="Mau-1-KND.docx"' in disposition
    assert f"filename*=UTF-8''{quote('Mẫu-1-KNĐ.docx')}" in disposition


@pytest.mark.django_db
def test_the_sample_form_downloads_as_pdf(world: World) -> None:
    response = logged_in("bithu").get("/bieu-mau/6-KNĐ/pdf/?mau=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="Mau-6-KND-vi-du.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login(world: World) -> None:
    for url in ("/bieu-mau/", "/bieu-mau/1-KNĐ/docx/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/dang-nhap/" in response["Location"] or "next=" in response["Location"]


@pytest.mark.django_db
def test_an_unknown_form_or_format_is_not_found(world: World) -> None:
    client = logged_in("bithu")
    assert client.get("/bieu-mau/99-KNĐ/docx/").status_code == 404
    assert client.get("/bieu-mau/1-KNĐ/odt/").status_code == 404
