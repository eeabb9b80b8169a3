# The two commands a user needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: demo test bench bench-load bench-national messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Pinned dependencies from the lock files, then the project itself (for the `dangvien` command).
$(VENV)/.base-installed: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock $(VENV)/.base-installed
	$(BIN)/pip install --quiet -r requirements/dev.lock
	touch $@

# The demo's printed logins work with their password alone: two-factor login is optional here
# unless DANGVIEN_2FA_REQUIRED_ROLE is set (`DANGVIEN_2FA_REQUIRED_ROLE=approver make demo`).
demo: export DANGVIEN_2FA_REQUIRED_ROLE ?= none
demo: $(VENV)/.base-installed
	$(BIN)/dangvien migrate --noinput
	$(BIN)/dangvien demo
	$(BIN)/dangvien serve --port $(PORT)

test: $(VENV)/.dev-installed
	bash scripts/test.sh

# The benchmarks (bench/README.md): import and export of a 100,000-member workbook, then the
# commune and province synthetic worlds on a throwaway PostgreSQL 15 cluster.
BENCH_PG := PG_PORT=55470 PG_EXTRA_OPTS="-c shared_buffers=1GB -c work_mem=32MB -c maintenance_work_mem=512MB"
bench: $(VENV)/.dev-installed
	DJANGO_SETTINGS_MODULE=dangvien.settings $(BIN)/python -m bench.people_io
	$(BENCH_PG) bash scripts/with-postgres.sh $(BIN)/python -m bench.scale --scales commune,province

# The load test (bench/README.md): the province world loaded, then 50 users for 60 s of mixed
# work on loopback. A cluster of its own (LOAD_PG_PORT), so it may run beside `make bench`.
LOAD_PG_PORT ?= 55471
bench-load: $(VENV)/.dev-installed
	$(BENCH_PG) PG_PORT=$(LOAD_PG_PORT) bash scripts/with-postgres.sh $(BIN)/python -m bench.load --users 50 --seconds 60

# The whole country (about 40 minutes and 15 GB of disk); the growth table then covers all three.
bench-national: $(VENV)/.dev-installed
	$(BENCH_PG) bash scripts/with-postgres.sh $(BIN)/python -m bench.scale --scales national --runs 20
	$(BIN)/python -m bench.scale --growth

# Recompile the English catalogue after editing dangvien/locale/en/LC_MESSAGES/django.po.
messages: $(VENV)/.dev-installed
	cd dangvien && ../$(BIN)/dangvien makemessages --locale en --no-obsolete --add-location file
	cd dangvien && ../$(BIN)/dangvien compilemessages --locale en

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
