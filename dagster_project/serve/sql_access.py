"""``scorecard sql``: analysts' queries on a read-only connection to the warehouse.

Three fences, so that a query can only read this warehouse: the statement must be one query
(``SELECT``, ``FROM``, ``WITH``, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE``, ``EXPLAIN``), refused
with a message otherwise; the connection is read-only; and DuckDB's external access is off
(no file read or written, no ``ATTACH``, ``INSTALL`` or ``LOAD``) with its configuration locked,
but for the one file ``--out`` names and the files under Spark's warehouse directory, which the
views of a warehouse built on the Spark target read (the lake's tables, Spark's marts).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.locking import WarehouseUnavailable, connect_waiting

#: Statement types a query may be (DuckDB parses SHOW, DESCRIBE and SUMMARIZE as SELECT).
QUERY_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}

REFUSALS = {
    duckdb.StatementType.ATTACH: "ATTACH is refused: `scorecard sql` reads this warehouse only",
    duckdb.StatementType.DETACH: "DETACH is refused: `scorecard sql` reads this warehouse only",
    duckdb.StatementType.COPY: "COPY is refused: to save a result, use --out FILE.csv or FILE.parquet",
    duckdb.StatementType.EXPORT: "EXPORT is refused: to save a result, use --out FILE.csv or FILE.parquet",
    duckdb.StatementType.LOAD: "INSTALL and LOAD are refused: no extension is loaded into the warehouse",
    duckdb.StatementType.SET: "SET is refused: the read-only connection's settings are fixed",
}

OUTPUT_FORMATS = {".csv": "csv", ".parquet": "parquet"}


class SqlAccessError(ValueError):
    """The query was refused, or the warehouse cannot be read now; the message says why."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool


def check_query(sql: str) -> None:
    """Refuse anything but one query, naming what was refused."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise SqlAccessError(f"the query does not parse: {exc}") from None
    if len(statements) != 1:
        raise SqlAccessError(f"one statement at a time, please (got {len(statements)})")
    kind = statements[0].type
    if kind in QUERY_TYPES:
        return
    if kind in REFUSALS:
        raise SqlAccessError(REFUSALS[kind])
    name = str(kind).rsplit(".", 1)[-1]
    raise SqlAccessError(f"{name} is a write or administrative statement: `scorecard sql` runs queries only")


def connect_read_only(
    warehouse: Path, wait_seconds: float = 30, out: Path | None = None, readable: Sequence[Path] = ()
) -> duckdb.DuckDBPyConnection:
    """A read-only connection with external access off (but for ``out``, and the folders
    ``readable``: Spark's warehouse directory, whose files the views of a Spark-target warehouse
    read), waiting up to ``wait_seconds`` while a pipeline run holds DuckDB's writer lock."""
    if not warehouse.exists():
        raise SqlAccessError(f"no warehouse at {warehouse}: run `make run` (or set SCORECARD_WAREHOUSE)")
    try:
        con = connect_waiting(warehouse, read_only=True, wait_seconds=wait_seconds)
    except WarehouseUnavailable as exc:
        raise SqlAccessError(
            f"{exc}. Try again when the run ends, or wait longer with --wait."
            if "being written" in str(exc)
            else str(exc)
        ) from None
    if out is not None:
        # DuckDB overwrites an existing file through tmp_<name> beside it, then renames
        con.execute(
            "SET allowed_paths = $paths", {"paths": [str(out), str(out.with_name(f"tmp_{out.name}"))]}
        )
    if readable:
        folders = [f"{folder.resolve()}{os.sep}" for folder in readable]
        con.execute("SET allowed_directories = $folders", {"folders": folders})
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def run_query(
    warehouse: Path,
    sql: str,
    limit: int | None = 100,
    wait_seconds: float = 30,
    readable: Sequence[Path] = (),
) -> QueryResult:
    """The query's columns and its first ``limit`` rows (all with None); ``readable``: see
    :func:`connect_read_only`."""
    check_query(sql)
    with connect_read_only(warehouse, wait_seconds, readable=readable) as con:
        try:
            cursor = con.execute(sql)
        except duckdb.Error as exc:
            raise SqlAccessError(str(exc)) from None
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit + 1)
    truncated = limit is not None and len(rows) > limit
    return QueryResult(columns, rows[:limit] if truncated else rows, truncated)


def write_query(
    warehouse: Path, sql: str, out: Path, wait_seconds: float = 30, readable: Sequence[Path] = ()
) -> int:
    """Write the whole result to ``out`` (CSV or Parquet, by its suffix) in DuckDB; its row count."""
    check_query(sql)
    fmt = OUTPUT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise SqlAccessError(f"--out must end in {' or '.join(OUTPUT_FORMATS)}, got {out.name}")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with connect_read_only(warehouse, wait_seconds, out=out, readable=readable) as con:
        try:
            relation = con.sql(sql)
            if fmt == "csv":
                relation.write_csv(str(out), header=True)
                return con.read_csv(str(out)).shape[0]
            relation.write_parquet(str(out))
            return con.read_parquet(str(out)).shape[0]
        except duckdb.Error as exc:
            raise SqlAccessError(str(exc)) from None
