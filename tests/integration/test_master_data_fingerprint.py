"""What decides whether the master-data dbt step rebuilds (transform/master_data.py), on a real
DuckDB ledger and the project's manifest."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from dagster_project.sql import query
from dagster_project.transform.manifest import prepare_manifest
from dagster_project.transform.master_data import last_build, master_data_fingerprint, record_build


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    connection.execute(query("load/create_ledger_and_quarantine"))
    yield connection
    connection.close()


def _ledger_row(con: duckdb.DuckDBPyConnection, feed: str) -> None:
    con.execute(
        "INSERT INTO raw._file_ledger (feed, file_name, status, loaded_at) VALUES (?, ?, 'loaded', now())",
        [feed, f"{feed}/{feed}_2025-02-01.csv"],
    )


def test_only_master_data_deliveries_the_code_and_the_day_change_it(con: duckdb.DuckDBPyConnection) -> None:
    manifest = json.loads(prepare_manifest().read_text(encoding="utf-8"))
    day = date(2025, 2, 3)
    before = master_data_fingerprint(con, manifest, day)
    _ledger_row(con, "engagement_events")  # a monthly feed: not read by the master data
    assert master_data_fingerprint(con, manifest, day) == before
    _ledger_row(con, "managers")
    after_delivery = master_data_fingerprint(con, manifest, day)
    assert after_delivery != before
    assert master_data_fingerprint(con, manifest, date(2025, 2, 4)) != after_delivery
    node = next(iter(manifest["nodes"]))
    changed = {
        **manifest,
        "nodes": {**manifest["nodes"], node: {**manifest["nodes"][node], "checksum": {"checksum": "x"}}},
    }
    assert master_data_fingerprint(con, changed, day) != after_delivery
    assert last_build(con) is None
    record_build(con, after_delivery, "run-1")
    assert last_build(con) == (after_delivery, "run-1")
