"""The load test (issue 7): simulated users logged in to `dangvien serve --workers 4` on
loopback, each looping over a weighted mix of realistic work with think time, for a bounded
time; a table per kind of request (count, errors, median, p95, max), requests per second and
the server processes' memory.

    make bench-load
    bash scripts/with-postgres.sh .venv/bin/python -m bench.load --users 50 --seconds 60

It needs `DATABASE_URL` pointing at a PostgreSQL server where it may create databases
(`scripts/with-postgres.sh` gives a throwaway one). It creates (or, with `--reuse`, keeps)
`bench_<scale>` and loads `dangvien synth --scale <scale> --seed 1` there, as `bench.scale`
does, then makes the users and their sessions, starts the server and runs the users. The
mix, the users and how to read the table: `bench/README.md`. Results are printed and written
as JSON to `bench/results/load-<scale>.json`.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import date
from http.client import HTTPConnection
from typing import Any

from bench.scale import (
    RESULTS,
    admin_url,
    bench_subjects,
    children_of,
    ensure_database,
    load_world_once,
    machine_facts,
    p95,
    rss_mb,
    serving,
    world_counts,
)

HOST = "127.0.0.1"  # loopback only: the tool refuses any other host
GOAL_P95_MS = 300.0
# Shares of the users by level (the rest are commune officers).
CELL_SHARE, PROVINCE_SHARE = 0.6, 0.12
# The mix of one user's loop: kind of work → weight. Writes are for cell secretaries only.
READS = {
    "dashboard": 3.0,
    "people list": 3.0,
    "name search": 3.0,
    "case page": 2.0,
    "pipeline board": 2.0,
    "alert list": 2.0,
    "report page": 1.0,
}
WRITES = {"record step": 1.5, "import": 0.4}
REPORTS = ("pipeline", "quality")
IMPORT_ROWS = 10
CASES_PER_CELL = 8
SAMPLES_PER_USER = 20
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_JOB = re.compile(r"/nhap-excel/(\d+)/")
_NEXT = re.compile(r'href="\?([^"]+)" rel="next"')
_COMMIT = re.compile(r'action="(/nhap-excel/\d+/ghi/)"')


# --- the plan: what each simulated user may do (made in Django, before the run) -----------


@dataclass
class Plan:
    """One simulated user: a real session cookie and the ids their pages and writes use."""

    username: str
    level: str  # "cell" (a cell secretary, editor), "commune" or "province" (approvers)
    session: str
    unit: int
    cases: list[int] = field(default_factory=list)  # case pages they may open
    searches: list[str] = field(default_factory=list)  # names without tone marks
    steps: list[tuple[int, str, str]] = field(default_factory=list)  # (case, step, stage)
    workbook: bytes = b""  # a small members workbook for their cell (cell secretaries)


def _split(users: int) -> tuple[int, int, int]:
    cells = max(1, round(users * CELL_SHARE))
    provinces = min(users - cells, round(users * PROVINCE_SHARE))
    return cells, users - cells - provinces, provinces


def _session_for(user: Any) -> str:
    """A logged-in session of the user, past the second factor where the role needs one:
    an authenticator is set up through the accounts services (confirmed with its current
    code) and the session marked verified, as `django_otp.login` does."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import totp

    from dangvien.accounts.selectors import totp_device_for, two_factor_required_for
    from dangvien.accounts.services import totp_device_confirm, totp_device_start

    client = Client()
    client.force_login(user)
    if two_factor_required_for(user):
        device = totp_device_for(user)
        if device is None:
            device = totp_device_start(acting_user=user, user=user)
            code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
            totp_device_confirm(acting_user=user, device=device, code=f"{code:06d}")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _user(username: str, unit: Any, role: int) -> Any:
    from django.contrib.auth import get_user_model

    from dangvien.accounts.services import user_create

    found = get_user_model().objects.filter(username=username).first()
    if found is not None:
        return found
    return user_create(
        acting_user=None,
        username=username,
        full_name=f"Người thử tải {username}",
        password=uuid.uuid4().hex,
        unit=unit,
        role=role,
        check_password=False,
    )


# Steps a secretary records with a date alone (no vote, helper or introducers to choose).
def _simple_steps() -> frozenset[str]:
    from dangvien.admission.models import Step

    return frozenset(
        {
            Step.AWARENESS_CLASS,
            Step.APPLICATION,
            Step.PERSONAL_HISTORY,
            Step.VERIFICATION,
            Step.OPINIONS,
            Step.NEW_MEMBER_CLASS,
            Step.SELF_ASSESSMENT,
            Step.HELPER_ASSESSMENT,
            Step.PROBATION_OPINIONS,
        }
    )


def recordable_steps(cell: Any, today: date, limit: int) -> list[tuple[int, str, str]]:
    """Open cases of the cell whose next step is a simple one that nothing blocks today:
    (case, step, stage shown), oldest first."""
    from dangvien.admission import rules, selectors
    from dangvien.admission.models import Case

    simple = _simple_steps()
    found: list[tuple[int, str, str]] = []
    for case in Case.objects.filter(unit=cell, state=Case.State.OPEN).order_by("pk"):
        following = rules.next_steps(case.stage, selectors.has_partial_committee(case))
        if not following or following[0] not in simple:
            continue
        if selectors.case_blockers(case, following[0], today, today=today):
            continue
        found.append((case.pk, following[0], case.stage))
        if len(found) >= limit:
            break
    return found


def members_workbook(cell: Any, rows: int, rng: random.Random) -> bytes:
    """A small members workbook for the cell, in the template's headers: Vietnamese names
    (the demo's generator), a birth date each (so no row repeats a person already there)."""
    import xlsxwriter

    from dangvien.people.columns import MINIMAL_MEMBER_KEYS, headers_of
    from dangvien.web.demo_people import person_name

    headers = headers_of(*MINIMAL_MEMBER_KEYS)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    for c, header in enumerate(headers):
        sheet.write_string(0, c, header)
    for r in range(1, rows + 1):
        sex = rng.choice("MF")
        year = rng.randint(1975, 2000)
        values = [
            person_name(rng, sex),
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
            "Nữ" if sex == "F" else "Nam",
            "Kinh",
            cell.code,
            f"02/03/{year + 25}",
            f"20/03/{year + 25}",
            f"20/03/{year + 26}",
        ]
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def prepare(province: Any, users: int, seed: int, prefix: str = "load") -> list[Plan]:
    """The simulated users of a province: cell secretaries (editors of the cells with the
    most open cases), commune officers and province officers (approvers, past the second
    factor), each with a session, the cases and names they will open, and for secretaries
    the cases they may move on and a workbook to import."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from dangvien.accounts.models import Role
    from dangvien.admission.models import Case
    from dangvien.lib.vntext import fold
    from dangvien.orgs.models import Unit, UnitKind
    from dangvien.people.models import Person

    rng = random.Random(seed)
    today = timezone.localdate()
    live = Unit.objects.filter(valid_to__isnull=True, path__startswith=province.path)
    open_cases = Count("cases", filter=Q(cases__state=Case.State.OPEN))
    n_cells, n_communes, n_provinces = _split(users)
    cells = list(
        live.filter(kind=UnitKind.CELL).annotate(n=open_cases).order_by("-n", "code")[:n_cells]
    )
    communes = list(live.filter(kind=UnitKind.COMMUNE).order_by("code"))
    rng.shuffle(communes)
    if not cells or not communes:
        raise RuntimeError(f"{province.code} has no cells or no communes")
    chosen: list[tuple[str, Any, int]] = []
    for i in range(n_cells):
        chosen.append(("cell", cells[i % len(cells)], Role.EDITOR))
    for i in range(n_communes):
        chosen.append(("commune", communes[i % len(communes)], Role.APPROVER))
    chosen += [("province", province, Role.APPROVER)] * n_provinces

    plans: list[Plan] = []
    given: set[int] = set()  # a cell's cases and workbook go to its first secretary only
    for i, (level, unit, role) in enumerate(chosen):
        user = _user(f"{prefix}-{level}-{i:02d}", unit, role)
        scope_cases = list(
            Case.objects.filter(unit__path__startswith=unit.path)
            .order_by("-pk")
            .values_list("pk", flat=True)[:200]
        )
        names = list(
            Person.objects.filter(unit__path__startswith=unit.path)
            .order_by("pk")
            .values_list("full_name", flat=True)[:500]
        )
        plan = Plan(
            username=user.username,
            level=level,
            session=_session_for(user),
            unit=unit.pk,
            cases=rng.sample(scope_cases, min(SAMPLES_PER_USER, len(scope_cases))),
            # The last two words of a name, as people type them: lower case, no tone marks.
            searches=[
                " ".join(fold(n).split()[-2:])
                for n in rng.sample(names, min(SAMPLES_PER_USER, len(names)))
            ],
        )
        if level == "cell" and unit.pk not in given:
            given.add(unit.pk)
            plan.steps = recordable_steps(unit, today, CASES_PER_CELL)
            # Seeded by the cell's size too: a run on a reused world (whose cells grew by the
            # last run's imports) brings new people instead of the last run's again, which
            # the importer rightly refuses as duplicates.
            size = unit.people.count()
            plan.workbook = members_workbook(
                unit, IMPORT_ROWS, random.Random(f"{seed}-{unit.pk}-{size}")
            )
        plans.append(plan)
    return plans


# --- the run: HTTP from threads ------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    note: str = ""


class Recorder:
    """Every request's kind, latency and outcome, from all the users' threads."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.samples: list[Sample] = []
        self._lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)


class Browser:
    """One simulated user's HTTP: a cookie jar, a request at a time, new connection each."""

    def __init__(self, port: int, session: str, recorder: Recorder) -> None:
        from django.conf import settings

        self.port = port
        self.cookies = {settings.SESSION_COOKIE_NAME: session}
        self.recorder = recorder

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep(self, headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            key, val = key.strip(), val.strip().strip('"')
            if val and "max-age=0" not in value.lower():
                self.cookies[key] = val
            else:
                self.cookies.pop(key, None)

    def request(
        self,
        kind: str,
        path: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        content_type: str = "",
        expect: int = 200,
    ) -> tuple[bool, str, str]:
        """(ok, body text, Location). Not ok: another status than `expect` (a form sent
        back with its errors answers 200 where a redirect was expected), or no answer."""
        headers = {"Cookie": self._cookie_header(), "Host": f"{HOST}:{self.port}"}
        if body is not None:
            headers["Content-Type"] = content_type
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        started = time.perf_counter()
        note = ""
        text, location, ok = "", "", False
        try:
            conn = HTTPConnection(HOST, self.port, timeout=60)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                self._keep(response.getheaders())
                location = response.getheader("Location") or ""
                ok = response.status == expect
                if not ok:
                    note = f"HTTP {response.status} {method} {path}"
            finally:
                conn.close()
        except OSError as error:
            note = f"{type(error).__name__} {method} {path}"
        ms = (time.perf_counter() - started) * 1000
        self.recorder.add(Sample(kind, ms, ok, note))
        return ok, text, location


def _multipart(
    fields: dict[str, str], file_field: str, name: str, content: bytes
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for key, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _form(fields: dict[str, str]) -> tuple[bytes, str]:
    return urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"


class User:
    """One simulated user's loop: pick a kind of work by weight, do it, think, again."""

    def __init__(
        self,
        plan: Plan,
        port: int,
        recorder: Recorder,
        rng: random.Random,
        think: tuple[float, float],
    ) -> None:
        self.plan = plan
        self.browser = Browser(port, plan.session, recorder)
        self.recorder = recorder
        self.rng = rng
        self.think = think
        self.job = ""  # the path of an import waiting for its check, then its commit
        self.mix = dict(READS)
        if plan.level == "cell":
            self.mix.update(WRITES)

    def run(self) -> None:
        kinds, weights = list(self.mix), list(self.mix.values())
        while time.perf_counter() < self.recorder.deadline:
            kind = self.rng.choices(kinds, weights)[0]
            getattr(self, "do_" + kind.replace(" ", "_"))()
            pause = self.rng.uniform(*self.think)
            time.sleep(max(0.0, min(pause, self.recorder.deadline - time.perf_counter())))

    def get(self, kind: str, path: str) -> tuple[bool, str, str]:
        return self.browser.request(kind, path)

    def do_dashboard(self) -> None:
        self.get("dashboard", f"/bao-cao/{self.plan.unit}/")

    def do_people_list(self) -> None:
        """The first page of the list, and often the next one (its link on the page)."""
        ok, text, _ = self.get("people list", "/nguoi/")
        following = _NEXT.search(text)
        if ok and following and self.rng.random() < 0.5:
            self.get("people list", "/nguoi/?" + html.unescape(following.group(1)))

    def do_name_search(self) -> None:
        if self.plan.searches:
            query = urllib.parse.quote(self.rng.choice(self.plan.searches))
            self.get("name search", f"/nguoi/?q={query}")

    def do_case_page(self) -> None:
        if self.plan.cases:
            self.get("case page", f"/ket-nap/{self.rng.choice(self.plan.cases)}/")

    def do_pipeline_board(self) -> None:
        self.get("pipeline board", "/ket-nap/")

    def do_alert_list(self) -> None:
        self.get("alert list", "/canh-bao/")

    def do_report_page(self) -> None:
        self.get("report page", f"/bao-cao/{self.plan.unit}/{self.rng.choice(REPORTS)}/")

    def do_record_step(self) -> None:
        """The step's form (GET), then the form sent back with a date (POST): a redirect to
        the case is success, the form again (its errors) is a refusal."""
        if not self.plan.steps:
            return self.do_case_page()
        case, step, stage = self.plan.steps.pop(0)
        ok, text, _ = self.get("step form", f"/ket-nap/{case}/ghi/?buoc={step}")
        token = _CSRF.search(text)
        if not ok or token is None:
            return None
        body, content_type = _form(
            {
                "csrfmiddlewaretoken": token.group(1),
                "step": step,
                "stage": stage,
                "on": f"{date.today():%d/%m/%Y}",
                "document_number": f"{self.rng.randint(1, 999)}-QĐ/CB",
                "note": "Thử tải",
            }
        )
        ok, _text, location = self.browser.request(
            "step post",
            f"/ket-nap/{case}/ghi/",
            method="POST",
            body=body,
            content_type=content_type,
            expect=302,
        )
        if ok and location:
            self.get("case page", urllib.parse.urlsplit(location).path)
        return None

    def do_import(self) -> None:
        """Upload the workbook once (form, POST, the job's page); later turns poll the
        job's progress and commit it once it is checked, as a secretary would."""
        if self.job:
            ok, text, _ = self.get("import progress", f"{self.job}tien-do/")
            commit, token = _COMMIT.search(text), _CSRF.search(text)
            if ok and commit and token:
                body, content_type = _form({"csrfmiddlewaretoken": token.group(1)})
                self.browser.request(
                    "import commit",
                    commit.group(1),
                    method="POST",
                    body=body,
                    content_type=content_type,
                    expect=302,
                )
                self.job = ""
            elif ok and "problems" in text:
                self.recorder.add(Sample("import check", 0.0, False, f"problems {self.job}"))
                self.job = ""
            return
        if not self.plan.workbook:
            return self.do_people_list()
        ok, text, _ = self.get("import form", "/nhap-excel/")
        token = _CSRF.search(text)
        if not ok or token is None:
            return None
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": token.group(1), "unit": str(self.plan.unit), "kind": "members"},
            "file",
            "danh-sach.xlsx",
            self.plan.workbook,
        )
        self.plan.workbook = b""  # one import per secretary
        ok, _text, location = self.browser.request(
            "import upload",
            "/nhap-excel/",
            method="POST",
            body=body,
            content_type=content_type,
            expect=302,
        )
        job = _JOB.search(location)
        if ok and job:
            self.job = f"/nhap-excel/{job.group(1)}/"
            self.get("import job page", self.job)
        return None


def run_users(
    plans: list[Plan], port: int, seconds: float, seed: int, think: tuple[float, float]
) -> tuple[list[Sample], float]:
    """Every plan's user in a thread of its own, started over the first think time (so
    they do not all arrive at once), until `seconds` have passed; the samples and the
    elapsed time."""
    started = time.perf_counter()
    recorder = Recorder(started + seconds)
    threads = []
    for i, plan in enumerate(plans):
        rng = random.Random(seed * 1000 + i)
        user = User(plan, port, recorder, rng, think)

        def start(user: User = user, delay: float = rng.uniform(0, think[1])) -> None:
            time.sleep(delay)
            user.run()

        threads.append(threading.Thread(target=start, name=plan.username))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return recorder.samples, time.perf_counter() - started


def summarise(samples: list[Sample], elapsed: float) -> dict[str, Any]:
    """Per kind and overall: count, errors, median, p95 (nearest rank) and max in ms."""

    def row(chosen: list[Sample]) -> dict[str, Any]:
        times = [s.ms for s in chosen]
        return {
            "count": len(chosen),
            "errors": sum(not s.ok for s in chosen),
            "median_ms": round(statistics.median(times), 1) if times else None,
            "p95_ms": round(p95(times), 1) if times else None,
            "max_ms": round(max(times), 1) if times else None,
        }

    timed = [s for s in samples if s.kind != "import check"]
    kinds = sorted({s.kind for s in samples})
    return {
        "kinds": {k: row([s for s in samples if s.kind == k]) for k in kinds},
        "overall": row(timed) | {"errors": sum(not s.ok for s in samples)},
        "seconds": round(elapsed, 1),
        "rps": round(len(timed) / elapsed, 1) if elapsed else 0.0,
        "error_samples": [s.note for s in samples if not s.ok][:20],
    }


def print_table(summary: dict[str, Any]) -> None:
    def cell(value: float | None) -> str:
        return "–" if value is None else f"{value:,.1f}"

    print("| request | count | errors | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, r in [*summary["kinds"].items(), ("**all**", summary["overall"])]:
        print(
            f"| {kind} | {r['count']} | {r['errors']} | {cell(r['median_ms'])} "
            f"| {cell(r['p95_ms'])} | {cell(r['max_ms'])} |"
        )
    overall = summary["overall"]
    goal = overall["p95_ms"] is not None and overall["p95_ms"] <= GOAL_P95_MS
    print(
        f"\n{summary['rps']} requests/s over {summary['seconds']} s; "
        f"{overall['errors']} errors (goal 0: {'đạt' if overall['errors'] == 0 else 'KHÔNG ĐẠT'}); "
        f"p95 {cell(overall['p95_ms'])} ms (goal ≤ {GOAL_P95_MS:.0f}: "
        f"{'đạt' if goal else 'KHÔNG ĐẠT'})"
    )
    for note in summary["error_samples"]:
        print("  error:", note)


# --- the command ----------------------------------------------------------------------------


def _loopback_only(host: str) -> None:
    if host != HOST:
        raise SystemExit(f"bench.load runs against {HOST} only, not {host!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", default="province", choices=("commune", "province"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--think", default="1,3", help="think time between actions, s: min,max")
    parser.add_argument("--host", default=HOST, help="only 127.0.0.1 is accepted")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    args = parser.parse_args(argv)
    _loopback_only(args.host)
    low, high = (float(x) for x in args.think.split(","))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench.load needs DATABASE_URL of a PostgreSQL server (scripts/with-postgres.sh)")
    name = f"bench_{args.scale}"
    ensure_database(url, name, fresh=not args.reuse)
    # The server started below inherits this environment: the same database.
    os.environ["DATABASE_URL"] = admin_url(url, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    import django

    django.setup()
    from dangvien.lib.db import refresh_planner_statistics

    load_seconds = load_world_once(args.scale)
    refresh_planner_statistics()
    subjects = bench_subjects()
    plans = prepare(subjects.province, args.users, args.seed)
    print(
        f"{len(plans)} users: "
        + ", ".join(
            f"{lv} {sum(p.level == lv for p in plans)}" for lv in ("cell", "commune", "province")
        )
        + f"; {sum(len(p.steps) for p in plans)} steps to record, "
        + f"{sum(bool(p.workbook) for p in plans)} workbooks",
        flush=True,
    )
    from django.conf import settings

    first = plans[0]
    cookie = f"{settings.SESSION_COOKIE_NAME}={first.session}"
    with serving(args.port, f"/bao-cao/{first.unit}/", cookie) as server:
        samples, elapsed = run_users(plans, args.port, args.seconds, args.seed, (low, high))
        processes = children_of(server.pid)
        peak = max((rss_mb(pid, "VmHWM") for pid in processes), default=0.0)
        load_average = os.getloadavg()
    summary = summarise(samples, elapsed)
    print_table(summary)
    print(f"peak memory of a server process {peak:.1f} MB; load average {load_average}")
    result = {
        "scale": args.scale,
        "machine": machine_facts(),
        "world": world_counts(),
        "load_seconds": load_seconds,
        "users": {lv: sum(p.level == lv for p in plans) for lv in ("cell", "commune", "province")},
        "think_s": [low, high],
        "seed": args.seed,
        "processes": len(processes),
        "worker_peak_mb": round(peak, 1),
        "load_average": [round(x, 2) for x in load_average],
        **summary,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"load-{args.scale}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"written bench/results/{out.name}")


if __name__ == "__main__":
    main()
