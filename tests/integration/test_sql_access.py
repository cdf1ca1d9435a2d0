"""`scorecard sql`: read-only queries, refusals, CSV and Parquet output, and a pipeline writing
at the same time, on a real DuckDB file through the real command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.serve.sql_access import SqlAccessError, check_query, run_query


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA analytics")
        con.execute(
            "CREATE TABLE analytics.ranking AS SELECT 'BR00' || i AS entity_id, 100 - i AS final_score "
            "FROM range(1, 251) t(i)"
        )
        con.execute("COMMENT ON COLUMN analytics.ranking.final_score IS '最终得分 / final score'")
    return path


def scorecard_sql(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SCORECARD_WAREHOUSE": str(warehouse)}
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "sql", *args],
        env=env,
        cwd=warehouse.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_query_prints_a_table_and_says_when_rows_are_left_out(warehouse: Path) -> None:
    done = scorecard_sql(
        warehouse, "select entity_id, final_score from analytics.ranking order by 2 desc", "--limit", "3"
    )
    assert done.returncode == 0, done.stderr
    assert "BR001" in done.stdout and "99" in done.stdout and "BR004" not in done.stdout
    assert "first 3 rows shown" in done.stdout
    # comments are readable like any table (what harlequin shows)
    result = run_query(
        warehouse, "select comment from duckdb_columns() where column_name = 'final_score'", limit=None
    )
    assert result.rows == [("最终得分 / final score",)]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("insert into analytics.ranking values ('X', 1)", "INSERT is a write or administrative statement"),
        ("delete from analytics.ranking", "DELETE is a write or administrative statement"),
        ("create table analytics.x as select 1", "CREATE is a write or administrative statement"),
        ("drop table analytics.ranking", "DROP is a write or administrative statement"),
        ("attach '/tmp/other.duckdb'", "ATTACH is refused"),
        ("copy analytics.ranking to '/tmp/leak.csv'", "COPY is refused"),
        ("install httpfs", "INSTALL and LOAD are refused"),
        ("load httpfs", "INSTALL and LOAD are refused"),
        ("set enable_external_access = true", "SET is refused"),
        ("select 1; select 2", "one statement at a time"),
        ("selct 1", "does not parse"),
    ],
)
def test_anything_but_one_query_is_refused_with_a_reason(statement: str, message: str) -> None:
    with pytest.raises(SqlAccessError, match=message):
        check_query(statement)


def test_the_command_refuses_a_write_and_the_warehouse_is_unchanged(warehouse: Path) -> None:
    done = scorecard_sql(warehouse, "delete from analytics.ranking")
    assert done.returncode == 2
    assert "DELETE is a write or administrative statement" in done.stdout
    assert run_query(warehouse, "select count(*) from analytics.ranking").rows == [(250,)]


def test_a_query_cannot_read_files_outside_the_warehouse(warehouse: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(SqlAccessError, match="disabled by configuration"):
        run_query(warehouse, f"select * from read_csv('{secret}')")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_out_writes_the_whole_result(warehouse: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / "out" / f"ranking{suffix}"
    done = scorecard_sql(warehouse, "select * from analytics.ranking", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "250 rows written" in done.stdout
    reader = "read_csv" if suffix == ".csv" else "read_parquet"
    with duckdb.connect() as con:
        assert con.execute(f"select count(*), max(final_score) from {reader}('{out}')").fetchone() == (
            250,
            99,
        )
    # again into the same file: DuckDB overwrites through a temporary file beside it
    done = scorecard_sql(warehouse, "select * from analytics.ranking limit 7", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 rows written" in done.stdout
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_out_must_be_csv_or_parquet(warehouse: Path, tmp_path: Path) -> None:
    done = scorecard_sql(warehouse, "select 1", "--out", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2 and "--out must end in .csv or .parquet" in done.stdout


WRITER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("insert into analytics.ranking values ('NEW', 0)")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold_the_writer_lock(warehouse: Path, seconds: float) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(warehouse), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "holding"
    return writer


def test_a_query_waits_for_a_writer_then_reads_what_it_wrote(warehouse: Path) -> None:
    writer = _hold_the_writer_lock(warehouse, 3)
    started = time.monotonic()
    done = scorecard_sql(warehouse, "select count(*) from analytics.ranking", "--wait", "60")
    writer.wait()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "251" in done.stdout
    assert time.monotonic() - started >= 2  # it waited for the writer rather than failing


def test_a_writer_that_keeps_the_lock_gets_a_clear_message(warehouse: Path) -> None:
    writer = _hold_the_writer_lock(warehouse, 20)
    try:
        done = scorecard_sql(warehouse, "select 1", "--wait", "1")
    finally:
        writer.kill()
        writer.wait()
    assert done.returncode == 2
    assert "being written by another process" in done.stdout
    assert f"PID {writer.pid}" in done.stdout.replace("\n", " ")
