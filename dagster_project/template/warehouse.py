"""Writing validated versions to ``reference.template_<section>`` (the dbt sources of scoring)."""

from __future__ import annotations

import duckdb

from dagster_project.template.parsing import TemplateVersion
from dagster_project.template.schema import SECTIONS, SQL_TYPES


def write_templates(con: duckdb.DuckDBPyConnection, versions: dict[str, TemplateVersion]) -> dict[str, int]:
    """Replace ``reference.template_<section>`` with the validated rows, in one transaction."""
    con.execute("CREATE SCHEMA IF NOT EXISTS reference")
    counts = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for section in SECTIONS:
            table = f"reference.template_{section.name}"
            columns = ["template_version VARCHAR"] + [
                f"{f.name} {SQL_TYPES[f.kind]}" for f in section.fields if f.name != "template_version"
            ]
            con.execute(f"CREATE OR REPLACE TABLE {table} ({', '.join(columns)})")
            names = [f.name for f in section.fields if f.name != "template_version"]
            rows = [
                [tv.version, *[row.values[n] for n in names]]
                for tv in versions.values()
                for row in tv.sections[section.name]
            ]
            if rows:
                placeholders = ", ".join("?" for _ in range(len(names) + 1))
                con.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)
            counts[section.name] = len(rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return counts
