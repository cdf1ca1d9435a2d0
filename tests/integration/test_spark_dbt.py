"""The same dbt project on Spark (dbt-spark, session method, Spark in-process) and on DuckDB.

A demo landing zone is loaded by the real loader into DuckDB; its raw feeds and the template go
to Parquet files, which dbt registers as Spark tables (macro ``register_parquet_sources``). Then
``dbt build`` runs every model and test unchanged on each target, and the scorecards must agree:
keys, grades, ranks, vetoes and texts exactly, numbers to 1e-9 relative. The Spark build runs in
``.venv-spark`` (``make spark-install``); this process reads Spark's tables as Parquet with DuckDB,
so it never imports pyspark.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.demo.generate import generate
from dagster_project.ingest.feeds import FEEDS
from dagster_project.ingest.load import load_feed
from dagster_project.publish.releases import RELEASED_TABLES
from dagster_project.settings import DBT_PROJECT_DIR, DEFAULT_TEMPLATES_DIR, PROJECT_ROOT, local_today
from dagster_project.template import SECTIONS, load_templates, write_templates

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]

SPARK_DBT = PROJECT_ROOT / ".venv-spark" / "bin" / "dbt"
DUCKDB_DBT = Path(sys.executable).parent / "dbt"
#: both builds score as of the same day, whenever they run
AS_OF = local_today().isoformat()
BUILD = ["build", "--exclude-resource-type", "unit_test", "--exclude", "tag:analytics"]
#: the released tables, keyed by month and their keys within a month, and the mart that carries a
#: PII hash (uscc_hmac: Spark's HMAC must equal DuckDB's)
COMPARED = {
    **{table: ["period_month", *keys] for table, keys in RELEASED_TABLES.items()},
    "dim_client": ["client_id"],
}
RELATIVE_TOLERANCE = 1e-9


def _dbt(executable: Path, args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("w") as out:
        done = subprocess.run(
            [str(executable), *args], cwd=DBT_PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    assert done.returncode == 0, f"dbt {' '.join(args[:1])} failed: see {log}\n{log.read_text()[-3000:]}"


def _export_sources(warehouse: Path, folder: Path) -> None:
    """The loader's raw feeds and the template as Parquet, one folder per table."""
    tables = [("raw", feed) for feed in FEEDS] + [("reference", f"template_{s.name}") for s in SECTIONS]
    con = duckdb.connect(str(warehouse), read_only=True)
    for schema, table in tables:
        target = folder / schema / table
        target.mkdir(parents=True)
        con.execute(f"COPY {schema}.{table} TO '{target / 'part-0.parquet'}' (FORMAT parquet)")
    con.close()


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    assert SPARK_DBT.exists(), "dbt-spark is not installed: make spark-install"
    work = tmp_path_factory.mktemp("spark")
    landing, warehouse = work / "landing", work / "duckdb.duckdb"
    generate(landing, scale=0.01, start="2025-01", months=3, seed=13, show_progress=False)
    con = duckdb.connect(str(warehouse))
    for feed in FEEDS:
        load_feed(con, landing, feed)
    write_templates(con, load_templates(DEFAULT_TEMPLATES_DIR))
    con.close()
    _export_sources(warehouse, work / "parquet")

    env = {
        **os.environ,
        # a random key like production's: Spark redacts one containing "secret" (the suite's own
        # key does), and staging refuses to hash with a redacted key
        "SCORECARD_PII_KEY": secrets.token_hex(32),
        "SCORECARD_WAREHOUSE": str(warehouse),
        "SCORECARD_SPARK_WAREHOUSE": str(work / "spark"),
    }
    dbt_vars = ["--vars", json.dumps({"as_of_date": AS_OF})]
    _dbt(
        DUCKDB_DBT,
        [*BUILD, *dbt_vars, "--target", "duckdb", "--target-path", str(work / "target-duckdb")],
        env,
        work / "dbt-duckdb.log",
    )
    spark_args = ["--target", "spark", "--target-path", str(work / "target-spark")]
    register = {"folder": str(work / "parquet"), "schemas": ["raw", "reference"]}
    _dbt(
        SPARK_DBT,
        ["run-operation", "register_parquet_sources", "--args", json.dumps(register), *spark_args],
        env,
        work / "dbt-spark-register.log",
    )
    _dbt(SPARK_DBT, [*BUILD, *dbt_vars, *spark_args], env, work / "dbt-spark.log")
    return {"duckdb": warehouse, "spark": work / "spark" / "warehouse"}


def _differences(con: duckdb.DuckDBPyConnection, table: str, keys: list[str]) -> dict[str, int]:
    columns = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE d.marts.{table})").fetchall()
    join = f"d.marts.{table} AS a FULL JOIN s_{table} AS b USING ({', '.join(keys)})"
    counts = {
        "rows only on one engine": con.execute(
            f"SELECT count(*) FROM {join} WHERE a.{keys[0]} IS NULL OR b.{keys[0]} IS NULL"
        ).fetchone()[0]
    }
    for column, data_type in columns:
        if column in keys:
            continue
        if data_type == "DOUBLE" or data_type.startswith("DECIMAL"):
            differs = (
                f"NOT ((a.{column} IS NULL AND b.{column} IS NULL) OR abs(a.{column} - b.{column})"
                f" <= {RELATIVE_TOLERANCE} * greatest(abs(a.{column}), abs(b.{column})))"
            )
        else:
            differs = f"a.{column} IS DISTINCT FROM CAST(b.{column} AS {data_type})"
        counts[column] = con.execute(f"SELECT count(*) FROM {join} WHERE {differs}").fetchone()[0]
    return counts


@pytest.mark.parametrize("table", sorted(COMPARED))
def test_spark_scores_what_duckdb_scores(engines: dict[str, Path], table: str) -> None:
    con = duckdb.connect()
    con.execute(f"ATTACH '{engines['duckdb']}' AS d (READ_ONLY)")
    files = engines["spark"] / "marts.db" / table
    parquet = f"read_parquet('{files}/**/*.parquet', hive_partitioning = true)"
    con.execute(f"CREATE VIEW s_{table} AS SELECT * FROM {parquet}")
    rows = con.execute(f"SELECT count(*) FROM d.marts.{table}").fetchone()[0]
    assert rows > 0, f"no rows in marts.{table} to compare"
    assert con.execute(f"SELECT count(*) FROM s_{table}").fetchone()[0] == rows
    assert {column: n for column, n in _differences(con, table, COMPARED[table]).items() if n} == {}
