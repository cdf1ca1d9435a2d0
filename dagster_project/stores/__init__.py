"""Where the tables written outside dbt live, behind one interface (:class:`TableStore`).

The loader's raw feeds, quarantine and ledger, the validated template and the append-only
releases are written by Python, not by dbt. Which store holds them follows the dbt target
(``SCORECARD_DBT_TARGET``):

* ``duckdb`` — :class:`WarehouseTables`: tables in the DuckDB warehouse file; a unit of writes
  is one DuckDB transaction.
* ``spark`` — :class:`LakeTables`: Spark tables, as Parquet files in the lake beside Spark's
  warehouse directory (``<schema>/<table>/part-*.parquet``; dbt registers them in Spark's
  metastore when it starts); the DuckDB warehouse reads them through views, so the loader's own
  reads, the gates and the reports run unchanged.

The callers say *what* to write (``replace`` the rows of one key, ``append`` rows, replace a
whole table) as a SELECT; the store says how.
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.stores.base import TableStore, Writes
from dagster_project.stores.lake_tables import LakeTables
from dagster_project.stores.warehouse_tables import WarehouseTables

__all__ = ["WAREHOUSE_FILE", "LakeTables", "TableStore", "WarehouseTables", "Writes", "table_store"]

#: the default store of the functions that write these tables: the DuckDB file (target duckdb)
WAREHOUSE_FILE: TableStore = WarehouseTables()


def table_store(lake: str | Path | None) -> TableStore:
    """The store of a run: Parquet tables under ``lake`` (the Spark target), else the DuckDB file."""
    return LakeTables(Path(lake)) if lake else WAREHOUSE_FILE
