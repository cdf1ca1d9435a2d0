"""Shared fixtures: a PII key for the test process, helpers to build landing zones, and the
reliability suite's tally (one summary line at the end of a run that ran it)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb
import pytest

if TYPE_CHECKING:
    from dagster_project.stores import TableStore

# dbt (a child process) and the loader read the key from the environment.
os.environ.setdefault("SCORECARD_PII_KEY", "test-key-not-a-secret-0123456789")

#: the day of June the demo warehouse is built without (``demo_runs``): delivered late by the
#: incremental tests
LATE_FILE = "engagement_events_2025-06-15.csv"

#: session fixtures that build a warehouse: their tests share a worker (see below)
SHARED_WAREHOUSES = ("demo_runs", "scored")


def pytest_itemcollected(item: pytest.Item) -> None:
    """Groups for pytest-xdist (`make test` runs two workers, ``--dist loadgroup``): a test module
    stays on one worker (its module fixtures are built once), and so do all the tests of a
    session warehouse, wherever they are (a worker builds its own session fixtures). Marked as
    each test is collected, before xdist reads the groups."""
    if item.get_closest_marker("xdist_group") is None:
        shared = next((name for name in SHARED_WAREHOUSES if name in getattr(item, "fixturenames", ())), None)
        item.add_marker(pytest.mark.xdist_group(shared or item.module.__name__))


#: What the reliability suite's tests found (one JSON line per record, from every xdist worker).
TALLY = Path(__file__).resolve().parent.parent / "test-output" / "reliability" / "tally.jsonl"


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    if _is_controller(session.config):
        TALLY.unlink(missing_ok=True)


#: outcomes of the reliability tests of this session (the controller's, which xdist sends
#: every worker's reports to; a worker's own list stays unused)
_reliability_reports: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "reliability" in report.keywords:
        _reliability_reports.append(report.outcome)


@pytest.fixture
def tally() -> object:
    """Record what a reliability test tried and found: ``tally(kind, count=1, rows_lost=0, pii_hits=0)``
    with kind ``bad_input``, ``fault`` (recorded once the warehouse survived it) or ``security``."""

    def record(kind: str, count: int = 1, rows_lost: int = 0, pii_hits: int = 0) -> None:
        TALLY.parent.mkdir(parents=True, exist_ok=True)
        line = {"kind": kind, "count": count, "rows_lost": rows_lost, "pii_hits": pii_hits}
        with TALLY.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")

    return record


def pytest_terminal_summary(terminalreporter: object, exitstatus: int, config: pytest.Config) -> None:
    """The reliability suite's one line: cases run, faults survived, bad inputs tried, rows lost, PII hits."""
    if not _is_controller(config) or not _reliability_reports:
        return
    records = (
        [json.loads(line) for line in TALLY.read_text(encoding="utf-8").splitlines()]
        if TALLY.exists()
        else []
    )

    def total(kind: str | None, key: str) -> int:
        return sum(r[key] for r in records if kind is None or r["kind"] == kind)

    failed = sum(outcome != "passed" for outcome in _reliability_reports)
    terminalreporter.write_line(
        f"reliability: {len(_reliability_reports)} cases run ({failed} failed), "
        f"{total('fault', 'count')} faults survived, {total('bad_input', 'count')} bad inputs tried, "
        f"rows lost {total(None, 'rows_lost')}, PII hits {total(None, 'pii_hits')}"
    )


def write_delivery(
    landing: Path,
    feed: str,
    day: str,
    rows: list[dict[str, object]],
    columns: list[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """Write ``<landing>/<feed>/<feed>_<day>.csv`` with the feed's contract columns."""
    from dagster_project.ingest.feeds import FEEDS

    columns = columns or FEEDS[feed].column_names
    folder = landing / feed
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{feed}_{day}.csv"
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in columns})
    return path


def query(warehouse: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def tick_landing_sensor(
    landing: Path, instance: dg.DagsterInstance, cursor: str | None, settled: bool = True
) -> dg.SensorResult:
    """One evaluation of the landing sensor on ``landing``, from ``cursor`` (Dagster's test API).

    ``settled``: files written within the sensor's settling time are first dated back beyond
    it, as if delivered a while ago (the sensor waits for files still being written)."""
    import time

    from dagster_project.partitions import monthly_partitions
    from dagster_project.resources import LandingZone
    from dagster_project.sensors import SETTLE_SECONDS, build_landing_sensor

    if settled:
        now = time.time()
        for path in landing.rglob("*"):
            if path.is_file() and now - path.stat().st_mtime < SETTLE_SECONDS:
                os.utime(path, (now - SETTLE_SECONDS - 1, now - SETTLE_SECONDS - 1))

    landing_zone_sensor = build_landing_sensor(monthly_partitions("2025-01-01"))
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"landing": LandingZone(path=str(landing))}
    )
    return landing_zone_sensor(context)


@pytest.fixture(scope="session")
def defs() -> dg.Definitions:
    """The code location as its entry point builds it, with the default settings."""
    from dagster_project.definitions import build_definitions
    from dagster_project.settings import load_settings

    return build_definitions(load_settings({}))


@pytest.fixture
def store() -> TableStore:
    """The store of the tables written outside dbt: the DuckDB file (``test_load.py`` runs its
    tests on the lake too)."""
    from dagster_project.stores import WAREHOUSE_FILE

    return WAREHOUSE_FILE


@pytest.fixture
def raw_con(tmp_path: Path, store: TableStore) -> duckdb.DuckDBPyConnection:
    """A fresh warehouse file with schema ``raw`` created in ``store``."""
    from dagster_project.ingest.load import ensure_raw_schema

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    ensure_raw_schema(con, store)
    yield con
    con.close()


def scorecard_cli(args: list[str], scored: dict) -> subprocess.CompletedProcess:
    """The ``scorecard`` command on a scored warehouse (``warehouse``, ``templates``, ``root``),
    configured by environment variables only, as an operator runs it."""
    env = {
        **os.environ,
        "SCORECARD_WAREHOUSE": str(scored["warehouse"]),
        "SCORECARD_TEMPLATES_DIR": str(scored["templates"]),
    }
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        env=env,
        cwd=scored["root"],
        capture_output=True,
        text=True,
        timeout=600,
    )


def table_counts(warehouse: Path) -> dict[str, int]:
    """Rows per table, but the logs that grow with every run (file ledger, gate results)."""
    tables = query(
        warehouse,
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema <> 'quality' AND table_name NOT IN ('_file_ledger')",
    )
    return {f"{s}.{t}": query(warehouse, f'SELECT count(*) FROM "{s}"."{t}"')[0][0] for s, t in tables}


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A six-month demo landing zone, backfilled in one run, then backfilled again (the end-to-end
    modules and the reliability suite's PII scan). One day of June is held back (``LATE_FILE``,
    kept in ``later/``): the incremental tests deliver it late, on a copy of the warehouse."""
    from dagster_project.demo.generate import generate
    from dagster_project.pipeline import materialize_all, run_settings

    root = tmp_path_factory.mktemp("demo")
    landing, warehouse, later = root / "landing", root / "warehouse.duckdb", root / "later"
    generate(landing, scale=0.01, start="2025-01", months=6, seed=3, show_progress=False)
    later.mkdir()
    shutil.move(landing / "engagement_events" / LATE_FILE, later / LATE_FILE)
    instance = dg.DagsterInstance.ephemeral()
    first = materialize_all(
        run_settings(landing, warehouse, "2025-01"), "2025-01", "2025-06", instance=instance
    )
    counts_first = table_counts(warehouse)
    ledger_first = query(warehouse, "SELECT count(*) FROM raw._file_ledger")[0][0]
    releases_first = query(warehouse, "SELECT release_id, content_hash FROM published.scorecard_release")
    # the first run's materializations carry the column lineage under test; the second's need not
    second = materialize_all(
        run_settings(landing, warehouse, "2025-01", column_lineage=False),
        "2025-01",
        "2025-06",
        instance=instance,
    )
    return {
        "instance": instance,
        "releases_first": releases_first,
        "warehouse": warehouse,
        "landing": landing,
        "later": later,
        "first": first,
        "second": second,
        "counts_first": counts_first,
        "ledger_first": ledger_first,
    }
