"""Every page keeps to the Content-Security-Policy: no inline script, no inline style, no event
handler attribute, no `javascript:` URL; and every answer carries the security headers.

The walk reuses the every-URL walk of `tests/accounts/test_scope_every_url.py`: the objects it
makes belong to Quảng Nam, which the province administrator `tinh` may see, so here the pages
render with data instead of answering 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import reverse

from dangvien.admission.models import CaseAttachment
from dangvien.lib.security import SECURITY_HEADERS
from tests.accounts.test_scope_every_url import _fill, _foreign_objects, all_routes
from tests.conftest import World, logged_in, signed_in
from tests.people.factories import make_person

# `<script type="application/json">` holds data (Django's json_script); browsers never run it.
_DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class _InlineCodeFinder(HTMLParser):
    """Collects what a strict policy would block, each as a short readable string."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and "src" not in values:
            script_type = (values.get("type") or "").strip().lower()
            if script_type not in _DATA_SCRIPT_TYPES:
                self._in_inline_script = True
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name in _URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def inline_code(html: str) -> list[str]:
    finder = _InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def missing_headers(response: Any) -> list[str]:
    return [name for name, value in SECURITY_HEADERS.items() if response.headers.get(name) != value]


def _is_html(response: Any) -> bool:
    return str(response.headers.get("Content-Type", "")).startswith("text/html")


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return bytes(response.content).decode("utf-8", errors="replace")


def _walk(client: Client, urls: Iterable[tuple[str, str]]) -> tuple[int, list[str]]:
    """GET and POST each URL (a form sent empty shows its errors); returns the number of HTML
    pages that answered 200 and the problems found. Logging out would end the walk: it is
    only fetched."""
    pages = 0
    problems: list[str] = []
    for name, url in urls:
        for method in ("get",) if name == "accounts:logout" else ("get", "post"):
            response = getattr(client, method)(url)
            where = f"{method.upper()} {url} ({name}) → {response.status_code}"
            lacking = missing_headers(response)
            if lacking:
                problems.append(f"{where}: headers missing {lacking}")
            if _is_html(response):
                pages += response.status_code == 200
                problems.extend(f"{where}: {found}" for found in inline_code(_body(response)))
    return pages, problems


# --- the checker itself ----------------------------------------------------------------------


def test_the_checker_finds_each_kind_of_inline_code() -> None:
    page = """
    <script>alert(1)</script><script src="/static/x.js"></script>
    <script type="application/json" id="d">{"a": 1}</script>
    <style>p { color: red }</style>
    <p style="color: red">x</p><button onclick="go()">x</button>
    <div hx-on:click="go()"></div><a href="javascript:go()">x</a>
    <svg><rect onload="go()"/></svg>
    """
    found = inline_code(page)
    assert found == [
        "<script> without src",
        "<style> element",
        '<p style="color: red">',
        "<button onclick=…>",
        "<div hx-on:click=…>",
        "<a href=javascript:go()>",
        "<rect onload=…>",
    ]


def test_the_checker_passes_a_clean_page() -> None:
    page = (
        '<link rel="stylesheet" href="/static/a.css"><script src="/static/a.js" defer></script>'
        '<button type="button" data-print class="x">In</button><a href="/nguoi/">x</a>'
    )
    assert inline_code(page) == []


# --- the project's pages ---------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_has_no_inline_code_and_sends_the_security_headers(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The walk's attachment row names this file; the download must find it. Django builds a
    # field's callable storage once, at import, so the field itself is pointed at tmp_path.
    field = CaseAttachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path))
    (tmp_path / "2026" / "01").mkdir(parents=True)
    (tmp_path / "2026" / "01" / "x.pdf").write_bytes(b"%PDF-1.4\n")
    objects = _foreign_objects(world)
    urls = [
        (route.name, _fill(route, objects))
        for route in all_routes()
        if not route.name.startswith("admin:")
    ]
    pages, problems = _walk(logged_in("tinh"), urls)
    assert not problems, "\n".join(problems)
    # The pages render with data (68 answer 200 today), not only redirects and 404s.
    assert pages > 60


@pytest.mark.django_db
def test_login_and_error_pages_have_no_inline_code(world: World) -> None:
    pages, problems = _walk(Client(), [("accounts:login", reverse("accounts:login"))])
    not_found = logged_in("bithu").get("/khong-co-trang-nay/")
    # A cell secretary (editor) may not record a change of status (approvers do).
    person = make_person(world.cell_1, "Trần Văn Bình")
    forbidden = logged_in("bithu").get(reverse("people:person_status", args=[person.pk]))
    assert (not_found.status_code, forbidden.status_code) == (404, 403)
    for response in (not_found, forbidden):
        problems.extend(inline_code(_body(response)) + missing_headers(response))
    assert not problems, "\n".join(problems)
    assert pages == 2  # the login form, and the same form showing its errors


@pytest.mark.django_db
def test_static_files_carry_the_headers_too() -> None:
    response = Client().get("/static/dangvien/print.js")
    assert response.status_code == 200
    assert missing_headers(response) == []


# --- Django's admin ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_has_no_inline_script_and_sends_the_headers(world: World) -> None:
    """Django 5.2's admin loads its scripts from files; the policy needs nothing for it."""
    from django.contrib import admin

    client = signed_in(get_user_model().objects.create_superuser("quantri", password="x" * 12))
    urls = [("admin:index", reverse("admin:index"))]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(("admin:changelist", reverse("admin:{}_{}_changelist".format(*info))))
        urls.append(("admin:add", reverse("admin:{}_{}_add".format(*info))))
    pages = 0
    problems: list[str] = []
    for name, url in urls:
        response = client.get(url)
        where = f"GET {url} ({name}) → {response.status_code}"
        if missing_headers(response):
            problems.append(f"{where}: headers missing {missing_headers(response)}")
        if response.status_code == 200:
            pages += 1
            problems.extend(f"{where}: {found}" for found in inline_code(_body(response)))
    assert not problems, "\n".join(problems)
    assert pages > 5
