# Two commands for a fresh machine with Python 3.11: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= 1
MONTHS ?= 6
START ?= 2025-01

export DAGSTER_HOME := $(CURDIR)/dagster_home
export PATH := $(CURDIR)/$(BIN):$(PATH)
export SCORECARD_LANDING_DIR ?= $(CURDIR)/data/landing
export SCORECARD_WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb

.PHONY: install prepare run generate ui test test-slow chromium lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# A random PII key for this machine (never committed); production injects its own.
.env:
	@echo "SCORECARD_PII_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" > $@

install: $(VENV)/.installed .env prepare

## Parse the dbt project when it changed (the manifest the Dagster assets are built from).
prepare: $(VENV)/.installed
	$(BIN)/scorecard prepare

generate: install
	$(BIN)/scorecard generate --out $(SCORECARD_LANDING_DIR) --scale $(SCALE) --start $(START) --months $(MONTHS)

## Set up, generate demo data, materialize every asset into the DuckDB file, print a summary.
run: install
	@test -d $(SCORECARD_LANDING_DIR) || $(MAKE) --no-print-directory generate
	$(BIN)/scorecard run

## The Dagster UI on the same code location (http://127.0.0.1:3000).
ui: install
	$(BIN)/dagster dev -m dagster_project.definitions -h 127.0.0.1 -p 3000

#: two pytest-xdist workers (this machine has two cores); tests that share a warehouse or a
#: module's fixtures run on one worker (tests/conftest.py)
PARALLEL := -n 2 --dist loadgroup

## The default suite (slow suites excluded).
test: install
	$(BIN)/pytest -m "not slow" $(PARALLEL)

## Slow suites: end-to-end runs, and the Dagster UI in headless Chromium (Debian's package).
test-slow: install chromium
	$(BIN)/pytest -m slow $(PARALLEL)

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

lint: install
	$(BIN)/ruff check dagster_project tests
	$(BIN)/ruff format --check dagster_project tests
	cd dbt_project && SCORECARD_WAREHOUSE=$(CURDIR)/data/.lint.duckdb ../$(BIN)/sqlfluff lint models macros tests
	cd dagster_project/sql && ../../$(BIN)/sqlfluff lint .
	cd expectations/batches && ../../$(BIN)/sqlfluff lint --config ../../dagster_project/sql/.sqlfluff .

clean:
	rm -rf data dbt_project/target dbt_project/logs test-output
	find dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
