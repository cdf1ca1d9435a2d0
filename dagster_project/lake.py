"""The same dbt project on Spark: the loader's tables as Parquet for Spark, Spark's tables read
back with DuckDB, and the two engines' tables compared.

On the Spark target (``SCORECARD_DBT_TARGET=spark``) the loader keeps reading the landing files
with DuckDB (per file, bounded); its raw feeds and the template are written as Parquet, one
folder per table (``<folder>/<schema>/<table>/``), and dbt registers them as Spark tables
(``macros/spark/register_sources.sql``). In a bank the folder is object storage and the catalog
Hive, Glue or Unity. Spark writes each table it builds as Parquet under its warehouse directory
(``<schema>.db/<table>/``, partition folders for incremental models), which DuckDB reads here
without starting Spark.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import duckdb

from dagster_project.ingest.feeds import FEEDS
from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from dagster_project.template import SECTIONS

#: dbt with dbt-spark and pyspark: a virtualenv of its own (``make spark-install``), so that the
#: DuckDB pipeline's processes never import pyspark (GX imports it whenever it is installed)
SPARK_DBT = PROJECT_ROOT / ".venv-spark" / "bin" / "dbt"
#: the dbt sources written outside dbt that Spark reads: (schema, table)
SOURCE_TABLES: list[tuple[str, str]] = [("raw", feed) for feed in FEEDS] + [
    ("reference", f"template_{section.name}") for section in SECTIONS
]
#: numbers of two engines agree to this relative difference (floating point sums in another order)
RELATIVE_TOLERANCE = 1e-9


def export_sources(warehouse: Path, folder: Path) -> int:
    """Write the loader's raw feeds and the template of ``warehouse`` as Parquet under ``folder``
    (one ``part-0.parquet`` per table, replacing what an earlier export wrote); return the rows."""
    rows = 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for schema, table in SOURCE_TABLES:
            target = folder / schema / table
            target.mkdir(parents=True, exist_ok=True)
            part = target / "part-0.parquet"
            con.execute(f"COPY {schema}.{table} TO '{part}' (FORMAT parquet)")
            rows += con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]
    return rows


def spark_table_sql(spark_warehouse: Path, schema: str, table: str) -> str:
    """A DuckDB expression reading the Parquet files of the Spark table ``schema.table``."""
    files = spark_warehouse / "warehouse" / f"{schema}.db" / table
    return f"read_parquet('{files}/**/*.parquet', hive_partitioning = true)"


def run_dbt(
    executable: Path, args: list[str], env: Mapping[str, str], log: Path
) -> subprocess.CompletedProcess[bytes]:
    """``dbt <args>`` in the dbt project with ``env``, its output to ``log``; raises naming the log
    (and showing its end) when dbt fails."""
    with log.open("w") as out:
        done = subprocess.run(
            [str(executable), *args], cwd=DBT_PROJECT_DIR, env={**os.environ, **env}, stdout=out, stderr=out
        )
    if done.returncode != 0:
        raise RuntimeError(f"dbt {args[0]} failed (see {log}):\n{log.read_text()[-3000:]}")
    return done


def table_differences(
    con: duckdb.DuckDBPyConnection, duckdb_table: str, spark_table: str, keys: list[str]
) -> dict[str, int]:
    """Rows found on one engine only, and per column the rows whose values differ (exactly, but
    numbers to :data:`RELATIVE_TOLERANCE` relative), joining the two tables on ``keys``."""
    columns = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {duckdb_table})").fetchall()
    join = f"{duckdb_table} AS a FULL JOIN {spark_table} AS b USING ({', '.join(keys)})"
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
