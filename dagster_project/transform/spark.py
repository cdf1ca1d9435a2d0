"""The same dbt project on Spark: the lake's tables registered in Spark, Spark's tables read
back with DuckDB, and the two engines' tables compared.

On the Spark target (``SCORECARD_DBT_TARGET=spark``) the loader, the template and publication
write their tables into the lake (``stores/lake_tables.py``: ``<lake>/<schema>/<table>/``), and
dbt registers them as Spark tables (``macros/spark/register_sources.sql``). In a bank the lake is
object storage and the catalog Hive, Glue or Unity. Spark writes each table it builds as Parquet
under its warehouse directory (``<schema>.db/<table>/``, partition folders for incremental
models), which DuckDB reads here without starting Spark.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, lake_folder

#: dbt with dbt-spark and pyspark: a virtualenv of its own (``make spark-install``), so that the
#: DuckDB pipeline's processes never import pyspark (GX imports it whenever it is installed)
SPARK_DBT = PROJECT_ROOT / ".venv-spark" / "bin" / "dbt"
#: numbers of two engines agree to this relative difference (floating point sums in another order)
RELATIVE_TOLERANCE = 1e-9


def register_in_spark(spark_warehouse: Path, schemas: list[str], work: Path) -> None:
    """Register the lake's tables of ``schemas`` in Spark's metastore (``dbt run-operation
    register_parquet_sources``, a Spark session of its own; its log and target folder in ``work``)."""
    work.mkdir(parents=True, exist_ok=True)
    args = {"folder": str(lake_folder(spark_warehouse)), "schemas": schemas}
    run_dbt(
        SPARK_DBT,
        [
            *("run-operation", "register_parquet_sources", "--args", json.dumps(args)),
            *("--target", "spark", "--target-path", str(work / "target")),
        ],
        {"SCORECARD_SPARK_WAREHOUSE": str(spark_warehouse)},
        work / "register.log",
    )


def spark_table_files(spark_warehouse: Path, schema: str, table: str) -> Path:
    """The folder of the Spark table ``schema.table`` in the warehouse directory."""
    return spark_warehouse / "warehouse" / f"{schema}.db" / table


def spark_table_sql(spark_warehouse: Path, schema: str, table: str) -> str:
    """A DuckDB expression reading the Parquet files of the Spark table ``schema.table``."""
    files = spark_table_files(spark_warehouse, schema, table)
    return f"read_parquet('{files}/**/*.parquet', hive_partitioning = true)"


#: dbt nodes that Spark stores as Parquet files (a view is only a definition in its metastore)
_STORED = {"table", "incremental", "seed"}


def _mirror_select(con: duckdb.DuckDBPyConnection, node: Mapping[str, Any], source: str | None) -> str | None:
    """The SELECT of a node's mirror view: its contract's columns in order and types (as DuckDB
    built them: a partitioned Spark table puts its partition column last), else its documented
    columns in order when they are the files' columns, else the files' columns; None when Spark
    wrote no file and the node has no contract to give the empty table its columns."""
    contract = node.get("contract", {}).get("enforced", False)
    documented = [c["name"] for c in node.get("columns", {}).values()]
    if source is None:
        if not contract:
            return None
        typed = ", ".join(
            f'CAST(NULL AS {c["data_type"]}) AS "{c["name"]}"' for c in node["columns"].values()
        )
        return f"SELECT {typed} WHERE false"
    if contract:
        typed = ", ".join(
            f'CAST("{c["name"]}" AS {c["data_type"]}) AS "{c["name"]}"' for c in node["columns"].values()
        )
        return f"SELECT {typed} FROM {source}"
    present = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    if sorted(documented) == sorted(present):
        return f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in documented)} FROM {source}"
    return f"SELECT * FROM {source}"


def mirror_spark_tables(
    con: duckdb.DuckDBPyConnection, spark_warehouse: Path, manifest: Mapping[str, Any]
) -> list[str]:
    """A view in the DuckDB warehouse over the Parquet files of every table dbt built on Spark
    (``schema.name``, as on the DuckDB target), so that the gates, publication, the analytics
    views and the report read the scores Spark computed, unchanged; return the views' names.

    A table an earlier run built on DuckDB under the same name is dropped (dbt rebuilds it if the
    target changes back)."""
    mirrored = []
    for node in sorted(manifest["nodes"].values(), key=lambda n: n["unique_id"]):
        if node["resource_type"] not in ("model", "seed") or node["config"]["materialized"] not in _STORED:
            continue
        schema, name = node["schema"], node.get("alias") or node["name"]
        folder = spark_table_files(spark_warehouse, schema, name)
        if not folder.is_dir():
            continue
        has_files = any(folder.rglob("*.parquet"))
        select = _mirror_select(
            con, node, spark_table_sql(spark_warehouse, schema, name) if has_files else None
        )
        if select is None:
            continue
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        kind = con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [schema, name],
        ).fetchone()
        if kind and kind[0] == "BASE TABLE":
            con.execute(f'DROP TABLE "{schema}"."{name}"')
        con.execute(f'CREATE OR REPLACE VIEW "{schema}"."{name}" AS {select}')
        mirrored.append(f"{schema}.{name}")
    return mirrored


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
