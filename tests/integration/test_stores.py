"""The two stores of the tables written outside dbt (``dagster_project/stores``), on real DuckDB:
the lake's files as Spark reads them, a unit of writes cut short, and a warehouse changing target.
The loader's whole suite runs on both stores too (``test_load.py``)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest.load import ensure_raw_schema, load_feed
from dagster_project.publish.releases import publish_month, verify
from dagster_project.serve.sql_access import SqlAccessError, run_query
from dagster_project.stores import LakeTables, WarehouseTables
from dagster_project.stores import lake_tables as lake_module
from dagster_project.stores.lake_tables import part_file
from tests.conftest import write_delivery
from tests.integration.test_load import LEAD
from tests.integration.test_release_hash import _marts

FILE = "leads/leads_2025-01-05.csv"


def _leads(landing: Path, *ids: str) -> None:
    write_delivery(landing, "leads", "2025-01-05", [{**LEAD, "lead_id": i} for i in ids])


def _kind(con: duckdb.DuckDBPyConnection, table: str) -> str:
    schema, name = table.split(".")
    return con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = ? AND table_name = ?",
        [schema, name],
    ).fetchone()[0]


def test_the_lake_holds_one_file_per_delivery_replaced_whole_on_redelivery(tmp_path: Path) -> None:
    lake = LakeTables(tmp_path / "lake")
    landing = tmp_path / "landing"
    _leads(landing, "L1", "L2", "")  # the third row breaks a rule: quarantined
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    (first,) = load_feed(con, landing, "leads", store=lake)
    assert (first.status, first.rows_loaded, first.rows_quarantined) == ("loaded", 2, 1)
    part = tmp_path / "lake" / "raw" / "leads" / part_file(FILE)
    assert part.name.startswith("part-leads_leads_2025-01-05.csv-")
    # the empty file every table starts with (Spark reads a table's columns from its files), and
    # the delivery's; no hidden file left
    assert sorted(p.name for p in part.parent.iterdir()) == ["part-0.parquet", part.name]
    assert duckdb.sql(f"SELECT count(*) FROM '{part.parent / 'part-0.parquet'}'").fetchall() == [(0,)]
    assert duckdb.sql(f"SELECT lead_id FROM '{part}' ORDER BY 1").fetchall() == [("L1",), ("L2",)]
    assert _kind(con, "raw.leads") == "VIEW" and _kind(con, "raw._file_ledger") == "VIEW"

    _leads(landing, "L3")  # re-delivered: replaces the file's rows and quarantine
    (again,) = load_feed(con, landing, "leads", store=lake)
    assert (again.status, again.rows_loaded, again.rows_superseded) == ("loaded", 1, 3)
    assert con.execute("SELECT lead_id FROM raw.leads").fetchall() == [("L3",)]
    assert con.execute("SELECT count(*) FROM raw._quarantine").fetchone()[0] == 0
    assert [
        r[0] for r in con.execute("SELECT status FROM raw._file_ledger ORDER BY loaded_at").fetchall()
    ] == [
        "loaded",
        "loaded",
    ]
    assert load_feed(con, landing, "leads", store=lake)[0].status == "unchanged"
    con.close()
    # analysts' `scorecard sql` reads the lake's files through the views, and no other file
    warehouse = tmp_path / "w.duckdb"
    assert run_query(warehouse, "SELECT lead_id FROM raw.leads", readable=[tmp_path / "lake"]).rows == [
        ("L3",)
    ]
    with pytest.raises(SqlAccessError, match="disabled by configuration"):
        run_query(warehouse, "SELECT lead_id FROM raw.leads", readable=[tmp_path / "elsewhere"])


def test_a_load_cut_short_before_its_ledger_row_is_done_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lake renames a load's files into place in order, the ledger row last: a load stopped
    between them left the ledger saying the file was not loaded, so the next load does it again."""
    lake = LakeTables(tmp_path / "lake")
    landing = tmp_path / "landing"
    _leads(landing, "L1", "L2")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_raw_schema(con, lake)
    rename = os.replace

    def stop_at_the_ledger(source: str | Path, target: str | Path) -> None:
        if "_file_ledger" in str(target):
            raise KeyboardInterrupt("stopped before the commit record")
        rename(source, target)

    monkeypatch.setattr(lake_module.os, "replace", stop_at_the_ledger)
    with pytest.raises(KeyboardInterrupt):
        load_feed(con, landing, "leads", store=lake)
    assert con.execute("SELECT count(*) FROM raw.leads").fetchone()[0] == 2  # its rows, unrecorded
    assert con.execute("SELECT count(*) FROM raw._file_ledger").fetchone()[0] == 0
    monkeypatch.setattr(lake_module.os, "replace", rename)

    (result,) = load_feed(con, landing, "leads", store=lake)
    assert (result.status, result.rows_loaded) == ("loaded", 2)
    assert con.execute("SELECT count(*) FROM raw.leads").fetchone()[0] == 2  # replaced, not doubled
    assert con.execute("SELECT count(*) FROM raw._file_ledger").fetchone()[0] == 1


def test_releases_in_the_lake_are_one_file_each_and_verify(tmp_path: Path) -> None:
    lake = LakeTables(tmp_path / "lake")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    _marts(con, 1.5)
    first = publish_month(con, date(2025, 6, 1), "run-1", {}, store=lake)
    _marts(con, 2.5)
    second = publish_month(con, date(2025, 6, 1), "run-2", {}, store=lake)
    assert (first.release_id, second.release_id) == (1, 2) and second.created
    for table in ("scorecard", "scorecard_indicator"):
        files = sorted(p.name for p in (tmp_path / "lake" / "published" / table).iterdir())
        assert files == ["part-0.parquet", *sorted([part_file(1), part_file(2)])]
    assert con.execute("SELECT count(*) FROM published.scorecard_release").fetchone()[0] == 2
    assert [check.ok for check in verify(con)] == [True, True]
    assert not publish_month(con, date(2025, 6, 1), "run-3", {}, store=lake).created


def test_a_warehouse_back_on_duckdb_copies_the_lakes_tables_into_the_file(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _leads(landing, "L1", "L2")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_feed(con, landing, "leads", store=LakeTables(tmp_path / "lake"))

    assert load_feed(con, landing, "leads", store=WarehouseTables())[0].status == "unchanged"
    assert _kind(con, "raw.leads") == "BASE TABLE" and _kind(con, "raw._file_ledger") == "BASE TABLE"
    assert con.execute("SELECT count(*) FROM raw.leads").fetchone()[0] == 2

    with pytest.raises(RuntimeError, match="SCORECARD_WAREHOUSE"):  # and not the other way
        ensure_raw_schema(con, LakeTables(tmp_path / "lake"))
