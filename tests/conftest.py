"""Shared fixtures: a PII key for the test process, and helpers to build landing zones."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

# dbt (a child process) and the loader read the key from the environment.
os.environ.setdefault("SCORECARD_PII_KEY", "test-key-not-a-secret-0123456789")

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
def raw_con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A fresh warehouse file with schema ``raw`` created."""
    from dagster_project.ingest.load import ensure_raw_schema

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    ensure_raw_schema(con)
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
