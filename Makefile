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

SQL_VENV := .venv-sql
# The same project with dbt-spark and pyspark (requirements-spark.lock): its own virtualenv, so that
# the DuckDB pipeline's processes never import pyspark (GX imports it whenever it is installed).
SPARK_VENV := .venv-spark

.PHONY: install prepare run generate ui sql docs fonts test test-slow test-reliability bench bench-engines chromium java spark-install lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set (this machine, CI), Python
# would otherwise compile dagster, dbt and GX from source in every process (~6 s each: every
# `scorecard` command, every dbt step, the code server, each run the daemon launches).
$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q dagster_project tests benchmarks > /dev/null
	touch $@

# A random PII key for this machine (never committed); production injects its own.
.env:
	@echo "SCORECARD_PII_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" > $@

install: $(VENV)/.installed .env prepare fonts

## Parse the dbt project when it changed (the manifest the Dagster assets are built from).
prepare: $(VENV)/.installed
	$(BIN)/scorecard prepare

generate: install
	$(BIN)/scorecard generate --out $(SCORECARD_LANDING_DIR) --scale $(SCALE) --start $(START) --months $(MONTHS)

## Set up, generate demo data, materialize every asset into the DuckDB file (reports included),
## build the dbt docs, and say where the report, the docs and the SQL client are.
run: install $(if $(filter spark,$(SCORECARD_DBT_TARGET)),spark-install)
	@test -d $(SCORECARD_LANDING_DIR) || $(MAKE) --no-print-directory generate
	$(BIN)/scorecard run
	@$(BIN)/scorecard docs > /dev/null && echo "dbt docs:  $(dir $(SCORECARD_WAREHOUSE))docs/index.html (opens offline; make docs serves it)"
	@echo "reports:   $(dir $(SCORECARD_WAREHOUSE))reports/<month>/scorecard_report_<month>.html ($(BIN)/scorecard report --month YYYY-MM for another)"
	@echo "SQL:       make sql (harlequin, read-only), or: $(BIN)/scorecard sql \"select * from analytics.ranking\""
	@echo "commands:  $(BIN)/scorecard --help (or first: source $(BIN)/activate, then scorecard …)"

## dbt's documentation site, built for the warehouse and served on http://127.0.0.1:8080 (offline).
docs: install
	$(BIN)/scorecard docs --serve

## The warehouse in harlequin, read-only (its own virtualenv: requirements-sql.lock).
## The file is attached read-only under the catalog name the pipeline uses (`scorecard`), so that
## `marts.scorecard` means the schema's table whatever the file is called (dagster_project/locking.py).
sql: install $(SQL_VENV)/.installed
	@printf "ATTACH '%s' AS scorecard (READ_ONLY);\nUSE scorecard;\n" "$(SCORECARD_WAREHOUSE)" > $(VENV)/harlequin-init.sql
	$(SQL_VENV)/bin/harlequin --locale C --init-path $(VENV)/harlequin-init.sql ":memory:"

$(SQL_VENV)/.installed: requirements-sql.lock $(VENV)/.installed
	$(PYTHON) -m venv $(SQL_VENV)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(SQL_VENV)/bin/python requirements-sql.lock
	touch $@

## dbt-spark and pyspark (Spark in-process needs Java 17: Debian's package when it is missing).
spark-install: $(SPARK_VENV)/.installed java

$(SPARK_VENV)/.installed: requirements-spark.lock pyproject.toml $(VENV)/.installed
	$(PYTHON) -m venv $(SPARK_VENV)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(SPARK_VENV)/bin/python requirements-spark.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(SPARK_VENV)/bin/python --no-deps -e .
	touch $@

java:
	@java -version 2>&1 | grep -q 'version "\(17\|21\)' || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless; }

## The Dagster UI on the same code location (http://127.0.0.1:3000); Ctrl-C or SIGTERM stops
## every process it started within 10 s (scorecard ui, dagster_project/serve/ui.py).
UI_PORT ?= 3000
ui: install
	exec $(BIN)/scorecard ui --host 127.0.0.1 --port $(UI_PORT)

#: two pytest-xdist workers (this machine has two cores); tests that share a warehouse or a
#: module's fixtures run on one worker (tests/conftest.py)
PARALLEL := -n 2 --dist loadgroup

## The default suite (slow suites excluded).
test: install
	$(BIN)/pytest -m "not slow" $(PARALLEL)

## Slow suites: end-to-end runs, and the Dagster UI in headless Chromium (Debian's package).
test-slow: install chromium spark-install
	$(BIN)/pytest -m slow $(PARALLEL)

## The reliability suite alone (faults, bad input, PII; also part of test-slow): tests/reliability.
test-reliability: install
	$(BIN)/pytest -m reliability $(PARALLEL) tests/reliability

## The benchmark at one scale factor (1 ≈ 1 M engagement events over six months): benchmarks/run.py.
bench: install
	$(BIN)/python benchmarks/run.py --scale $(SCALE) --months $(MONTHS)

## The same dbt build on DuckDB and on Spark, wall time and agreement: benchmarks/engines.py.
bench-engines: install spark-install
	$(BIN)/python benchmarks/engines.py --scale $(SCALE) --months $(MONTHS)

## A CJK font, so that the report's charts render Chinese labels (Debian's package).
fonts:
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { command -v apt-get >/dev/null && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		fonts-noto-cjk; } || echo "warning: no CJK font (Debian: fonts-noto-cjk): Chinese labels of the report's charts render as boxes"; }

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

lint: install
	$(BIN)/ruff check dagster_project tests benchmarks
	$(BIN)/ruff format --check dagster_project tests benchmarks
	cd dbt_project && SCORECARD_WAREHOUSE=$(CURDIR)/data/.lint.duckdb ../$(BIN)/sqlfluff lint models macros tests
	cd dagster_project/sql && ../../$(BIN)/sqlfluff lint .
	cd expectations/batches && ../../$(BIN)/sqlfluff lint --config ../../dagster_project/sql/.sqlfluff .

clean:
	rm -rf data dbt_project/target dbt_project/logs test-output $(SQL_VENV) $(SPARK_VENV)
	find dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
