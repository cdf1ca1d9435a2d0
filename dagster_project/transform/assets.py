"""The three dbt asset sets: master data (unpartitioned), the monthly set, the analytics views."""

import json
from collections.abc import Iterator, Mapping
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, dbt_assets
from pydantic import Field

from dagster_project.publish.releases import ensure_published_schema
from dagster_project.resources import WAREHOUSE_WRITER_POOL, Warehouse
from dagster_project.settings import local_today
from dagster_project.sql import query
from dagster_project.transform.arguments import (
    ANALYTICS_DBT_SELECT,
    MONTHLY_DBT_SELECT,
    dbt_build_args,
    dbt_env,
    dbt_window_env,
    environment,
    keep_partial_parse,
    kept_partial_parse,
)
from dagster_project.transform.master_data import (
    last_build,
    master_data_fingerprint,
    record_build,
)
from dagster_project.transform.metadata import ColumnLineage, relation_metadata, relation_schemas
from dagster_project.transform.resource import DBT_PROJECT
from dagster_project.transform.translator import TRANSLATOR


class DbtBuildConfig(dg.Config):
    """Run configuration of the dbt steps (the launchpad shows it)."""

    full_refresh: bool = Field(
        default=False,
        description="Rebuild incremental models from scratch (needed after their columns change).",
    )


def build_dbt_assets(
    partitions_def: dg.PartitionsDefinition,
    manifest: Path,
    column_lineage: bool = True,
    spark_warehouse: Path | None = None,
) -> list[dg.AssetsDefinition]:
    """The three dbt asset sets: master data (unpartitioned), the monthly set on
    ``partitions_def``, and the analytics views (unpartitioned, after publication).

    Built by the code location from a prepared manifest (:func:`prepare_manifest`); with
    ``column_lineage``, each materialization carries the lineage of its columns. With
    ``spark_warehouse``, master data and the monthly set build on Spark (target ``spark``): the
    loader's tables go to the lake first, and Spark's tables are mirrored into the warehouse
    after (``transform/spark.py``); the analytics views, for people, stay on the DuckDB warehouse.
    """
    engine = "duckdb" if spark_warehouse is None else "spark"
    shared: dict[str, Any] = {
        "manifest": manifest,
        "project": DBT_PROJECT,
        "dagster_dbt_translator": TRANSLATOR,
        "pool": WAREHOUSE_WRITER_POOL,
    }

    @dbt_assets(**shared, exclude=f"{MONTHLY_DBT_SELECT} {ANALYTICS_DBT_SELECT}", name="dbt_master_data")
    def dbt_master_data(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse, config: DbtBuildConfig
    ) -> Iterator[Any]:
        """Master data, reference seeds and dimensions: rebuilt whole (they are small), unless
        nothing they are built from changed since the last build (``transform/master_data.py``)."""
        with warehouse.connect(read_only=True) as con:
            fingerprint = master_data_fingerprint(con, read_manifest(manifest), local_today())
            unchanged = None if config.full_refresh or spark_warehouse is not None else last_build(con)
            schemas = relation_schemas(con)
            same = unchanged and unchanged[0] == fingerprint and set(_tables(context)) <= schemas.keys()
            outputs = _not_rebuilt(context, con, schemas, unchanged[1]) if same else None
        if outputs is not None:
            yield from outputs
            return
        args = dbt_build_args(
            warehouse.path, config.full_refresh, kept_partial_parse(warehouse.path, engine), engine
        )
        yield from build_with_metadata(context, dbt, warehouse, args, None, column_lineage, spark_warehouse)
        if context.selected_asset_keys == context.assets_def.keys:
            with warehouse.connect() as con:
                record_build(con, fingerprint, context.run.run_id)

    @dbt_assets(
        **shared,
        select=MONTHLY_DBT_SELECT,
        exclude=ANALYTICS_DBT_SELECT,
        name="dbt_monthly",
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def dbt_monthly(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse, config: DbtBuildConfig
    ) -> Iterator[Any]:
        """Everything built from monthly feeds, for the run's months (a backfill: all at once)."""
        args = dbt_build_args(
            warehouse.path, config.full_refresh, kept_partial_parse(warehouse.path, engine), engine
        )
        yield from build_with_metadata(
            context, dbt, warehouse, args, context.partition_time_window, column_lineage, spark_warehouse
        )

    @dbt_assets(**shared, select=ANALYTICS_DBT_SELECT, name="dbt_analytics")
    def dbt_analytics(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse, config: DbtBuildConfig
    ) -> Iterator[Any]:
        """The analytics views (unpartitioned: they read every month), over the tables that
        publication and the gates write, created empty first if no run has written them yet."""
        with warehouse.connect() as con:
            ensure_published_schema(con, warehouse.tables)
            con.execute(query("quality/create_gate_results"))
        args = dbt_build_args(warehouse.path, config.full_refresh, kept_partial_parse(warehouse.path))
        yield from build_with_metadata(context, dbt, warehouse, args, None, column_lineage)

    return [dbt_master_data, dbt_monthly, dbt_analytics]


@cache
def read_manifest(path: Path) -> Mapping[str, Any]:
    """The parsed dbt project the asset sets were built from (read once per process)."""
    return json.loads(path.read_text(encoding="utf-8"))


def _tables(context: dg.AssetExecutionContext) -> list[tuple[str, str]]:
    """``(schema, table)`` of each relation the step's selected assets name."""
    names = [
        context.assets_def.specs_by_key[key].metadata.get("dagster/table_name")
        for key in context.selected_asset_keys
    ]
    return [tuple(str(name).split(".")[-2:]) for name in names if name]


def _not_rebuilt(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    schemas: Mapping[tuple[str, str], dg.TableSchema],
    built_by: str,
) -> list[dg.Output]:
    """The selected assets, reported as they stand since the build of run ``built_by``, upstream
    first (Dagster wants a multi-asset's outputs in dependency order)."""
    context.log.info(f"master data unchanged since run {built_by}: not rebuilt (a full refresh rebuilds it)")
    selected = context.selected_asset_keys
    deps = context.assets_def.asset_deps
    order = TopologicalSorter({key: deps.get(key, set()) & selected for key in selected}).static_order()
    return [
        dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key),
            metadata={
                **relation_metadata(con, context.assets_def.specs_by_key[key].metadata, schemas),
                "rebuilt": False,
                "built_by_run": dg.MetadataValue.text(built_by),
            },
        )
        for key in order
    ]


def build_with_metadata(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: Warehouse,
    args: list[str],
    window: dg.TimeWindow | None,
    column_lineage: bool = True,
    spark_warehouse: Path | None = None,
) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and tests (tests become asset checks), with row
    counts and column schemas on each materialization (one query of the warehouse after the build),
    and column-level lineage unless ``column_lineage`` is off (computed once per model version:
    :class:`~dagster_project.transform.metadata.ColumnLineage`).

    ``args`` carry the warehouse of the run's resource (:func:`dbt_vars`), so dbt and the other
    steps share one file; ``window`` (the run's months) reaches dbt in its environment. While dbt
    runs, its process holds DuckDB's single writer lock: the metadata is read after it ends.

    With ``spark_warehouse`` (``args`` build on target ``spark``), dbt reads the loader's raw feeds
    and the template from the lake, where the loader wrote them (``stores/lake_tables.py``; dbt
    registers them as Spark tables when it starts), and the tables Spark built are mirrored into
    the warehouse as views after.
    """
    target = "duckdb" if spark_warehouse is None else "spark"
    window_env = dbt_window_env(window)
    if window is not None:
        context.log.info(
            "dbt partition window: SCORECARD_PARTITION_START={SCORECARD_PARTITION_START}, "
            "SCORECARD_PARTITION_END={SCORECARD_PARTITION_END}".format(**window_env)
        )
    with environment(dbt_env(window, warehouse.memory_limit, spark_warehouse)):
        invocation = dbt.cli(args, context=context)
    events = list(invocation.stream())  # dbt runs; this thread waits on its output
    keep_partial_parse(invocation.target_path, warehouse.path, target)
    if spark_warehouse is not None:
        from dagster_project.transform.spark import mirror_spark_tables

        with warehouse.connect() as con:
            mirrored = mirror_spark_tables(con, spark_warehouse.resolve(), invocation.manifest)
        context.log.info(f"{len(mirrored)} Spark tables mirrored into the warehouse as views")
    lineage = ColumnLineage() if column_lineage else None
    with warehouse.connect(read_only=True) as con:
        schemas = relation_schemas(con)
        for event in events:
            if isinstance(event, dg.Output):
                key = context.asset_key_for_output(event.output_name)
                found = relation_metadata(con, context.assets_def.specs_by_key[key].metadata, schemas)
                if lineage is not None and "unique_id" in event.metadata:
                    unique_id = str(event.metadata["unique_id"].value)
                    found.update(lineage.of(invocation.manifest, unique_id, schemas, invocation.target_path))
                yield event.with_metadata({**event.metadata, **found})
            else:
                yield event
    if lineage is not None:
        lineage.save()
