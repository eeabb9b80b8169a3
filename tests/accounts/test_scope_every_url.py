"""Walks every URL pattern of the project as a user of a sibling subtree.

A new URL is picked up by itself: its parameters are filled from `FOREIGN_OBJECTS`, and a
parameter the test does not know fails the test until someone says which foreign object it
takes. No answer may be a 200 that shows the other subtree's data.

The API's routes are walked twice: with the pages (the signed-in session) and again with the
outsider's own API token, by every method, with a write's body that would succeed on an
object in scope: a foreign object answers 404, a list answers without the other subtree.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.http import urlsafe_base64_encode

from dangvien.accounts.models import AuditEvent, RoleGrant
from dangvien.admission.models import Case, CaseAttachment
from dangvien.admission.services import case_open
from dangvien.api.models import ApiToken
from dangvien.api.services import api_token_create
from dangvien.lib.models import CalendarDay
from dangvien.people.models import ImportJob
from dangvien.targets.models import Target
from dangvien.training.models import Enrolment, TrainingClass
from tests.conftest import World, logged_in
from tests.people.factories import make_person
from tests.training.factories import make_class

FOREIGN_PERSON = "Hoàng Thị Ngoại Vi"
FOREIGN_CANDIDATE = "Đỗ Văn Ứng Viên"
FOREIGN_SPARE = "Lý Thị Dự Bị"
FOREIGN_TOKEN = "Mã truy cập của bí thư khu phố 1"
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    params: tuple[str, ...]


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        else:
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            full = prefix + str(entry.pattern)
            params = tuple(a or b for a, b in _PARAM.findall(full))
            yield Route(name, full, params)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def _fill(route: Route, foreign: dict[str, str]) -> str:
    path = route.pattern
    for param in route.params:
        key = f"{route.name}:{param}"
        value = foreign.get(key) or foreign.get(f"{route.name.split(':')[0]}:*:{param}")
        if value is None:
            pytest.fail(
                f"URL {route.name} ({route.pattern}) has parameter {param!r}: "
                "add the foreign object it takes to _foreign_objects()"
            )
        path = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", value, path, count=1)
    path = path.replace("\\", "").replace("^", "").replace("$", "")
    return "/" + path


def _foreign_objects(world: World) -> dict[str, str]:
    """For each URL parameter, an object of Quảng Nam's subtree (foreign to the outsider)."""
    grant = RoleGrant.objects.get(user=world.bithu)
    event = AuditEvent.objects.filter(unit=world.cell_1).first()
    assert event is not None
    day = CalendarDay.objects.create(date=date(2026, 2, 24), kind="off", source="TB 1")
    person = make_person(world.cell_1, FOREIGN_PERSON)
    job = ImportJob.objects.create(
        kind="members", unit=world.cell_1, file_name="chi-bo-1.xlsx", content=b"x"
    )
    training_class = make_class(world.an_my)
    case = case_open(
        acting_user=None,
        person=make_person(world.cell_1, FOREIGN_CANDIDATE, status="candidate"),
        source="other",
        on=date(2026, 1, 5),
    )
    listed = case.events.get()
    # The row alone (no file on disk): an outsider is turned away before any file is opened.
    attachment = CaseAttachment.objects.create(
        event=listed, file="2026/01/x.pdf", name="x.pdf", content_type="application/pdf",
        size=1, sha256="0" * 64,
    )  # fmt: skip
    spare = make_person(world.cell_1, FOREIGN_SPARE, status="candidate")
    token = api_token_create(acting_user=world.bithu, name=FOREIGN_TOKEN, days=30).token
    return {
        # The API (paths, then the write bodies `_api_bodies` sends).
        "api:*:unit_id": str(world.cell_1.pk),
        "api:*:person_id": str(person.pk),
        "api:*:case_id": str(case.pk),
        "api:*:event_id": str(listed.pk),
        "api:*:kind": "members",
        "api:*:class_id": str(training_class.pk),
        "api:*:name": "achievement",
        "api:*:period": "2026",
        "api_tokens:*:pk": str(token.pk),
        "api:body:spare": str(spare.pk),
        "people:*:pk": str(person.pk),
        "admission:*:pk": str(case.pk),
        "admission:*:event": str(listed.pk),
        "admission:*:attachment": str(attachment.pk),
        "admission:*:unit": str(world.cell_1.pk),
        "admission:*:code": "1-KNĐ",
        "admission:*:fmt": "docx",
        "training:*:pk": str(training_class.pk),
        # Every targets URL with a pk takes a unit.
        "targets:*:pk": str(world.an_my.pk),
        "people:*:unit": str(world.cell_1.pk),
        "people:*:kind": "members",
        "people_import:*:pk": str(job.pk),
        "people_import:*:unit": str(world.cell_1.pk),
        "people_import:*:kind": "members",
        # The official forms are the same for everyone: a code names a form, not an object.
        "documents:*:code": "1-KNĐ",
        "documents:*:fmt": "docx",
        "lib:*:pk": str(day.pk),
        "reports:*:pk": str(world.cell_1.pk),
        # A report is named by the registry, the same for everyone: the unit is what is foreign.
        "reports:*:name": "achievement",
        "orgs:*:pk": str(world.cell_1.pk),
        "accounts:grant_revoke:pk": str(grant.pk),
        # Another user's reset link with a made-up token: the "link no longer works" page.
        "accounts:password_reset_confirm:uidb64": urlsafe_base64_encode(
            str(world.bithu.pk).encode()
        ),
        "accounts:password_reset_confirm:token": "x",
        # Django's own admin: reached only by staff; any value shows the redirect to its login.
        "admin:*:object_id": str(world.cell_1.pk),
        "admin:*:pk": str(world.bithu.pk),
        "admin:*:app_label": "orgs",
        "admin:*:content_type_id": "1",
        "admin:*:url": "orgs/unit/",
        "admin:*:uidb64": "MQ",
        "admin:*:token": "x",
        "admin:*:user_id": str(world.bithu.pk),
        "admin:*:id": str(world.bithu.pk),
    }


def _foreign_markers(world: World) -> list[str]:
    return [
        world.quang_nam.name,
        world.tam_ky.name,
        world.an_my.name,
        world.cell_1.code,
        world.cell_2.code,
        world.tam_ky.code,
        "bithu",
        "Người thử xa",
        FOREIGN_PERSON,
        FOREIGN_CANDIDATE,
        FOREIGN_SPARE,
        FOREIGN_TOKEN,
        "chi-bo-1.xlsx",
    ]


def _text_of(response: Any) -> str:
    """What a person could read in the answer: the page, or the text inside a downloaded
    workbook or Word file (zip archives of XML)."""
    content = (
        response.content
        if not getattr(response, "streaming", False)
        else b"".join(response.streaming_content)
    )
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", errors="replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return bytes(content).decode("utf-8", errors="replace")


@pytest.mark.django_db
def test_every_url_hides_a_sibling_subtree(world: World) -> None:
    client = logged_in("ngoai")
    foreign = _foreign_objects(world)
    markers = _foreign_markers(world)
    checked = 0
    for route in all_routes():
        url = _fill(route, foreign)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            checked += 1
            if response.status_code == 200:
                body = _text_of(response)
                leaked = [m for m in markers if m in body]
                assert not leaked, f"{method.upper()} {url} ({route.name}) shows {leaked}"
    # The revoke URLs must not have revoked the foreign grant nor the foreign API token.
    assert RoleGrant.objects.get(user=world.bithu).revoked_at is None
    assert ApiToken.objects.get(user=world.bithu).revoked_at is None
    assert CalendarDay.objects.exists()
    assert checked > 20


def _api_bodies(foreign: dict[str, str]) -> dict[str, dict[str, Any]]:
    """For each API path that writes: a body that would be accepted on an object in scope."""
    return {
        "api/v1/cases": {"person_id": int(foreign["api:body:spare"]), "source": "other",
                         "on": "2026-01-06"},
        "api/v1/cases/<case_id>/steps": {"step": "helper", "on": "2026-01-06",
                                         "helper_id": int(foreign["api:*:person_id"])},
        "api/v1/targets/<unit_id>/<period>": {"admissions": 3},
        "api/v1/cases/<case_id>/events/<event_id>/corrections": {"reason": "Sai số văn bản"},
        "api/v1/classes": {"organiser_id": int(foreign["api:*:unit_id"]), "kind": "awareness",
                           "name": "Lớp ngoài", "start": "2026-01-05", "end": "2026-01-09"},
        "api/v1/classes/<class_id>/enrolments": {"person_ids": [int(foreign["api:body:spare"])]},
        "api/v1/classes/<class_id>/results": {
            "results": [{"person_id": int(foreign["api:body:spare"]), "result": "pending"}]},
    }  # fmt: skip


# Query parameters of the API's lists that name a unit: a foreign one answers 404.
API_UNIT_FILTERS = {
    "api:units_list": ("parent", "under"),
    "api:people_list": ("unit",),
    "api:cases_list": ("unit",),
    "api:classes_list": ("organiser",),
    "api:targets": ("unit",),
    "api:report": ("unit",),
    "api:alerts": ("unit",),
}


@pytest.mark.django_db
def test_every_api_url_hides_a_sibling_subtree_from_a_token(world: World) -> None:
    secret = api_token_create(acting_user=world.ngoai, name="Bắc Ninh", days=30).secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    foreign = _foreign_objects(world)
    markers = _foreign_markers(world)
    bodies = _api_bodies(foreign)
    routes = [r for r in all_routes() if r.name.startswith("api:")]
    for route in routes:
        url = _fill(route, foreign)
        for method in ("get", "post", "put", "delete"):
            body = bodies.get(route.pattern, {}) if method in ("post", "put") else None
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response["Content-Type"].startswith("application/json"), url
            assert response.status_code < 500, f"{method.upper()} {url}: {response.content!r}"
            text = _text_of(response)
            leaked = [m for m in markers if m in text]
            assert not leaked, f"{method.upper()} {url} ({route.name}) shows {leaked}"
            names_an_object = set(route.params) & {"unit_id", "person_id", "case_id", "class_id"}
            if names_an_object and response.status_code != 405:
                assert response.status_code == 404, f"{method.upper()} {url}"
                assert response.json()["error"]["code"] == "not_found"
        for name in API_UNIT_FILTERS.get(route.name, ()):
            response = client.get(url, {name: str(world.cell_1.pk), "period": "2026"})
            assert response.status_code == 404, f"GET {url}?{name}= answered {response.status_code}"
    # Bắc Ninh has units but no people, cases, classes or deadlines: its lists are empty.
    assert {u["code"][:2] for u in client.get("/api/v1/units").json()["items"]} == {"BN"}
    for url in ("/api/v1/people", "/api/v1/cases", "/api/v1/classes", "/api/v1/alerts"):
        assert client.get(url).json()["items"] == [], url
    # Nothing was written in the other subtree.
    case = Case.objects.get(person__full_name=FOREIGN_CANDIDATE)
    assert case.events.count() == 1
    assert not Case.objects.filter(person__full_name=FOREIGN_SPARE).exists()
    assert not Target.objects.exists()
    assert TrainingClass.objects.count() == 1
    assert not Enrolment.objects.exists()
    assert len(routes) >= 15


@pytest.mark.django_db
def test_the_walk_finds_the_project_urls() -> None:
    names = {r.name for r in all_routes()}
    assert {"orgs:tree", "orgs:unit", "orgs:merge", "accounts:audit", "accounts:users"} <= names


@pytest.mark.django_db
def test_out_of_scope_unit_answers_404_in_scope_answers_200(world: World) -> None:
    client = logged_in("ngoai")
    assert client.get(f"/to-chuc/{world.cell_1.pk}/").status_code == 404
    assert client.get(f"/to-chuc/{world.kb_school.pk}/").status_code == 200
