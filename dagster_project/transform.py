"""dbt models, seeds and tests as Dagster assets and asset checks.

Asset keys follow the warehouse layout (``staging/stg_leads``, ``marts/fct_loan_funnel``),
dbt sources map onto the ingestion assets (``raw/<feed>``), and groups follow the layers, so
the asset graph reads left to right from raw feeds to marts.
"""

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from dagster_project.resources import WAREHOUSE_WRITER_POOL, Warehouse
from dagster_project.settings import DBT_PROJECT_DIR, SEEDS_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

#: The dbt executable beside this interpreter, so an unactivated virtualenv still finds it.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or older than any file dbt parses."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in (
        DBT_PROJECT_DIR / "models",
        DBT_PROJECT_DIR / "macros",
        DBT_PROJECT_DIR / "tests",
        SEEDS_DIR,
    ):
        sources += [p for p in folder.rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


# dagster-dbt's own preparer acts only under `dagster dev` and looks for `dbt` on PATH; CLI
# runs, tests and CI need the manifest too, so parse whenever the project changed.
if manifest_is_stale(DBT_PROJECT):
    dbt_resource().cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path).wait()


def dbt_layer(dbt_resource_props: Mapping[str, Any]) -> str:
    """The warehouse layer of a dbt node: its folder under models/, or 'reference' for seeds."""
    resource_type = dbt_resource_props["resource_type"]
    if resource_type == "source":
        return dbt_resource_props["source_name"]
    if resource_type == "seed":
        return "reference"
    fqn = dbt_resource_props.get("fqn", [])
    return fqn[1] if len(fqn) > 2 else "marts"


class ScorecardTranslator(DagsterDbtTranslator):
    """Keys ``<layer>/<name>`` and one group per layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if (
            dbt_resource_props["resource_type"] == "source"
            and dbt_resource_props["source_name"] == "template"
        ):
            return dg.AssetKey(["reference", dbt_resource_props["name"]])
        return dg.AssetKey([dbt_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_layer(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:data-engineering"]


TRANSLATOR = ScorecardTranslator(settings=DagsterDbtTranslatorSettings(enable_code_references=True))


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    pool=WAREHOUSE_WRITER_POOL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and tests (tests become asset checks).

    Row counts are added once dbt has finished: while it runs, the dbt process holds DuckDB's
    single writer lock, so the events are held back and counted through a read-only connection.
    """
    events = list(dbt.cli(["build"], context=context).stream())
    with warehouse.connect(read_only=True) as con:
        for event in events:
            if isinstance(event, dg.Output):
                key = context.asset_key_for_output(event.output_name)
                count = relation_row_count(con, context.assets_def.specs_by_key[key].metadata)
                if count is not None:
                    event = event.with_metadata({**event.metadata, "dagster/row_count": count})
            yield event


def relation_row_count(con: duckdb.DuckDBPyConnection, metadata: Mapping[str, Any]) -> int | None:
    """Rows of the relation named by a dbt asset's ``dagster/table_name`` (None if there is none)."""
    table_name = metadata.get("dagster/table_name")
    if not table_name:
        return None
    schema, table = str(table_name).split(".")[-2:]
    try:
        return con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
    except duckdb.Error:
        return None
