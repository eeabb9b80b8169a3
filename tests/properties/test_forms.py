"""Every page that posts a form, fed generated data as a user of the page's own subtree.

The walk reuses the every-URL test's route list and its objects (they are in Quảng Nam's
subtree: foreign there to the outsider, the user's own here, for the province officer
`tinh` and the commune officer `xa`). Each page is opened; each form it holds (and each
htmx post) is sent generated values for its own field names: choices of its selects and
others, Vietnamese and control text, formulas, huge numbers, dates in many forms, and files.
The answer may be a page with errors, a redirect, a refusal or a rate limit, never a 500.
Each example is rolled back, so a post that succeeds does not change the next one's world."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.accounts.test_scope_every_url import Route, _fill, _foreign_objects, all_routes
from tests.conftest import World, logged_in
from tests.people.factories import make_person
from tests.properties.strategies import DATE_TEXT, FORMULAS, HUGE, TEXT, write_workbook

ALLOWED = {200, 302, 400, 403, 404, 405, 409, 422, 429}
# Django's admin is reached by staff only and is Django's own; the API's payloads are
# walked by the schemathesis test (tests/api).
SKIPPED = ("admin:", "api:")
# Generated posts per form, besides the two written ones (`_extremes`, `_nul_everywhere`):
# what the walk found at random (a NUL reaching PostgreSQL from a value a view reads itself)
# is now sent to every field of every form each run, so the generated ones can be fewer.
EXAMPLES_PER_FORM = 5


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea" or "button"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str  # "post", or "get" for a filter or search form
    fields: dict[str, Field] = field(default_factory=dict)


class _Forms(HTMLParser):
    """The forms of a page (and elements that post by htmx), with their fields."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            posts = a.get("method", "").lower() == "post" or "hx-post" in a
            action = a.get("hx-post") or a.get("action") or self.url
            self.current = Form(urljoin(self.url, action), "post" if posts else "get")
            self.forms.append(self.current)
            return
        if "hx-post" in a:
            self.forms.append(Form(urljoin(self.url, a["hx-post"]), "post"))
        if self.current is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text").lower()
            self.current.fields.setdefault(name, Field(name, kind, a.get("value", "")))
            self.current.fields[name].options.append(a.get("value", "on"))
        elif tag in ("textarea", "button") and name:
            self.current.fields.setdefault(name, Field(name, tag, a.get("value", "")))
            self.current.fields[name].options.append(a.get("value", ""))
        elif tag == "select" and name:
            self.select = self.current.fields.setdefault(name, Field(name, "select"))
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_of(url: str, html: str) -> list[Form]:
    parser = _Forms(url)
    parser.feed(html)
    return [f for f in parser.forms if urlsplit(f.action).path.startswith("/")]


_GOOD_WORKBOOK = write_workbook(
    ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã chi bộ"],
    [["Nguyễn Thị An", "17/05/1990", "Nữ", "Kinh", "QN.TK.AM.1"]],
)
FILES = st.one_of(
    st.binary(max_size=300),
    st.just(_GOOD_WORKBOOK),
    st.just(_GOOD_WORKBOOK[:200]),
    st.binary(max_size=100).map(lambda b: b"%PDF-1.4\n" + b),
    st.just(b"PK\x03\x04" + b"\0" * 40),
)
ANY_TEXT = st.one_of(TEXT, FORMULAS, HUGE.map(str), DATE_TEXT, st.just(""))


def _value(f: Field) -> st.SearchStrategy[Any]:
    """A value for one field: mostly what the field offers, sometimes anything."""
    if f.kind == "file":
        names = st.sampled_from(["ds.xlsx", "quyet-dinh.pdf", "../../x.exe", "a" * 300 + ".png"])
        return st.builds(
            lambda content, name: SimpleUploadedFile(name, content),
            FILES,
            names,
        )
    offered = [o for o in f.options if o is not None]
    if f.kind in ("select", "radio", "checkbox", "hidden", "submit", "button") and offered:
        picked = st.sampled_from(offered)
        many = st.lists(picked, max_size=3, unique=True)
        return st.one_of(picked, picked, many, ANY_TEXT)
    if f.kind == "date" or "date" in f.name or "ngay" in f.name or f.name.endswith("_on"):
        return st.one_of(DATE_TEXT, ANY_TEXT)
    if f.kind == "number":
        return st.one_of(st.integers(-(10**20), 10**20).map(str), ANY_TEXT)
    if f.kind == "password":
        return st.one_of(st.just("mat-khau-thu-nghiem-2025"), ANY_TEXT)
    return ANY_TEXT


def _payload(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """Each field may be left out (a browser would not send an unticked box, a crafted post
    sends what it likes), sent once, or sent with several values."""
    absent = st.just(None)
    return st.fixed_dictionaries(
        {name: st.one_of(absent, _value(f)) for name, f in form.fields.items()}
    ).map(lambda d: {k: v for k, v in d.items() if v is not None})


def _extremes(form: Form) -> dict[str, Any]:
    """Every field at once at the far end: offered choices where there are some, else a
    number no column holds (rare by chance among the generated values, so always sent)."""
    data: dict[str, Any] = {}
    for name, f in form.fields.items():
        if f.kind == "file":
            continue
        if f.kind in ("select", "radio", "checkbox", "hidden", "submit", "button") and f.options:
            data[name] = f.options[-1]
        elif f.kind == "date" or "date" in name or name.endswith("_on"):
            data[name] = "31/12/9999"
        else:
            data[name] = "9" * 25
    return data


def _nul_everywhere(form: Form) -> dict[str, Any]:
    """Every field at once holding a NUL, which PostgreSQL's text cannot (SQLite's can): a
    value a view reads itself, not through a form field (which refuses NUL), reaches the
    query with it (found at random by this walk on PostgreSQL; sent to every field since)."""
    return {name: f"9\x00{f.value}" for name, f in form.fields.items() if f.kind != "file"}


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _pages(world: World) -> Iterator[tuple[Route, str]]:
    own = _foreign_objects(world)
    for route in all_routes():
        if not route.name.startswith(SKIPPED):
            yield route, _fill(route, own)


def _fuzz(username: str, route: Route, form: Form, answers: Counter[int]) -> None:
    """Post generated data to one form, each example in its own rolled-back savepoint."""

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=_payload(form))
    @example(data=_extremes(form))
    @example(data=_nul_everywhere(form))
    def post(data: dict[str, Any]) -> None:
        with rolled_back():
            client = logged_in(username) if username else Client()
            if form.method == "get":
                plain = {k: v for k, v in data.items() if not isinstance(v, SimpleUploadedFile)}
                status = client.get(form.action, plain).status_code
            else:
                status = client.post(form.action, data).status_code
        answers[status] += 1
        assert status in ALLOWED, f"{route.name}: POST {form.action} {data!r} → {status}"

    post()


@pytest.mark.parametrize("username", ["tinh", "xa", "bithu", ""])
def test_every_form_answers_generated_posts_without_a_server_error(
    world: World, username: str, settings: Any, tmp_path: Path
) -> None:
    # The every-URL test's attachment is a row alone (its outsider never reaches the file);
    # here the user may download it, so it is given its file.
    settings.ATTACHMENT_ROOT = tmp_path
    (tmp_path / "2026" / "01").mkdir(parents=True)
    (tmp_path / "2026" / "01" / "x.pdf").write_bytes(b"%PDF-1.4\n")
    reader = logged_in(username) if username else Client()
    walked: list[str] = []
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    answers: Counter[int] = Counter()
    for route, url in _pages(world):
        with rolled_back():
            page = reader.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        for form in forms_of(url, page.content.decode("utf-8", "replace")):
            # The header's forms (language, sign-out) are on every page: posted once.
            key = (form.method, form.action, tuple(sorted(form.fields)))
            if key in seen:
                continue
            seen.add(key)
            walked.append(f"{route.name} → {form.action}")
            _fuzz(username, route, form, answers)
    # The walk means something only if it reached the pages that post...
    # (signed out: the sign-in, password-reset and language forms).
    assert len(walked) >= (15 if username else 3), walked
    # ... and if the generated posts both failed validation (200) and succeeded (302).
    assert {200, 302} <= set(answers), answers


def test_a_nul_in_a_raw_query_value_is_not_a_server_error(world: World) -> None:
    """Found on PostgreSQL by the walk (its text cannot hold NUL, SQLite's can): values a
    view reads itself, not through a form field (which refuses NUL), reached the query."""
    client = logged_in("xa")
    assert client.get("/tai-khoan/nhat-ky/", {"thao_tac": "import\x00"}).status_code == 200
    # The filter's NUL is dropped: it finds what the filter without it finds (a prefix, as
    # SQLite's LIKE would stop at the NUL and match the whole action alone).
    event = client.get("/tai-khoan/nhat-ky/").context["page"].object_list[0]
    filtered = client.get("/tai-khoan/nhat-ky/", {"thao_tac": event.action[:-1] + "\x00"})
    assert event in filtered.context["page"].object_list
    # A page key with NUL is no key: the list starts from its first page.
    make_person(world.cell_1, "Nguyễn Thị Khóa")
    people = client.get("/nguoi/", {"sau": "a\x00", "sau_id": "1"})
    assert people.status_code == 200
    assert "Nguyễn Thị Khóa" in people.content.decode()
