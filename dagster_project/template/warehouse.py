"""Writing validated versions to ``reference.template_<section>`` (the dbt sources of scoring)."""

from __future__ import annotations

import duckdb

from dagster_project.stores import WAREHOUSE_FILE, TableStore
from dagster_project.template.parsing import TemplateVersion
from dagster_project.template.schema import SECTIONS, SQL_TYPES


def write_templates(
    con: duckdb.DuckDBPyConnection,
    versions: dict[str, TemplateVersion],
    store: TableStore = WAREHOUSE_FILE,
) -> dict[str, int]:
    """Replace ``reference.template_<section>`` in ``store`` (default: the warehouse file) with the
    validated rows, in one unit of writes."""
    counts = {}
    with store.writing(con) as writes:
        for section in SECTIONS:
            names = [f.name for f in section.fields if f.name != "template_version"]
            columns = ", ".join(
                ["template_version VARCHAR"]
                + [f"{f.name} {SQL_TYPES[f.kind]}" for f in section.fields if f.name != "template_version"]
            )
            staged = f"_template_{section.name}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} ({columns})")
            rows = [
                [tv.version, *[row.values[n] for n in names]]
                for tv in versions.values()
                for row in tv.sections[section.name]
            ]
            if rows:
                placeholders = ", ".join("?" for _ in range(len(names) + 1))
                con.executemany(f"INSERT INTO {staged} VALUES ({placeholders})", rows)
            writes.replace_table(f"reference.template_{section.name}", columns, f"SELECT * FROM {staged}")
            counts[section.name] = len(rows)
    return counts
