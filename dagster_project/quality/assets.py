"""The quality gates as Dagster asset checks.

* Each ``raw/<feed>`` asset carries the checks of the suites that guard it (its contract suite
  ``raw_<feed>``, its slice of ``ingestion_health``, its soft links): they run in the feed's
  load step, on the months of the run, and are **not blocking**: the provisional marts are
  built from the rows that loaded even when a feed fails (contract.md). A failed ERROR check
  stops the *month's* publication instead: ``published/scorecard`` reads every gate's latest
  result per month from ``quality.gate_results``.
* ``marts/scorecard`` and ``marts/scorecard_indicator``: blocking checks (a failure stops
  publication for the whole run; the ``publish_months_that_passed`` sensor then publishes the
  months that passed).
"""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.ingest.load import FileResult
from dagster_project.keys import GATE_RESULTS, OWNERS, SCORECARD, SCORECARD_INDICATOR
from dagster_project.partitions import Month, months_between, run_months
from dagster_project.quality.gates import run_checks
from dagster_project.quality.suites import suites_guarding
from dagster_project.resources import WAREHOUSE_WRITER_POOL, Warehouse
from dagster_project.settings import local_today
from dagster_project.sql import query, table_exists

#: ``quality.gate_results`` in the lineage: written by the checks (no step of its own), read by
#: publication and by the analytics view of each month's data-quality status.
GATE_RESULTS_SPEC = dg.AssetSpec(
    key=GATE_RESULTS,
    group_name="quality",
    description="Every result of every quality gate (a GX suite on an asset it guards), per month, "
    "append-only: written by the asset checks of the raw feeds and the marts.",
    kinds={"duckdb"},
    owners=OWNERS,
)


def feed_check_specs(key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    """The non-blocking checks of a ``raw/<feed>`` asset, one per suite guarding it."""
    return [
        dg.AssetCheckSpec(
            suite.name,
            asset=key,
            blocking=False,
            description=f"GX suite {suite.path.name} on the run's months; an ERROR failure holds back "
            "the month's publication (the provisional marts are still built).",
        )
        for suite in suites_guarding(key.to_user_string())
    ]


def master_data_months(
    con: duckdb.DuckDBPyConnection,
    key: dg.AssetKey,
    tags: dict[str, str],
    first: date,
    today: date,
    loads: list[FileResult],
) -> list[Month]:
    """The months the checks of an unpartitioned (master-data) feed validate.

    In a run with partitions (a scheduled or CLI run, a sensor's run): the run's months. In a
    run without (a UI backfill launches master data in a run of its own): every month from the
    first partition to today that this load touched (its files' months; all of them when a
    rejected file points to no month) or that some suite of the feed has never checked, and
    the current month. A month's result changes only when a file attributed to it does, so the
    months left out keep a valid result and publication finds one for every month.
    """
    tagged = run_months(tags)
    if tagged is not None:
        return tagged
    every = months_between(first, today + timedelta(days=1))
    if any(r.status == "rejected" and not r.months for r in loads):
        return every
    touched = {m for r in loads if r.status != "unchanged" for m in r.months} | {every[-1].key}
    checked: set[str] = set()
    if table_exists(con, "quality", "gate_results"):
        suites = [s.name for s in suites_guarding(key.to_user_string())]
        rows = con.execute(
            query("quality/months_checked"), {"guards": key.to_user_string(), "suites": suites}
        ).fetchall()
        checked = {month for (month,) in rows}
    return [m for m in every if m.key in touched or m.key not in checked]


def feed_check_results(
    con: duckdb.DuckDBPyConnection,
    selected: set[dg.AssetCheckKey],
    key: dg.AssetKey,
    months: list[Month],
    warehouse: Path,
    run_id: str,
) -> list[dg.AssetCheckResult]:
    """Run the feed's suites that the run selected for the months, and return their check
    results (recorded in ``quality.gate_results``)."""
    guard = key.to_user_string()
    suites = [s for s in suites_guarding(guard) if dg.AssetCheckKey(key, s.name) in selected]
    if not suites:
        return []
    # the index of the Data Docs is refreshed by the marts' checks, once a run (gates.run_checks)
    return run_checks(con, guard, suites, months, local_today(), warehouse, run_id, refresh_index=False)


def _marts_check(asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    guard = asset_key.to_user_string()
    (suite,) = suites_guarding(guard)

    @dg.asset_check(
        asset=asset_key,
        name=suite.name,
        blocking=True,
        pool=WAREHOUSE_WRITER_POOL,
        description=f"GX suite {suite.path.name} on the run's months (all months in a run without "
        "partitions); a failure blocks publication.",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        window = "true"
        if context.has_partition_key or context.has_partition_key_range:
            start, end = context.partition_time_window.start.date(), context.partition_time_window.end.date()
            window = f"period_month >= DATE '{start}' AND period_month < DATE '{end}'"
        with warehouse.connect() as con:
            present = [
                r[0]
                for r in con.execute(
                    f"SELECT DISTINCT period_month FROM {asset_key.path[0]}.{asset_key.path[1]} "
                    f"WHERE {window} ORDER BY 1"
                ).fetchall()
            ]
            months = [m for start in present for m in months_between(start, start + timedelta(days=1))]
            (result,) = run_checks(
                con, guard, [suite], months, local_today(), Path(warehouse.path), context.run.run_id
            )
        return result

    return _check


MARTS_CHECKS = [_marts_check(SCORECARD), _marts_check(SCORECARD_INDICATOR)]
