"""The interface of the stores of the tables written outside dbt (see the package docstring)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import duckdb

#: a SELECT whose columns are named like the target table's (matched by name; parameters bound)
Select = str
Params = Sequence[object] | dict[str, object]


class Writes(ABC):
    """The writes of one unit: all of them take effect, or none (see each store for how).

    Write the commit record last (the ledger row of a load, the release row of a publication):
    a store that cannot commit several tables at once (the lake) writes them in the order they
    were made, so a unit cut short leaves the record saying it did not happen, and doing it
    again (same keys) replaces what it left."""

    @abstractmethod
    def replace(self, table: str, key: str, value: object, select: Select, params: Params = ()) -> None:
        """Replace the rows of ``table`` (``schema.name``) whose ``key`` is ``value`` by ``select``."""

    @abstractmethod
    def add_rows_of(self, table: str, key: str, value: object, select: Select, params: Params = ()) -> None:
        """Add the rows of ``select``, all of a new ``key`` value (a release's rows), to ``table``."""

    @abstractmethod
    def append(self, table: str, select: Select, params: Params = ()) -> None:
        """Add the rows of ``select`` to ``table``."""

    @abstractmethod
    def replace_table(self, table: str, columns: str, select: Select, params: Params = ()) -> None:
        """Replace ``table`` whole: its ``columns`` (DDL: ``name TYPE, ...``) and its rows."""


class TableStore(ABC):
    """The tables written outside dbt: defined with DuckDB DDL, written in units of :class:`Writes`,
    read with DuckDB SQL under their ``schema.name`` on the warehouse connection."""

    @abstractmethod
    def define(
        self, con: duckdb.DuckDBPyConnection, ddl: Callable[[duckdb.DuckDBPyConnection], None]
    ) -> None:
        """Make the tables that ``ddl`` creates (``CREATE TABLE IF NOT EXISTS schema.name``, adding
        columns) exist and readable on ``con``."""

    @abstractmethod
    def rows_of(self, con: duckdb.DuckDBPyConnection, table: str, key: str, value: object) -> int:
        """How many rows of ``table`` have ``key`` = ``value`` (what a ``replace`` would supersede)."""

    @abstractmethod
    def writing(self, con: duckdb.DuckDBPyConnection) -> AbstractContextManager[Writes]:
        """A unit of writes through ``con``: committed when the block ends, undone when it raises."""


def split(table: str) -> tuple[str, str]:
    """``schema.name`` as ``(schema, name)``."""
    schema, _, name = table.partition(".")
    if not schema or not name:
        raise ValueError(f"a table is named schema.name, not {table!r}")
    return schema, name
