"""The load tool's own logic (bench/load.py) against the live test server on the named
world: its users really log in, record a step, import a workbook, and it counts requests and
errors as they happened."""

from __future__ import annotations

import random
import time
import urllib.parse
from datetime import date
from typing import Any

import pytest

from bench import load
from dangvien.admission.models import Case, Step
from dangvien.people.models import Person
from tests.admission.factories import candidate, cell_members, drive_case, open_case
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUICK = (0.05, 0.2)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    # The live server runs in a thread of this process: the import's check and commit run
    # inside the request that enqueues them.
    settings.TASKS = IMMEDIATE


def _port(live_server: Any) -> int:
    return int(urllib.parse.urlsplit(live_server.url).port or 0)


def _user(plan: load.Plan, port: int, seconds: float = 30) -> load.User:
    recorder = load.Recorder(time.perf_counter() + seconds)
    return load.User(plan, port, recorder, random.Random(1), QUICK)


def test_users_are_cell_secretaries_commune_and_province_officers(world: World) -> None:
    plans = load.prepare(world.quang_nam, 5, seed=1)
    assert [p.level for p in plans] == ["cell", "cell", "cell", "commune", "province"]
    assert plans[3].unit == world.an_my.pk
    assert plans[4].unit == world.quang_nam.pk
    # The same cell twice gets one pool of steps and one workbook, never two.
    assert sum(bool(p.workbook) for p in plans) == 2
    assert all(p.session for p in plans)


def test_a_secretary_records_the_next_step_through_the_form(live_server: Any, world: World) -> None:
    case = drive_case(
        open_case(candidate(world.cell_1)), cell_members(world.cell_1), Step.AWARENESS_CLASS
    )
    (plan,) = load.prepare(world.quang_nam, 1, seed=1)
    assert plan.steps == [(case.pk, Step.APPLICATION, Step.AWARENESS_CLASS)]
    user = _user(plan, _port(live_server))
    user.do_record_step()
    case.refresh_from_db()
    assert case.stage == Step.APPLICATION
    kinds = [(s.kind, s.ok) for s in user.recorder.samples]
    assert kinds == [("step form", True), ("step post", True), ("case page", True)]
    assert plan.steps == []


def test_a_secretary_imports_a_workbook_then_commits_it(live_server: Any, world: World) -> None:
    (plan,) = load.prepare(world.quang_nam, 1, seed=1)
    before = Person.objects.count()
    user = _user(plan, _port(live_server))
    user.do_import()
    user.do_import()
    kinds = [(s.kind, s.ok) for s in user.recorder.samples]
    assert kinds == [
        ("import form", True),
        ("import upload", True),
        ("import job page", True),
        ("import progress", True),
        ("import commit", True),
    ]
    assert Person.objects.count() == before + load.IMPORT_ROWS


def test_a_short_run_counts_every_request_and_no_error(live_server: Any, world: World) -> None:
    open_case(candidate(world.cell_1))
    plans = load.prepare(world.quang_nam, 2, seed=1)
    samples, elapsed = load.run_users(plans, _port(live_server), 3.0, 1, QUICK)
    summary = load.summarise(samples, elapsed)
    assert summary["overall"]["count"] == len(samples) > 5
    assert summary["overall"]["errors"] == 0, summary["error_samples"]
    assert sum(r["count"] for r in summary["kinds"].values()) == len(samples)
    assert 3.0 <= elapsed < 10.0
    assert summary["rps"] == round(len(samples) / elapsed, 1)


def test_a_user_without_a_valid_session_is_counted_as_errors(
    live_server: Any, world: World
) -> None:
    (plan,) = load.prepare(world.quang_nam, 1, seed=1)
    plan.session = "not-a-session"
    user = _user(plan, _port(live_server))
    user.do_dashboard()
    user.do_alert_list()
    summary = load.summarise(user.recorder.samples, 1.0)
    assert summary["overall"] | {"median_ms": 0, "p95_ms": 0, "max_ms": 0} == {
        "count": 2,
        "errors": 2,
        "median_ms": 0,
        "p95_ms": 0,
        "max_ms": 0,
    }
    assert summary["error_samples"][0].startswith("HTTP 302 GET /bao-cao/")


def test_only_loopback_is_accepted() -> None:
    with pytest.raises(SystemExit, match=r"127\.0\.0\.1"):
        load.main(["--host", "10.1.2.3"])


def test_open_cases_whose_next_step_needs_a_choice_are_left_out_of_the_pool(
    world: World,
) -> None:
    # Opened today: the next step (helper) needs a choice of helper, not a date alone.
    open_case(candidate(world.cell_1), on=date.today())
    assert load.recordable_steps(world.cell_1, date.today(), 8) == []
    assert Case.objects.count() == 1


def test_open_cases_blocked_on_the_day_are_left_out_of_the_pool(world: World) -> None:
    # The next step (application) is recorded with a date alone, but not on a day before
    # the awareness class (01/03/2024) the case last recorded.
    case = drive_case(
        open_case(candidate(world.cell_1)), cell_members(world.cell_1), Step.AWARENESS_CLASS
    )
    assert load.recordable_steps(world.cell_1, date(2024, 2, 15), 8) == []
    assert load.recordable_steps(world.cell_1, date(2024, 4, 1), 8) == [
        (case.pk, Step.APPLICATION, Step.AWARENESS_CLASS)
    ]
