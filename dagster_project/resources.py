"""Resources: the DuckDB warehouse (one writer, read-only readers), the landing zone, the
template folder and the reports folder. Their paths come from the settings, read once by the entry point."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from dagster_project.keys import OWNERS
from dagster_project.locking import connect_waiting
from dagster_project.settings import DEFAULT_DUCKDB_MEMORY_LIMIT, LOCAL_TIMEZONE
from dagster_project.stores import TableStore, table_store

#: Concurrency pool of every step that writes the warehouse. DuckDB allows one writer process
#: per file, so the pool is limited to 1 in the instance config (see dagster.yaml).
WAREHOUSE_WRITER_POOL = "duckdb_warehouse"


class Warehouse(dg.ConfigurableResource):
    """The embedded DuckDB warehouse file."""

    path: str
    #: DuckDB's memory budget (``Settings.duckdb_memory_limit``); dbt's process gets the same
    memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    #: how long a step waits for another process (a run started elsewhere, a reader) to let go
    lock_wait_seconds: float = 120
    #: the lake holding the tables written outside dbt on the Spark target (``Settings.lake``);
    #: empty: they are tables of this file
    lake: str = ""

    @property
    def tables(self) -> TableStore:
        """The store of the loader's tables, the template and the releases (``stores/``)."""
        return table_store(self.lake or None)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that is closed on exit; readers should pass ``read_only=True``."""
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = connect_waiting(Path(self.path), read_only, self.lock_wait_seconds)
        try:
            con.execute(f"SET TimeZone = '{LOCAL_TIMEZONE}'")
            con.execute("SET memory_limit = $limit", {"limit": self.memory_limit})
            yield con
        finally:
            con.close()


class LandingZone(dg.ConfigurableResource):
    """The landing folder: one sub-folder per feed (contract.md, "Landing zone")."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


class TemplateFolder(dg.ConfigurableResource):
    """The scorecard template versions: one sub-folder per version (``seeds/templates``)."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


class ReportFolder(dg.ConfigurableResource):
    """Where the monthly scorecard reports are written (``data/reports``)."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


def monthly_step(partitions_def: dg.PartitionsDefinition) -> dict[str, Any]:
    """What the monthly steps after the dbt build (the gate, publication, the report) share: the
    run's months in one step (a backfill too), the warehouse's writer pool, the owners."""
    return {
        "partitions_def": partitions_def,
        "backfill_policy": dg.BackfillPolicy.single_run(),
        "pool": WAREHOUSE_WRITER_POOL,
        "owners": OWNERS,
    }
