"""What a dbt build wrote, as asset metadata: row counts, column schemas (one query of the
warehouse) and column lineage (sqlglot over the compiled SQL, computed once per model version)."""

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster._serdes import deserialize_value, serialize_value  # dagster's own metadata serializer
from dagster_dbt.core.dbt_cli_event import (  # not exported: the lineage dagster-dbt computes itself
    EventHistoryMetadata,
    _build_column_lineage_metadata,
)

from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.sql import query
from dagster_project.transform.resource import DBT_PROJECT
from dagster_project.transform.translator import TRANSLATOR

logger = logging.getLogger(__name__)

#: Column lineage computed by earlier runs, by what it depends on (:func:`lineage_key`).
LINEAGE_CACHE = DBT_PROJECT_DIR / "target" / "column_lineage.json"

Columns = dict[str, dict[str, str]]


def relation_schemas(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dg.TableSchema]:
    """The column schema of every relation of the warehouse, from one query.

    dagster-dbt's ``fetch_column_metadata`` starts dbt's adapter in this process to ask the same,
    relation by relation (~7 s a step, most of it loading dbt's macros).
    """
    columns: dict[tuple[str, str], list[dg.TableColumn]] = {}
    for schema, table, column, data_type in con.execute(query("relation_columns")).fetchall():
        columns.setdefault((schema, table), []).append(dg.TableColumn(column, data_type))
    return {relation: dg.TableSchema(columns=cols) for relation, cols in columns.items()}


def relation_metadata(
    con: duckdb.DuckDBPyConnection,
    metadata: Mapping[str, Any],
    schemas: Mapping[tuple[str, str], dg.TableSchema],
) -> dict[str, Any]:
    """Row count (and column schema, when ``schemas`` has it) of the relation named by a dbt asset's
    ``dagster/table_name``; empty if it names none or the relation is not there."""
    table_name = metadata.get("dagster/table_name")
    if not table_name:
        return {}
    schema, table = str(table_name).split(".")[-2:]
    try:
        found: dict[str, Any] = {
            "dagster/row_count": con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
        }
    except duckdb.Error:
        return {}
    if (schema, table) in schemas:
        found["dagster/column_schema"] = schemas[(schema, table)]
    return found


def _columns(schemas: Mapping[tuple[str, str], dg.TableSchema], schema: str, table: str) -> Columns | None:
    found = schemas.get((schema, table))
    return None if found is None else {c.name: {"data_type": c.type} for c in found.columns}


def lineage_inputs(
    manifest: Mapping[str, Any], unique_id: str, schemas: Mapping[tuple[str, str], dg.TableSchema]
) -> tuple[Columns, dict[str, Columns]] | None:
    """A model's columns and its parents' (by relation name), as dagster-dbt's lineage reads them;
    None when the model is not in the warehouse."""
    node = manifest["nodes"][unique_id]
    columns = _columns(schemas, node["schema"], node["alias"])
    if columns is None:
        return None
    parents = {}
    for parent_id in manifest["parent_map"].get(unique_id, []):
        parent = manifest["nodes"].get(parent_id) or manifest["sources"].get(parent_id)
        table = parent["identifier"] if parent_id.startswith("source.") else parent["alias"]
        found = _columns(schemas, parent["schema"], table)
        if found is not None and parent.get("relation_name"):
            parents[parent["relation_name"]] = found
    return columns, parents


def lineage_key(
    manifest: Mapping[str, Any], unique_id: str, columns: Columns, parents: dict[str, Columns]
) -> str:
    """What a model's column lineage depends on: its SQL file, the macros it calls, its columns
    and its parents' (not the partition window its compiled SQL carries)."""
    node = manifest["nodes"][unique_id]
    macros = [
        manifest["macros"][m]["macro_sql"] for m in node["depends_on"]["macros"] if m in manifest["macros"]
    ]
    blob = json.dumps([unique_id, node["checksum"]["checksum"], macros, columns, parents], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class ColumnLineage:
    """Column lineage of the models a build wrote, each computed once per :func:`lineage_key`.

    dagster-dbt computes it with sqlglot from the compiled SQL and the columns of the model and its
    parents, in every run (seconds a step, whatever the data's size); it depends on the SQL and
    the columns only, so it is kept in :data:`LINEAGE_CACHE` and reused until they change.
    """

    def __init__(self, cache: Path = LINEAGE_CACHE) -> None:
        self.cache = cache
        self.known: dict[str, str] = json.loads(cache.read_text()) if cache.exists() else {}
        self.added = 0

    def of(
        self,
        manifest: Mapping[str, Any],
        unique_id: str,
        schemas: Mapping[tuple[str, str], dg.TableSchema],
        target_path: Path,
    ) -> dict[str, Any]:
        """``{"dagster/column_lineage": ...}`` of a model the build wrote (empty: none to give)."""
        if not unique_id.startswith("model."):
            return {}
        inputs = lineage_inputs(manifest, unique_id, schemas)
        if inputs is None:
            return {}
        key = lineage_key(manifest, unique_id, *inputs)
        if key not in self.known:
            try:
                computed = _build_column_lineage_metadata(
                    event_history_metadata=EventHistoryMetadata(columns=inputs[0], parents=inputs[1]),
                    dbt_resource_props=manifest["nodes"][unique_id],
                    manifest=manifest,
                    dagster_dbt_translator=TRANSLATOR,
                    target_path=target_path,
                    project=DBT_PROJECT,
                )
            except Exception:  # noqa: BLE001 - as dagster-dbt: lineage is metadata, never a failed step
                logger.warning("no column lineage for %s", unique_id, exc_info=True)
                return {}
            lineage = computed.get("dagster/column_lineage")
            if lineage is None:
                return {}
            self.known[key] = serialize_value(lineage)
            self.added += 1
        return {"dagster/column_lineage": deserialize_value(self.known[key], dg.TableColumnLineage)}

    def save(self) -> None:
        """Keep what this build computed (written whole, then renamed into place)."""
        if not self.added:
            return
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        written = self.cache.with_suffix(".tmp")
        written.write_text(json.dumps(self.known))
        os.replace(written, self.cache)
