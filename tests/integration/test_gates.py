"""The quality gates on real GX and DuckDB, without a pipeline run: a raw feed's suites run for
its months, record one result per gate (suite on asset) and month, and a month's gate status
reads them. Several assets validated in one process share one GX project, as a run's steps do,
and a later process validates on the project the earlier one left.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from dagster_project.ingest.load import load_feed
from dagster_project.partitions import months_between
from dagster_project.quality import gx_runner
from dagster_project.quality.gates import latest_gate_results, month_gate_status, run_checks
from dagster_project.quality.suites import suites_guarding
from tests.master_data import write_master_data

TODAY = date(2025, 3, 15)


def test_the_suites_of_several_feeds_run_in_one_process_and_record_a_result_per_gate(
    raw_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    write_master_data(landing, day="2025-01-01")
    for feed in ("branches", "teams"):
        load_feed(raw_con, landing, feed)
    months = months_between(date(2025, 1, 1), date(2025, 3, 1))
    warehouse = tmp_path / "warehouse.duckdb"
    results = {}
    # branches, teams, then branches again: a suite's checkpoint, registered once per process,
    # must still run after another feed's suites were registered in the same GX project
    for guard in ("raw/branches", "raw/teams", "raw/branches"):
        run_id = f"run-{len(results)}"
        checks = run_checks(raw_con, guard, suites_guarding(guard), months, TODAY, warehouse, run_id)
        results[guard] = {c.check_name: c.passed for c in checks}
    assert results == {
        "raw/branches": {"raw_branches": True, "ingestion_health": True},
        "raw/teams": {"raw_teams": True, "ingestion_health": True},
    }
    gates = {gate for gate, passed, _ in latest_gate_results(raw_con, date(2025, 1, 1)) if passed}
    assert {
        "raw/branches:raw_branches",
        "raw/branches:ingestion_health",
        "raw/teams:raw_teams",
        "raw/teams:ingestion_health",
    } == gates
    status = month_gate_status(raw_con, date(2025, 2, 1))
    assert status["raw/teams:ingestion_health"] is True
    assert status["raw/leads:ingestion_health"] is None  # never checked: February cannot publish
    docs = tmp_path / "quality_gx" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert docs.exists()
    # a later process (a new run) on the same GX project: nothing registered yet in this process
    gx_runner._context.cache_clear()
    gx_runner._source.cache_clear()
    gx_runner._CHECKPOINTS.clear()
    for guard in ("raw/teams", "raw/branches"):
        checks = run_checks(raw_con, guard, suites_guarding(guard), months, TODAY, warehouse, "run-later")
        assert all(c.passed for c in checks), guard


def test_a_row_lost_after_loading_fails_the_accounting_gate_of_its_month(
    raw_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Rows read = loaded + quarantined + superseded, per feed and month: a redelivery keeps the
    books balanced, a row that disappears from ``raw`` fails ``ingestion_health``."""
    landing = tmp_path / "landing"
    write_master_data(landing, day="2025-01-01")
    load_feed(raw_con, landing, "branches")
    (landing / "branches" / "branches_2025-01-01.csv").write_text(
        "branch_id,branch_name,region\nB1,上海分行,华东\nB2,北京分行,华北\n", encoding="utf-8"
    )
    load_feed(raw_con, landing, "branches")  # re-delivered with one more branch
    months = months_between(date(2025, 1, 1), date(2025, 2, 1))
    warehouse = tmp_path / "warehouse.duckdb"
    (balanced,) = [
        c
        for c in run_checks(
            raw_con, "raw/branches", suites_guarding("raw/branches"), months, TODAY, warehouse, "a"
        )
        if c.check_name == "ingestion_health"
    ]
    assert balanced.passed
    assert raw_con.execute(
        "SELECT rows_read, rows_in_raw, rows_superseded, rows_unaccounted FROM raw._row_accounting"
    ).fetchall() == [(3, 2, 1, 0)]

    raw_con.execute("DELETE FROM raw.branches WHERE branch_id = 'B2'")  # a row lost behind the loader's back
    (lost,) = [
        c
        for c in run_checks(
            raw_con, "raw/branches", suites_guarding("raw/branches"), months, TODAY, warehouse, "b"
        )
        if c.check_name == "ingestion_health"
    ]
    assert not lost.passed
    assert "rows_unaccounted" in str(lost.metadata["failed_expectations"].value)
