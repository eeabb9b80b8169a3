"""Production settings pass Django's deployment check with no warning; the development
defaults still serve the demo over plain HTTP on loopback; the headers reach error answers.

The settings module reads the environment once, at import: production is exercised in a
child process with the production environment (docs/deployment.md, "Security settings").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from dangvien.lib.security import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from tests.conftest import signed_in

LONG_SECRET = "k3Y-" + "x7Qp9zL2mVr4" * 5  # 64 characters, not a real key


def _environment(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The test process's environment without any DANGVIEN_ or database setting, plus
    `overrides`: the child sees only what the test names."""
    keep = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DANGVIEN_", "DATABASE_", "DJANGO_"))
    }
    keep.update(DJANGO_SETTINGS_MODULE="dangvien.settings", DANGVIEN_DATA_DIR=str(data_dir))
    keep.update(overrides)
    return keep


def production(data_dir: Path, **overrides: str) -> dict[str, str]:
    settings = {
        "DANGVIEN_DEBUG": "0",
        "DANGVIEN_HTTPS": "1",
        "DANGVIEN_SECRET_KEY": LONG_SECRET,
        "DANGVIEN_ALLOWED_HOSTS": "dangvien.example.vn",
        "DANGVIEN_CSRF_TRUSTED_ORIGINS": "https://dangvien.example.vn",
    }
    return _environment(data_dir, **{**settings, **overrides})


def python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """This interpreter in a child process with exactly `env`."""
    return subprocess.run(  # noqa: S603 - our own interpreter, arguments written here
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return python(["-m", "dangvien.cli", "check", "--deploy", "--fail-level", "WARNING"], env)


def test_production_settings_pass_the_deploy_check_with_no_warning(tmp_path: Path) -> None:
    result = deploy_check(production(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "no issues" in output


def test_choosing_hsts_preload_passes_the_check_without_silencing_it(tmp_path: Path) -> None:
    result = deploy_check(production(tmp_path, DANGVIEN_HSTS_PRELOAD="1"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues (0 silenced)" in output


def test_the_deploy_check_fails_on_a_short_secret_key(tmp_path: Path) -> None:
    """The check above is not vacuous: a weak production setting makes it fail."""
    result = deploy_check(production(tmp_path, DANGVIEN_SECRET_KEY="ngan-qua"))
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


_PROBE = """
import json
import django
django.setup()
from django.test import Client
response = Client().get("/tai-khoan/dang-nhap/", secure=True, HTTP_HOST="dangvien.example.vn")
plain = Client().get("/tai-khoan/dang-nhap/", HTTP_HOST="dangvien.example.vn")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "csrf_cookie_secure": bool(response.cookies["csrftoken"]["secure"]),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
}))
"""


def test_production_answers_send_hsts_and_https_only_cookies(tmp_path: Path) -> None:
    result = python(["-c", _PROBE], production(tmp_path))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert seen["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert seen["headers"]["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert seen["csrf_cookie_secure"] is True
    # Plain HTTP is sent to HTTPS.
    assert seen["plain_status"] == 301
    assert seen["plain_location"].startswith("https://dangvien.example.vn/")


def test_development_defaults_serve_the_demo_over_http_on_loopback(tmp_path: Path) -> None:
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.HTTPS, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.ALLOWED_HOSTS)"
    )
    result = python(["-c", probe], _environment(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "False False False 0 False False ['127.0.0.1', 'localhost', '[::1]']"
    )


@pytest.mark.django_db
def test_the_login_page_over_plain_http_on_loopback_works() -> None:
    """The test process runs with the development defaults: no redirect, no HSTS."""
    response = Client().get("/tai-khoan/dang-nhap/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert not response.cookies["csrftoken"]["secure"]
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


# --- headers on answers that do not come from a page --------------------------------------


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("lỗi thử")


urlpatterns = [path("hong/", _broken)]


@pytest.mark.django_db
@pytest.mark.urls("tests.lib.test_security_settings")
def test_a_server_error_carries_the_security_headers() -> None:
    client = signed_in(get_user_model().objects.create_superuser("quantri", password="x" * 12))
    client.raise_request_exception = False
    response = client.get("/hong/")
    assert response.status_code == 500
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
