"""The benchmark's three ways of computing the dashboard's figures agree, on a small synthetic
world: the kept counts, GROUP BY over the raw records, and DuckDB over Parquet copies."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from bench.scale import (
    bench_subjects,
    duck_figures,
    duckdb_copies,
    kept_figures,
    naive_figures,
    p95,
    timed,
)
from dangvien.synth.generate import Scale, plan_for
from dangvien.synth.load import load_world


def test_p95_is_the_nearest_rank() -> None:
    assert p95([float(n) for n in range(1, 21)]) == 19.0
    assert p95([5.0]) == 5.0
    assert p95([3.0, 1.0, 2.0]) == 3.0


def test_timed_runs_fewer_times_when_the_budget_is_short() -> None:
    calls: list[int] = []
    samples = timed(lambda: calls.append(1), runs=7, budget_s=60)
    assert len(samples) == 7
    assert len(calls) == 8  # one warm-up
    slow = timed(lambda: sum(range(200_000)), runs=50, budget_s=0.0)
    assert len(slow) == 3


@pytest.mark.django_db
def test_the_three_ways_give_the_same_figures(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the naive SQL of the benchmark is PostgreSQL's")
    load_world(plan_for(Scale.COMMUNE, 1))
    subjects = bench_subjects()
    with duckdb_copies(tmp_path) as duck:
        for unit in (subjects.country, subjects.province, subjects.commune):
            kept = kept_figures(unit)
            assert kept, unit.code
            assert kept == naive_figures(unit) == duck_figures(duck, unit)
