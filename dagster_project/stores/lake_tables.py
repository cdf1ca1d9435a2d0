"""The tables written outside dbt as Spark tables in the lake (target ``spark``).

Each table is a folder of Parquet files, ``<lake>/<schema>/<name>/part-*.parquet``, which dbt
registers as a Spark table when it starts (``macros/spark/register_sources.sql``); in a bank the
lake is object storage and the catalog Hive, Glue or Unity. The DuckDB warehouse reads each
table through a view of the same ``schema.name`` over its files, so every reader of the loader's
tables (the loader itself, the gates, the reports) runs unchanged.

How a unit of writes becomes files: every write is staged in a temporary table of the
connection, shaped like its table (an in-memory catalog ``lake_stage`` holds the tables'
definitions); when the unit ends, each write becomes one file, written under a hidden name
and renamed into place (a rename is atomic: a reader sees the old file or the new one):

* ``replace`` or ``add_rows_of`` key *k*: the file ``part-<k>-<hash of k>.parquet`` (one file per
  landing file, per release);
* ``append``: ``part-0.parquet`` rewritten with the added rows (the ledger and the release
  records: small tables, one row per delivery attempt or release);
* ``replace_table``: ``part-0.parquet``.

A table defined with no file yet gets an empty ``part-0.parquet``: Spark reads a table's columns
from its files.

Plain Parquet tables cannot commit several files at once (Delta Lake or Iceberg can: their jars
come from Maven, which this machine cannot reach). The files are renamed in the order the writes
were made, the commit record last (:class:`~dagster_project.stores.base.Writes`): a unit cut
short leaves its record unwritten, the next run does the unit again and replaces the same files.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.stores.base import Params, Select, TableStore, Writes, split

#: the in-memory catalog (per connection) holding the tables' definitions
STAGE = "lake_stage"
#: the comment on each view of the warehouse that reads a lake table
VIEW_COMMENT = "lake table: "


def part_file(value: object) -> str:
    """The file of a key's rows: ``part-<value>-<hash>.parquet``, the value's characters outside
    ``[A-Za-z0-9._-]`` as ``_`` (Hadoop paths mishandle ``%`` and ``:``), the hash of the value
    keeping two values apart."""
    text = str(value)
    readable = re.sub(r"[^A-Za-z0-9._-]", "_", text)
    return f"part-{readable}-{hashlib.sha256(text.encode()).hexdigest()[:8]}.parquet"


@dataclass
class _Write:
    table: str
    staged: str  # the temporary table holding the rows
    file_name: str
    append: bool
    redefined: bool = False  # ``replace_table``: the view takes the new columns


@dataclass
class _LakeWrites(Writes):
    store: LakeTables
    con: duckdb.DuckDBPyConnection
    writes: list[_Write] = field(default_factory=list)

    def _stage(self, table: str, select: Select, params: Params) -> str:
        schema, name = split(table)
        staged = f"_lake_write_{len(self.writes)}"
        self.con.execute(
            f'CREATE OR REPLACE TEMP TABLE {staged} AS SELECT * FROM {STAGE}."{schema}"."{name}" WHERE false'
        )
        self.con.execute(f"INSERT INTO {staged} BY NAME {select}", params)
        return staged

    def add_rows_of(self, table: str, key: str, value: object, select: Select, params: Params = ()) -> None:
        """The rows' own file, :func:`part_file` of ``value`` (what a unit cut short left under that
        value, unrecorded, is replaced)."""
        self.replace(table, key, value, select, params)

    def replace(self, table: str, key: str, value: object, select: Select, params: Params = ()) -> None:
        staged = self._stage(table, select, params)
        others = self.con.execute(
            f'SELECT count(*) FROM {staged} WHERE "{key}" IS DISTINCT FROM ?', [value]
        ).fetchone()[0]
        if others:
            raise ValueError(f"rows replacing {key} = {value!r} of {table} hold other values of {key}")
        self.writes.append(_Write(table, staged, part_file(value), False))

    def append(self, table: str, select: Select, params: Params = ()) -> None:
        self.writes.append(_Write(table, self._stage(table, select, params), "part-0.parquet", True))

    def replace_table(self, table: str, columns: str, select: Select, params: Params = ()) -> None:
        schema, name = split(table)
        self.store.attach(self.con)
        self.con.execute(f'CREATE SCHEMA IF NOT EXISTS {STAGE}."{schema}"')
        self.con.execute(f'CREATE OR REPLACE TABLE {STAGE}."{schema}"."{name}" ({columns})')
        self.writes.append(_Write(table, self._stage(table, select, params), "part-0.parquet", False, True))

    def commit(self) -> None:
        for write in self.writes:
            folder = self.store.folder(write.table)
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / write.file_name
            hidden = folder / f".{write.file_name}.{uuid.uuid4().hex}"
            rows = f"SELECT * FROM {write.staged}"
            if write.append and final.exists():
                rows = f"SELECT * FROM read_parquet('{final}') UNION ALL BY NAME {rows}"
            try:
                self.con.execute(f"COPY ({rows}) TO '{hidden}' (FORMAT parquet)")
            except BaseException:
                hidden.unlink(missing_ok=True)
                raise
            first = not any(folder.glob("part-*.parquet"))
            os.replace(hidden, final)
            if first or write.redefined:  # else the view reads the new file already
                self.store.refresh_view(self.con, write.table)

    def discard(self) -> None:
        for write in self.writes:
            self.con.execute(f"DROP TABLE IF EXISTS {write.staged}")
        self.writes.clear()


class LakeTables(TableStore):
    """Parquet tables in ``root`` (the lake), read in the warehouse through views."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def folder(self, table: str) -> Path:
        """The folder of the table ``schema.name``."""
        schema, name = split(table)
        return self.root / schema / name

    def attach(self, con: duckdb.DuckDBPyConnection) -> str:
        """Attach the staging catalog to ``con``; the warehouse's own catalog name."""
        main = con.execute("SELECT current_database()").fetchone()[0]
        con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {STAGE}")
        return main

    def define(
        self, con: duckdb.DuckDBPyConnection, ddl: Callable[[duckdb.DuckDBPyConnection], None]
    ) -> None:
        """Run ``ddl`` in the staging catalog, then give every table it holds its view."""
        main = self.attach(con)
        con.execute(f"USE {STAGE}")
        try:
            ddl(con)
        finally:
            con.execute(f'USE "{main}"')
        for schema, name in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?", [STAGE]
        ).fetchall():
            folder = self.folder(f"{schema}.{name}")
            if not any(folder.glob("part-*.parquet")):  # Spark infers a table's columns from a file
                folder.mkdir(parents=True, exist_ok=True)
                hidden = folder / f".part-0.parquet.{uuid.uuid4().hex}"
                con.execute(
                    f'COPY (FROM {STAGE}."{schema}"."{name}" LIMIT 0) TO \'{hidden}\' (FORMAT parquet)'
                )
                os.replace(hidden, folder / "part-0.parquet")
            self.refresh_view(con, f"{schema}.{name}")

    def refresh_view(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """(Re)create the warehouse's view of ``table``: its defined columns, in order and type, over
        its files (a column a file lacks, written before the column existed, reads as null)."""
        schema, name = split(table)
        main = con.execute("SELECT current_database()").fetchone()[0]
        existing = con.execute(
            "SELECT table_type FROM information_schema.tables "
            "WHERE table_catalog = ? AND table_schema = ? AND table_name = ?",
            [main, schema, name],
        ).fetchone()
        if existing and existing[0] == "BASE TABLE":
            raise RuntimeError(
                f"{schema}.{name} is a table of the DuckDB warehouse (loaded on target duckdb); on target "
                f"spark it lives in the lake ({self.folder(table)}): run the Spark target on a warehouse "
                "of its own (SCORECARD_WAREHOUSE)"
            )
        columns = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [STAGE, schema, name],
        ).fetchall()
        files = self.folder(table) / "part-*.parquet"
        present: set[str] = set()
        if any(self.folder(table).glob("part-*.parquet")):
            source = f"read_parquet('{files}', union_by_name = true)"
            present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
        select = ", ".join(
            f'CAST("{c}" AS {t}) AS "{c}"' if c in present else f'CAST(NULL AS {t}) AS "{c}"'
            for c, t in columns
        )
        body = f"SELECT {select} FROM {source}" if present else f"SELECT {select} WHERE false"
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{main}"."{schema}"')
        con.execute(f'CREATE OR REPLACE VIEW "{main}"."{schema}"."{name}" AS {body}')
        con.execute(f'COMMENT ON VIEW "{main}"."{schema}"."{name}" IS \'{VIEW_COMMENT}{self.folder(table)}\'')

    def rows_of(self, con: duckdb.DuckDBPyConnection, table: str, key: str, value: object) -> int:
        """The rows of the key's own file (its footer only; the table's other files unread)."""
        part = self.folder(table) / part_file(value)
        return (
            con.execute(f"SELECT count(*) FROM read_parquet('{part}')").fetchone()[0] if part.exists() else 0
        )

    @contextmanager
    def writing(self, con: duckdb.DuckDBPyConnection) -> Iterator[Writes]:
        writes = _LakeWrites(self, con)
        try:
            yield writes
        except BaseException:
            writes.discard()
            raise
        try:
            writes.commit()
        finally:
            writes.discard()
