"""dbt models, seeds and tests as Dagster assets and asset checks.

Asset keys follow the warehouse layout (``staging/stg_leads``, ``marts/fct_loan_funnel``),
dbt sources map onto the ingestion assets (``raw/<feed>``), and groups follow the layers, so
the asset graph reads left to right from raw feeds to marts.
"""

import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from dagster_dbt.core.dbt_event_iterator import DbtEventIterator  # not exported by dagster_dbt
from packaging import version
from pydantic import Field

from dagster_project.ingest.feeds import FEEDS
from dagster_project.keys import GATE_RESULTS, OWNERS
from dagster_project.publish.releases import ensure_published_schema
from dagster_project.resources import WAREHOUSE_WRITER_POOL, Warehouse
from dagster_project.settings import DBT_PROJECT_DIR, SEEDS_DIR, lake_folder
from dagster_project.sql import query

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

#: The dbt executable beside this interpreter, so an unactivated virtualenv still finds it.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


class ScorecardDbtResource(DbtCliResource):
    """dagster-dbt's resource, told the dbt version instead of asking for it.

    dagster-dbt learns the version by running ``dbt --version`` in a subprocess (~6 s of Python
    start-up and dbt imports) once per resource instance, that is once per dbt step. The dbt
    executable is the one beside this interpreter (:data:`DBT_EXECUTABLE`), from the same
    locked environment, so its version is the installed dbt-core's.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        """dagster-dbt's in-process adapter (for column lineage), on DuckDB only.

        It loads the profile's default target, ``SCORECARD_DBT_TARGET``, whatever the invocation's
        ``--target``: on Spark that adapter is not installed in this process (dbt-spark lives in
        ``.venv-spark``) and dagster-dbt logged a traceback at every dbt invocation. Column lineage
        is off on Spark, so nothing needs it there."""
        targets = {os.environ.get("SCORECARD_DBT_TARGET") or "duckdb"}
        if "--target" in args:
            targets.add(args[list(args).index("--target") + 1])
        if targets != {"duckdb"}:
            return None
        adapter = super()._initialize_dbt_core_adapter(args)
        if adapter is not None:
            read_only_warehouse(adapter.config.credentials)
        return adapter


def read_only_warehouse(credentials: Any) -> None:
    """Open the in-process adapter's warehouse read-only the way the profile opens it: dagster-dbt
    makes the profile's primary database read-only and its path absolute, which turns ``:memory:``
    (the profile attaches the warehouse file as catalog ``scorecard``) into a file that does not
    exist; the primary stays in memory and the attached warehouse is read-only instead."""
    credentials.path = ":memory:"
    (credentials.config_options or {}).pop("access_mode", None)
    for attachment in credentials.attach or []:
        attachment.read_only = True


def dbt_resource(target: str = "duckdb") -> DbtCliResource:
    """The dbt resource of a run building on ``target``: on Spark, the dbt of ``.venv-spark``
    (dbt-spark and pyspark, and dbt-duckdb for the analytics views), else the one beside this
    interpreter."""
    if target == "duckdb":
        return ScorecardDbtResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)
    from dagster_project.lake import SPARK_DBT
    from dagster_project.settings import SettingsError

    if not SPARK_DBT.exists():
        raise SettingsError(
            f"SCORECARD_DBT_TARGET={target} needs dbt-spark and Java: run `make spark-install` "
            f"({SPARK_DBT} is missing)"
        )
    return ScorecardDbtResource(project_dir=DBT_PROJECT, dbt_executable=str(SPARK_DBT))


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


def prepare_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """Parse the dbt project when its manifest is missing or stale; return the manifest's path.

    The explicit step before the dbt assets are built: ``make install`` runs it (`scorecard
    prepare`), and the code location's ``defs()`` calls it (a no-op when nothing changed).
    dagster-dbt's own ``prepare_if_dev`` acts only under ``dagster dev``; CLI runs, tests and
    CI need the manifest too. Never called at import.
    """
    if manifest_is_stale(project):
        # the asset graph does not depend on the target: parsed with this interpreter's dbt-duckdb
        dbt_resource().cli(["parse", "--quiet", "--target", "duckdb"], target_path=project.target_path).wait()
    return project.manifest_path


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
    """Keys ``<layer>/<name>`` and one group per layer; the sources map onto the assets that
    write them (the template's tables, the releases, the gate results)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            source = dbt_resource_props["source_name"]
            if source == "template":
                return dg.AssetKey(["reference", dbt_resource_props["name"]])
            if source == "quality":
                return GATE_RESULTS
        return dg.AssetKey([dbt_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_layer(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS


TRANSLATOR = ScorecardTranslator(settings=DagsterDbtTranslatorSettings(enable_code_references=True))


#: Every dbt node downstream of a monthly feed or of the scorecard template: built per month
#: partition. The rest (master data, reference seeds, their dimensions) is unpartitioned and never
#: depends on a monthly node, so the two dbt steps run one after the other with no cycle between
#: them, and a broken template (no template tables) stops only the monthly step.
MONTHLY_DBT_SELECT = " ".join(
    [*(f"source:raw.{feed.name}+" for feed in FEEDS.values() if feed.partitioned), "source:template+"]
)
#: The views for people (models/analytics/): read the releases, so built after publication.
ANALYTICS_DBT_SELECT = "tag:analytics"


class DbtBuildConfig(dg.Config):
    """Run configuration of the dbt steps (the launchpad shows it)."""

    full_refresh: bool = Field(
        default=False,
        description="Rebuild incremental models from scratch (needed after their columns change).",
    )


#: dbt's unit tests (hand-made rows, `models/**/_*unit_tests.yml`) run in the test suite, not in
#: a pipeline run: they test the SQL, not the month's data.
EXCLUDE_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


def dbt_vars(warehouse_path: str) -> dict[str, str]:
    """dbt ``--vars`` of a run: the warehouse file (``profiles.yml`` reads ``var('warehouse')``).

    Nothing else goes in ``--vars``: dbt re-parses the whole project (~8 s) whenever they change,
    so they must stay the same from one run on a warehouse to the next.
    """
    return {"warehouse": str(Path(warehouse_path).resolve())}


def dbt_window_env(window: dg.TimeWindow | None) -> dict[str, str | None]:
    """The partition window of a run for the dbt process (local dates, end exclusive; None: unset,
    a full rebuild). ``macros/partition_window.sql`` reads them when a model runs, never while
    dbt parses, so a run of another month reuses the parsed project."""
    return {
        "SCORECARD_PARTITION_START": window.start.date().isoformat() if window else None,
        "SCORECARD_PARTITION_END": window.end.date().isoformat() if window else None,
    }


def dbt_env(
    window: dg.TimeWindow | None, memory_limit: str, spark_warehouse: Path | None = None
) -> dict[str, str | None]:
    """The dbt process's environment beyond this process's: the window (:func:`dbt_window_env`),
    DuckDB's memory budget (``profiles.yml`` reads ``SCORECARD_DUCKDB_MEMORY_LIMIT``) and, on
    Spark, its warehouse directory and the lake folder whose Parquet tables dbt registers when
    it starts (``macros/spark/register_sources.sql``, ``Settings.lake``), as absolute paths (dbt runs in
    ``dbt_project/``)."""
    env = {**dbt_window_env(window), "SCORECARD_DUCKDB_MEMORY_LIMIT": memory_limit}
    if spark_warehouse is not None:
        env["SCORECARD_SPARK_WAREHOUSE"] = str(spark_warehouse.resolve())
        env["SCORECARD_LAKE"] = str(lake_folder(spark_warehouse.resolve()))
    return env


def partial_parse_file(warehouse_path: str, target: str = "duckdb") -> Path:
    """Where dbt's parsed project for ``warehouse_path`` is kept between runs.

    dagster-dbt gives every invocation a target folder of its own and copies the project's
    partial-parse file there, but that file was parsed for another warehouse (`scorecard
    prepare`'s), and dbt parses the whole project again (~8 s) when the profile (the warehouse
    path) or the vars differ. One file per warehouse, passed with ``--partial-parse-file-path``
    and refreshed after each run (:func:`keep_partial_parse`), lets a run parse only what changed.
    The profile's target is part of what dbt parsed too: one file per warehouse and target.
    """
    key = str(Path(warehouse_path).resolve()) + ("" if target == "duckdb" else f"|{target}")
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return DBT_PROJECT_DIR / "target" / "partial_parse" / f"{digest}.msgpack"


def dbt_build_args(
    warehouse_path: str, full_refresh: bool = False, partial_parse: Path | None = None, target: str = "duckdb"
) -> list[str]:
    """`dbt build` arguments for a run on ``warehouse_path`` (its window: :func:`dbt_window_env`)
    building on ``target``, reading the project parsed by an earlier run from ``partial_parse``
    when there is one."""
    args = ["build", *EXCLUDE_UNIT_TESTS, "--target", target, "--vars", json.dumps(dbt_vars(warehouse_path))]
    if partial_parse is not None:
        args += ["--partial-parse-file-path", str(partial_parse)]
    if full_refresh:
        args.append("--full-refresh")
    return args


def kept_partial_parse(warehouse_path: str, target: str = "duckdb") -> Path | None:
    """The partial-parse file an earlier run left for the warehouse and target, if any (dbt
    refuses a ``--partial-parse-file-path`` that does not exist)."""
    kept = partial_parse_file(warehouse_path, target)
    return kept if kept.exists() else None


@contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for None, unset) environment variables for the duration of the block.

    dagster-dbt starts dbt with a copy of this process's environment and has no other way to pass
    variables; steps run one at a time in the run's process (in-process executor), and the
    previous values are restored when the dbt process has started.
    """
    previous = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
    after (``lake.py``); the analytics views, for people, stay on the DuckDB warehouse.
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
        """Master data, reference seeds and dimensions: rebuilt whole (they are small)."""
        args = dbt_build_args(
            warehouse.path, config.full_refresh, kept_partial_parse(warehouse.path, engine), engine
        )
        yield from build_with_metadata(context, dbt, warehouse, args, None, column_lineage, spark_warehouse)

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


def build_with_metadata(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: Warehouse,
    args: list[str],
    window: dg.TimeWindow | None,
    column_lineage: bool = True,
    spark_warehouse: Path | None = None,
) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and tests (tests become asset checks), with
    column schemas and row counts on each materialization, and column-level lineage unless
    ``column_lineage`` is off (then the schemas come from one query of the warehouse, not from
    dbt's adapter started in this process: ~7 s a step; lineage costs ~20 s more a run).

    ``args`` carry the warehouse of the run's resource (:func:`dbt_vars`), so dbt and the other
    steps share one file; ``window`` (the run's months) reaches dbt in its environment. While dbt
    runs, its process holds DuckDB's single writer lock: dagster-dbt waits for it to finish before
    fetching column metadata, and the row counts are taken read-only after that.

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
    if column_lineage:
        try:
            # over the events already read: dagster-dbt's thread pool (``dagster._core.utils.imap``)
            # polls in a loop without sleeping while its input is still arriving, which took a core
            # from dbt for the whole build
            events = list(DbtEventIterator(iter(events), invocation).fetch_column_metadata(True))
        finally:  # a failed dbt build too: the next steps of this process need the file
            release_duckdb_adapter(invocation)
    keep_partial_parse(invocation.target_path, warehouse.path, target)
    if spark_warehouse is not None:
        from dagster_project.lake import mirror_spark_tables

        with warehouse.connect() as con:
            mirrored = mirror_spark_tables(con, spark_warehouse.resolve(), invocation.manifest)
        context.log.info(f"{len(mirrored)} Spark tables mirrored into the warehouse as views")
    with warehouse.connect(read_only=True) as con:
        schemas = {} if column_lineage else relation_schemas(con)
        for event in events:
            if isinstance(event, dg.Output):
                key = context.asset_key_for_output(event.output_name)
                yield event.with_metadata(
                    {
                        **event.metadata,
                        **relation_metadata(con, context.assets_def.specs_by_key[key].metadata, schemas),
                    }
                )
            else:
                yield event


def keep_partial_parse(target_path: Path, warehouse_path: str, target: str = "duckdb") -> None:
    """Keep the project dbt parsed in this invocation for the next run on the warehouse (dbt
    writes it to the invocation's own target folder, and only when it parsed something)."""
    written = target_path / "partial_parse.msgpack"
    if written.exists():
        kept = partial_parse_file(warehouse_path, target)
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(written, kept)


def release_duckdb_adapter(invocation: DbtCliInvocation) -> None:
    """Close the DuckDB connection of the in-process dbt adapter that fetched column metadata.

    dbt-duckdb keeps one DuckDB instance per process for as long as the process lives; left open,
    it holds the writer lock (the next dbt process cannot open the warehouse) and makes any
    read-only connection of this process fail ("different configuration").
    """
    adapter = invocation.adapter
    if adapter is None or adapter.type() != "duckdb":
        return
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    adapter.connections.cleanup_all()
    environment = DuckDBConnectionManager._ENV  # noqa: SLF001 - dbt-duckdb has no public close
    DuckDBConnectionManager.close_all_connections()
    if environment is not None:
        environment.close()


def relation_schemas(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dg.TableSchema]:
    """The column schema of every relation of the warehouse, from one query.

    dagster-dbt's ``fetch_column_metadata`` starts dbt's adapter in this process to ask the same
    (~7 s a step, most of it loading dbt's macros); it is used only when column lineage is on,
    which needs the adapter's view of each model's parents.
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
