#!/usr/bin/env bash
# What `make test` runs: lint, types, the suite on SQLite and on PostgreSQL 15, a primary with
# its streaming replica, the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Tests never touch the demo's data folder.
DANGVIEN_DATA_DIR=$(mktemp -d)
export DANGVIEN_DATA_DIR
trap 'rm -rf "$DANGVIEN_DATA_DIR"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "ruff (lint, format)"
$BIN/ruff check .
$BIN/ruff format --check .

step "mypy"
$BIN/mypy dangvien tests

step "migrations match the models"
$BIN/dangvien makemigrations --check --dry-run >/dev/null

step "pytest on SQLite"
$BIN/pytest -m "not browser and not replica" -n 2

step "pytest on PostgreSQL 15"
bash scripts/with-postgres.sh $BIN/pytest -m "not browser and not replica" -n 2

step "PostgreSQL 15 primary and streaming replica (reports read from the replica)"
# The previous step installed PostgreSQL when it could; without it, say so and go on.
if [ -x "${PG_BIN:-/usr/lib/postgresql/15/bin}/pg_basebackup" ]; then
  $BIN/pytest -m replica
else
  echo "skipped: PostgreSQL 15 is missing (${PG_BIN:-/usr/lib/postgresql/15/bin}); install postgresql-15"
fi

step "browser tests (headless Chromium)"
bash scripts/ensure-chromium.sh
$BIN/pytest -m browser
