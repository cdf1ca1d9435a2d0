"""The tables written outside dbt as tables of the DuckDB warehouse file (target ``duckdb``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb

from dagster_project.sql import query
from dagster_project.stores.base import Params, Select, TableStore, Writes, split


class _TransactionWrites(Writes):
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def replace(self, table: str, key: str, value: object, select: Select, params: Params = ()) -> None:
        schema, name = split(table)
        self.con.execute(f'DELETE FROM {schema}.{name} WHERE "{key}" = ?', [value])
        self.append(table, select, params)

    def add_rows_of(self, table: str, key: str, value: object, select: Select, params: Params = ()) -> None:
        self.append(table, select, params)

    def append(self, table: str, select: Select, params: Params = ()) -> None:
        schema, name = split(table)
        self.con.execute(f"INSERT INTO {schema}.{name} BY NAME {select}", params)

    def replace_table(self, table: str, columns: str, select: Select, params: Params = ()) -> None:
        schema, name = split(table)
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        self.con.execute(f"CREATE OR REPLACE TABLE {schema}.{name} ({columns})")
        self.append(table, select, params)


class WarehouseTables(TableStore):
    """Tables in the warehouse file; a unit of writes is one DuckDB transaction, so a killed
    process leaves none of it."""

    def define(
        self, con: duckdb.DuckDBPyConnection, ddl: Callable[[duckdb.DuckDBPyConnection], None]
    ) -> None:
        """Run ``ddl``; a table an earlier run kept in the lake (target ``spark``: a view here) is
        first copied back into the warehouse file, so the data follows the target."""
        for schema, name in con.execute(query("stores/lake_views")).fetchall():
            copy = f'"{schema}"."_{name}_from_lake"'
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(f'CREATE TABLE {copy} AS SELECT * FROM "{schema}"."{name}"')
                con.execute(f'DROP VIEW "{schema}"."{name}"')
                con.execute(f'ALTER TABLE {copy} RENAME TO "{name}"')
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        ddl(con)

    def rows_of(self, con: duckdb.DuckDBPyConnection, table: str, key: str, value: object) -> int:
        schema, name = split(table)
        return con.execute(f'SELECT count(*) FROM {schema}.{name} WHERE "{key}" = ?', [value]).fetchone()[0]

    @contextmanager
    def writing(self, con: duckdb.DuckDBPyConnection) -> Iterator[Writes]:
        con.execute("BEGIN TRANSACTION")
        try:
            yield _TransactionWrites(con)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
