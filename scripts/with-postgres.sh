#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster: created in a temp dir, reachable
# only on a unix socket there, stopped and removed afterwards, also when the command fails.
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/initdb" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15
  else
    echo "PostgreSQL 15 is missing ($PG_BIN/initdb); install the postgresql-15 package." >&2
    exit 1
  fi
fi
dir=$(mktemp -d)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
port=${PG_PORT:-55432}
# PG_EXTRA_OPTS: more server settings (the benchmarks give it memory: see the Makefile).
"${as_pg[@]}" "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Durability is not under test here: skip fsync so the suite runs at memory speed.
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_EXTRA_OPTS:-}" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
export DATABASE_URL="postgres://postgres@/dangvien?host=$dir&port=$port"
set +e
"$@"
status=$?
set -e
exit $status
