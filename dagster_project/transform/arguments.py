"""What a run passes to dbt: the selections of the asset sets, ``build``'s arguments (target,
warehouse, partial parse), and the environment of the dbt process (the partition window, DuckDB's
memory budget, Spark's folders)."""

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from dagster_project.ingest.feeds import FEEDS
from dagster_project.settings import DBT_PROJECT_DIR, lake_folder

#: Every dbt node downstream of a monthly feed or of the scorecard template: built per month
#: partition. The rest (master data, reference seeds, their dimensions) is unpartitioned and never
#: depends on a monthly node, so the two dbt steps run one after the other with no cycle between
#: them, and a broken template (no template tables) stops only the monthly step.
MONTHLY_DBT_SELECT = " ".join(
    [*(f"source:raw.{feed.name}+" for feed in FEEDS.values() if feed.partitioned), "source:template+"]
)
#: The views for people (models/analytics/): read the releases, so built after publication.
ANALYTICS_DBT_SELECT = "tag:analytics"


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


def keep_partial_parse(target_path: Path, warehouse_path: str, target: str = "duckdb") -> None:
    """Keep the project dbt parsed in this invocation for the next run on the warehouse (dbt
    writes it to the invocation's own target folder, and only when it parsed something)."""
    written = target_path / "partial_parse.msgpack"
    if written.exists():
        kept = partial_parse_file(warehouse_path, target)
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(written, kept)
