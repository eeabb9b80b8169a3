"""Benchmarks of the synthetic country on PostgreSQL (issue 6): kept counts against the naive
way and against DuckDB's scan, the pages people open most, and the web server under load.

    make bench             # the commune and the province worlds (well under 15 minutes)
    make bench-national    # the whole country (about 40 minutes, 15 GB of disk)
    bash scripts/with-postgres.sh .venv/bin/python -m bench.scale --scales commune

It needs `DATABASE_URL` pointing at a PostgreSQL server where it may create databases
(`scripts/with-postgres.sh` gives a throwaway one). For each scale it creates the database
`bench_<scale>` (or reuses it with `--reuse` when it already holds that world), migrates it,
loads `dangvien synth --scale <scale> --seed 1`, then measures in a child process of its own
(so each scale's memory and Django state are its own). What each row measures, the goals and
how to read the ratios: `bench/README.md`. Results are printed as a table and written as JSON
to `bench/results/<scale>.json`; `--growth` prints the growth table from the saved files.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
SCALES = ("commune", "province", "national")
# Server-time goals of the issue, in milliseconds (p95), per measure and scale of the unit.
GOALS_MS: dict[str, float] = {
    "dashboard figures, country": 50,
    "dashboard figures, province": 30,
    "dashboard figures, commune": 20,
    "dashboard page, country": 50,
    "dashboard page, province": 30,
    "dashboard page, commune": 20,
    "alert list page, province": 100,
    "member search page, country": 50,
    "pipeline board page, commune": 100,
}
GOAL_NAIVE_RATIO = 20.0  # the kept counts at least 20 times faster than GROUP BY
GOAL_HTTP_RPS = 200.0
GOAL_WORKER_MB = 300.0
SEARCHES = ("nguyen van an", "tran thi hoa", "le minh", "hoang thi xuan mai", "khong co ai")


@dataclass
class Row:
    measure: str
    runs: int
    median_ms: float
    p95_ms: float
    goal_ms: float | None = None
    naive_ratio: float | None = None  # naive median / kept median
    duckdb_ratio: float | None = None  # kept median / DuckDB median (< 1: kept is faster)
    naive_median_ms: float | None = None
    duckdb_median_ms: float | None = None
    queries: int | None = None
    note: str = ""


@dataclass
class Result:
    scale: str
    machine: dict[str, str]
    world: dict[str, int]
    load_seconds: float | None
    rows: list[Row] = field(default_factory=list)
    http: dict[str, float] = field(default_factory=dict)
    # The same load with the kept copies of pages off (each page built for each request).
    http_built: dict[str, float] = field(default_factory=dict)


# --- timing -----------------------------------------------------------------------------


def p95(samples: list[float]) -> float:
    """The 95th percentile by the nearest-rank method (with 20 runs: the second largest)."""
    ordered = sorted(samples)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def timed(fn: Callable[[], object], runs: int, budget_s: float) -> list[float]:
    """Wall times in ms of up to `runs` warm runs after one warm-up run; fewer (at least
    three) when the warm-up says they would take longer than `budget_s` in all."""
    t0 = time.perf_counter()
    fn()
    warm_up = time.perf_counter() - t0
    count = max(3, min(runs, int(budget_s / max(warm_up, 1e-6))))
    samples: list[float] = []
    for _ in range(count):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


# --- the parent: databases and child processes --------------------------------------------


def admin_url(url: str, database: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))


def ensure_database(url: str, name: str, fresh: bool) -> None:
    import psycopg

    with psycopg.connect(admin_url(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def run_scale(scale: str, args: argparse.Namespace) -> Result:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench.scale needs DATABASE_URL of a PostgreSQL server (scripts/with-postgres.sh)")
    name = f"bench_{scale}"
    ensure_database(url, name, fresh=not args.reuse)
    env = {**os.environ, "DATABASE_URL": admin_url(url, name)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    exe = [sys.executable, "-m", "bench.scale", "--child", scale, *args.child_args]
    subprocess.run(exe, env=env, check=True)  # noqa: S603 (this interpreter, our arguments)
    data = json.loads((RESULTS / f"{scale}.json").read_text())
    data["rows"] = [Row(**r) for r in data["rows"]]
    return Result(**data)


# --- the child: one scale ---------------------------------------------------------------


def machine_facts() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {
        "cpu": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}",
        "memory": f"{int(memory) // 1024 // 1024} GB",
        "python": platform.python_version(),
        "postgresql": f"{server}, shared_buffers {buffers}",
        "date": date.today().isoformat(),
    }


def load_world_once(scale: str) -> float | None:
    """Load the world unless the database already holds people; seconds taken, or None."""
    from django.core.management import call_command

    from dangvien.people.models import Person

    call_command("migrate", verbosity=0)
    if Person.objects.exists():
        return None
    started = time.perf_counter()
    call_command("synth", scale=scale, seed=1)
    return time.perf_counter() - started


def world_counts() -> dict[str, int]:
    from dangvien.admission.models import Case, CaseEvent
    from dangvien.orgs.models import Unit
    from dangvien.people.models import Person

    return {
        "units": Unit.objects.count(),
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "case_events": CaseEvent.objects.count(),
    }


@dataclass(frozen=True)
class Subjects:
    """The units measured and a viewer on each (viewers need no second factor)."""

    country: Any
    province: Any
    commune: Any
    users: dict[str, Any]


def bench_subjects() -> Subjects:
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from dangvien.accounts.models import Role
    from dangvien.accounts.services import user_create
    from dangvien.orgs.models import Unit, UnitKind

    live = Unit.objects.filter(valid_to__isnull=True)
    country = live.get(kind=UnitKind.CENTRAL)
    # The province with the most communes, and of its communes the median by cells.
    province = (
        live.filter(kind=UnitKind.PROVINCE)
        .annotate(n=Count("children"))
        .order_by("-n", "code")
        .first()
    )
    if province is None:
        raise RuntimeError("the world has no province")
    communes = list(
        live.filter(kind=UnitKind.COMMUNE, path__startswith=province.path).order_by("code")
    )
    sizes = sorted(
        (live.filter(path__startswith=c.path, kind=UnitKind.CELL).count(), c.code, c)
        for c in communes
    )
    commune = sizes[len(sizes) // 2][2]
    users = {}
    for key, unit in (("country", country), ("province", province), ("commune", commune)):
        username = f"bench-{key}"
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = user_create(
                acting_user=None,
                username=username,
                full_name=f"Benchmark {key}",
                password=os.urandom(16).hex(),
                unit=unit,
                role=Role.VIEWER,
                check_password=False,
            )
        users[key] = user
    return Subjects(country, province, commune, users)


# --- the same figures three ways ----------------------------------------------------------

YEAR = date.today().year - 1  # the last whole year: every month of it is kept


def kept_figures(unit: Any) -> dict[str, int]:
    """Admitted and recognised per month of the year in the unit's subtree, and admitted per
    child: what the dashboard's charts and ranking read, from the kept counts."""
    from dangvien.lib.db import read_sql
    from dangvien.orgs.models import Unit
    from dangvien.tallies.models import Metric
    from dangvien.tallies.selectors import monthly_counts, sums_by_unit

    first, last = date(YEAR, 1, 1), date(YEAR, 12, 1)
    figures: dict[str, int] = {}
    for (_u, metric, month), n in monthly_counts(
        [unit.pk], [Metric.ADMITTED, Metric.RECOGNISED], first, last
    ).items():
        if n:
            figures[f"{metric} {month:%m}"] = n
    # In SQL, as the dashboard reads its units (`lib.db.read_sql`).
    children = dict(
        read_sql(Unit, "SELECT id, path FROM orgs_unit WHERE parent_id = %s", [unit.pk])
    )
    for unit_id, n in sums_by_unit(list(children), Metric.ADMITTED, first, last).items():
        if n:
            figures[f"child {children[unit_id]}"] = n
    return figures


def _naive_sql(unit_path: str, person: str, event: str, unit: str) -> list[tuple[str, list[Any]]]:
    """The same figures by GROUP BY over the raw records (as `reports.selectors` counts them
    when the kept counts cannot answer): (SQL, parameters) giving the kept way's labels.
    Only table names are formatted into the text; values are parameters (`%s`)."""
    from dangvien.orgs.models import PATH_STEP
    from dangvien.people.models import Status

    width = len(unit_path) + PATH_STEP
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    like = f"{unit_path}%"
    month = "lpad(CAST(EXTRACT(month FROM {}) AS text), 2, '0')"
    return [
        (
            f"""SELECT 'admitted ' || {month.format("p.decision_date")}, COUNT(*)
                FROM {person} p JOIN {unit} u ON u.id = p.admission_unit_id
                WHERE u.path LIKE %s AND p.decision_date BETWEEN %s AND %s
                GROUP BY 1""",  # noqa: S608
            [like, start, end],
        ),
        (
            f"""SELECT 'recognised ' || {month.format("e.day")}, COUNT(*)
                FROM {event} e JOIN {unit} u ON u.id = e.unit_id
                WHERE u.path LIKE %s AND e.status = %s AND NOT e.corrected
                  AND e.day BETWEEN %s AND %s
                GROUP BY 1""",  # noqa: S608
            [like, Status.OFFICIAL.value, start, end],
        ),
        (
            f"""SELECT 'child ' || substr(u.path, 1, %s), COUNT(*)
                FROM {person} p JOIN {unit} u ON u.id = p.admission_unit_id
                WHERE u.path LIKE %s AND length(u.path) >= %s
                  AND p.decision_date BETWEEN %s AND %s
                GROUP BY 1""",  # noqa: S608
            [width, like, width, start, end],
        ),
    ]


# The raw rows both engines count: PostgreSQL runs these selects as subqueries over its
# tables; DuckDB reads Parquet files exported from them.
VIEWS = {
    "b_person": """SELECT id, admission_unit_id, decision_date FROM people_person""",
    "b_unit": """SELECT id, path FROM orgs_unit""",
    "b_event": """SELECT e.id, e.unit_id, e.status, e."on" AS day,
                         EXISTS (SELECT 1 FROM people_statusevent k WHERE k.corrects_id = e.id)
                           AS corrected
                  FROM people_statusevent e""",
}


def _run_sql(
    cursor: Any, queries: list[tuple[str, list[Any]]], placeholder: str = "%s"
) -> dict[str, int]:
    """Run the queries on a DB-API cursor (or a DuckDB connection, whose placeholder is
    `?`) and gather (label, count) rows."""
    figures: dict[str, int] = {}
    for sql, params in queries:
        cursor.execute(sql.replace("%s", placeholder), params)
        for key, n in cursor.fetchall():
            figures[str(key)] = int(n)
    return figures


def naive_figures(unit: Any) -> dict[str, int]:
    from django.db import connection

    # The raw tables themselves: the naive way a report would be written without kept
    # counts.
    queries = _naive_sql(unit.path, "people_person", f"({VIEWS['b_event']})", "orgs_unit")
    with connection.cursor() as cursor:
        return _run_sql(cursor, queries)


@contextmanager
def duckdb_copies(folder: Path) -> Iterator[Any]:
    """DuckDB over Parquet copies of the raw rows (exported once, through CSV, from the same
    PostgreSQL tables)."""
    import duckdb
    from django.db import connection

    db = duckdb.connect()
    raw: Any = connection.connection
    for name, select in VIEWS.items():
        text = folder / f"{name}.csv"
        export = f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)"
        with raw.cursor() as cursor, text.open("wb") as out, cursor.copy(export) as copy:
            for chunk in copy:
                out.write(chunk)
        parquet = folder / f"{name}.parquet"
        # Our own temporary file names; DuckDB takes no parameters in COPY and CREATE VIEW.
        db.execute(
            f"COPY (SELECT * FROM read_csv_auto('{text}')) TO '{parquet}' (FORMAT parquet)"  # noqa: S608
        )
        text.unlink()
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{parquet}')")  # noqa: S608
    try:
        yield db
    finally:
        db.close()


def duck_figures(db: Any, unit: Any) -> dict[str, int]:
    return _run_sql(db, _naive_sql(unit.path, "b_person", "b_event", "b_unit"), "?")


# --- pages ---------------------------------------------------------------------------------


def _page(client: Any, url: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    return get


def _count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- HTTP under load -----------------------------------------------------------------------


def rss_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the 4th field, after the command name in parentheses.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def serving(port: int, path: str, cookie: str) -> Iterator[subprocess.Popen[bytes]]:
    """`dangvien serve --workers 4` on loopback (with its background worker), answering
    `path` to `cookie`; stopped on leaving. Also used by `bench.load`."""
    env = {**os.environ, "PORT": str(port)}
    server = subprocess.Popen(  # noqa: S603 (this interpreter, our arguments)
        [sys.executable, "-m", "dangvien.cli", "serve", "--workers", "4", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, path, cookie)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _http_load(path: str, cookie: str, seconds: float, clients: int, port: int) -> dict[str, Any]:
    """`dangvien serve --workers 4` on loopback; `clients` threads request `path` as fast as
    they can for `seconds`. Requests per second, errors, latency, workers' peak memory."""
    with serving(port, path, cookie) as server:
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop = time.perf_counter() + seconds

        def worker() -> None:
            mine: list[float] = []
            failed = 0
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    status = _get(port, path, cookie)
                except OSError:
                    status = 0
                mine.append((time.perf_counter() - t0) * 1000)
                failed += status != 200
            with lock:
                latencies.extend(mine)
                errors[0] += failed

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        workers = children_of(server.pid)
        peaks = [rss_mb(pid, "VmHWM") for pid in workers]
        return {
            "requests": len(latencies),
            "seconds": round(elapsed, 1),
            "rps": round(len(latencies) / elapsed, 1),
            "errors": errors[0],
            "median_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(p95(latencies), 1),
            "clients": clients,
            "processes": len(workers),
            "worker_peak_mb": round(max(peaks, default=0.0), 1),
        }


def _get(port: int, path: str, cookie: str) -> int:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _wait_for(port: int, path: str, cookie: str) -> None:
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        try:
            if _get(port, path, cookie) == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the web server did not answer within 60 s")


# --- the child's work ----------------------------------------------------------------------


def child(scale: str, runs: int, budget: float, http_seconds: float, port: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    import django

    django.setup()
    from django.conf import settings

    from dangvien.lib.db import refresh_planner_statistics

    load_seconds = load_world_once(scale)
    refresh_planner_statistics()
    subjects = bench_subjects()
    result = Result(scale, machine_facts(), world_counts(), load_seconds)
    units = {"country": subjects.country, "province": subjects.province}
    units["commune"] = subjects.commune

    with tempfile.TemporaryDirectory() as folder, duckdb_copies(Path(folder)) as duck:
        for key, unit in units.items():
            kept = kept_figures(unit)
            naive = naive_figures(unit)
            ducked = duck_figures(duck, unit)
            if not (kept == naive == ducked):
                raise RuntimeError(f"the three ways disagree for {unit.code}")
            k = timed(functools.partial(kept_figures, unit), runs, budget)
            n = timed(functools.partial(naive_figures, unit), runs, budget)
            d = timed(functools.partial(duck_figures, duck, unit), runs, budget)
            name = f"dashboard figures, {key}"
            result.rows.append(
                Row(
                    name,
                    len(k),
                    statistics.median(k),
                    p95(k),
                    GOALS_MS.get(name),
                    statistics.median(n) / statistics.median(k),
                    statistics.median(k) / statistics.median(d),
                    statistics.median(n),
                    statistics.median(d),
                    note=f"{sum(kept.values())} counted",
                )
            )
            _print_row(result.rows[-1])

    settings.ALLOWED_HOSTS = ["*"]
    # The pages are timed in the state a server's worker is in: what the process holds by
    # now is frozen out of the collector's sight, as `dangvien.wsgi` freezes what a worker
    # holds when it starts (else a full collection walks the load's leftovers during a page).
    gc.collect()
    gc.freeze()
    # Each page built for each request (the kept copies of `reports.cache` off), then the
    # dashboards again as sent from a kept copy while nothing is written.
    kept_pages = settings.PAGE_CACHE_SECONDS
    pages = [
        (f"dashboard page, {key}", key, f"/bao-cao/{unit.pk}/", 0) for key, unit in units.items()
    ]
    # The synthetic history ends before this year, whose dashboard (the default) has no
    # admissions to show: the last whole year has a year's new members and their breakdown.
    pages += [
        (f"dashboard page, {key}, last year", key, f"/bao-cao/{unit.pk}/?period={YEAR}", 0)
        for key, unit in units.items()
    ]
    pages += [
        ("alert list page, province", "province", "/canh-bao/", 0),
        ("pipeline board page, commune", "commune", "/ket-nap/", 0),
    ]
    pages += [
        (f"dashboard page, kept copy, {key}", key, f"/bao-cao/{unit.pk}/", kept_pages)
        for key, unit in units.items()
    ]
    for name, who, url, cache_seconds in pages:
        settings.PAGE_CACHE_SECONDS = cache_seconds
        client = _client(subjects.users[who])
        fetch = _page(client, url)
        samples = timed(fetch, runs, budget)
        result.rows.append(
            Row(
                name,
                len(samples),
                statistics.median(samples),
                p95(samples),
                GOALS_MS.get(name.replace("kept copy, ", "").replace(", last year", "")),
                queries=_count_queries(fetch),
            )
        )
        _print_row(result.rows[-1])
    client = _client(subjects.users["country"])
    searches = [_page(client, f"/nguoi/?q={urllib.parse.quote(q)}") for q in SEARCHES]
    samples = []
    for fetch in searches:
        samples += timed(fetch, max(1, runs // len(SEARCHES)) + 1, budget / len(SEARCHES))
    result.rows.append(
        Row(
            "member search page, country",
            len(samples),
            statistics.median(samples),
            p95(samples),
            GOALS_MS["member search page, country"],
            queries=_count_queries(searches[0]),
            note=" / ".join(SEARCHES),
        )
    )
    _print_row(result.rows[-1])

    if http_seconds > 0:
        client = _client(subjects.users["commune"])
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        path = f"/bao-cao/{subjects.commune.pk}/"
        os.environ["DANGVIEN_PAGE_CACHE_SECONDS"] = "0"
        result.http_built = _http_load(path, cookie, http_seconds, 8, port)
        print("HTTP, built", json.dumps(result.http_built), flush=True)
        os.environ["DANGVIEN_PAGE_CACHE_SECONDS"] = str(kept_pages)
        result.http = _http_load(path, cookie, http_seconds, 8, port)
        print("HTTP, kept copy", json.dumps(result.http), flush=True)

    RESULTS.mkdir(exist_ok=True)
    data = asdict(result)
    (RESULTS / f"{scale}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --- output --------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _print_row(row: Row) -> None:
    print(
        f"  {row.measure:32s} median {_fmt(row.median_ms)} ms, p95 {_fmt(row.p95_ms)} ms"
        + (f", naive ×{_fmt(row.naive_ratio)}" if row.naive_ratio else "")
        + (f", vs DuckDB {_fmt(row.duckdb_ratio, 3)}" if row.duckdb_ratio else ""),
        flush=True,
    )


def _verdict(row: Row) -> str:
    checks = []
    if row.goal_ms is not None:
        checks.append(row.p95_ms <= row.goal_ms)
    if row.naive_ratio is not None:
        checks.append(row.naive_ratio >= GOAL_NAIVE_RATIO)
    if row.duckdb_ratio is not None:
        checks.append(row.duckdb_ratio < 1)
    if not checks:
        return ""
    return "đạt" if all(checks) else "KHÔNG ĐẠT"


def print_table(result: Result) -> None:
    world = ", ".join(f"{k} {v:,}" for k, v in result.world.items())
    print(f"\n## {result.scale}: {world}")
    if result.load_seconds is not None:
        print(f"loaded in {result.load_seconds:,.0f} s")
    print(
        "| what | runs | median ms | p95 ms | goal p95 ms | naive median ms | ×naive "
        "| DuckDB median ms | kept/DuckDB | queries | verdict |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in result.rows:
        print(
            f"| {row.measure} | {row.runs} | {_fmt(row.median_ms)} | {_fmt(row.p95_ms)} "
            f"| {_fmt(row.goal_ms, 0)} | {_fmt(row.naive_median_ms)} | {_fmt(row.naive_ratio)} "
            f"| {_fmt(row.duckdb_median_ms)} | {_fmt(row.duckdb_ratio, 3)} "
            f"| {row.queries if row.queries is not None else '–'} | {_verdict(row)} |"
        )
    for label, h in (("built each time", result.http_built), ("kept copy", result.http)):
        if not h:
            continue
        ok = h["rps"] >= GOAL_HTTP_RPS and h["errors"] == 0
        mem_ok = h["worker_peak_mb"] <= GOAL_WORKER_MB
        print(
            f"\nHTTP, commune dashboard ({label}), {h['processes']} server processes, "
            f"{h['clients']} clients, {h['seconds']} s: {h['rps']} requests/s "
            f"(goal ≥ {GOAL_HTTP_RPS:.0f}: "
            f"{'đạt' if ok else 'KHÔNG ĐẠT'}), {h['errors']} errors, median {h['median_ms']} ms, "
            f"p95 {h['p95_ms']} ms; peak memory of a process {h['worker_peak_mb']} MB "
            f"(goal ≤ {GOAL_WORKER_MB:.0f}: {'đạt' if mem_ok else 'KHÔNG ĐẠT'})"
        )


def print_growth() -> None:
    """Each measure's median at each scale found in bench/results/, side by side."""
    found = [s for s in SCALES if (RESULTS / f"{s}.json").exists()]
    data = {s: json.loads((RESULTS / f"{s}.json").read_text()) for s in found}
    print("| what | " + " | ".join(f"{s} median ms" for s in found) + " |")
    print("|---|" + "---:|" * len(found))
    measures = list(dict.fromkeys(r["measure"] for s in found for r in data[s]["rows"]))
    for measure in measures:
        cells = []
        for s in found:
            match = [r for r in data[s]["rows"] if r["measure"] == measure]
            cells.append(_fmt(match[0]["median_ms"]) if match else "–")
        print(f"| {measure} | " + " | ".join(cells) + " |")
    people = " | ".join(f"{data[s]['world']['people']:,}" for s in found)
    print(f"| (people in the world) | {people} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="commune,province")
    parser.add_argument("--runs", type=int, default=20, help="warm runs per measure")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds per measure before it stops early"
    )
    parser.add_argument("--http-seconds", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    parser.add_argument("--growth", action="store_true", help="print the growth table only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.child_args = [
        "--runs",
        str(args.runs),
        "--budget",
        str(args.budget),
        "--http-seconds",
        str(args.http_seconds),
        "--port",
        str(args.port),
    ]
    if args.growth:
        print_growth()
        return
    if args.child:
        child(args.child, args.runs, args.budget, args.http_seconds, args.port)
        return
    results = [run_scale(scale, args) for scale in args.scales.split(",")]
    for result in results:
        print_table(result)
    if len(results) > 1:
        print()
        print_growth()


if __name__ == "__main__":
    main()
