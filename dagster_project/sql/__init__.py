"""The SQL the Python modules run, kept as ``.sql`` files that sqlfluff lints (``make lint``).

One folder per module (``load/``, ``quality/``, ``publish/``, ``reports/``, ``whatif/``);
:func:`query` reads a file by its path without the suffix, e.g. ``query("whatif/compare")``.
Parameters are DuckDB's ``$1`` or ``$name`` placeholders (what sqlfluff's placeholder
templater reads), never string formatting of values.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent


@cache
def query(name: str) -> str:
    """The text of ``dagster_project/sql/<name>.sql``."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    """``(column, data type)`` of a table, in order (none when it does not exist)."""
    return con.execute(query("table_columns"), {"schema_name": schema, "table_name": table}).fetchall()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute(query("table_exists"), {"schema_name": schema, "table_name": table}).fetchone()[0]
