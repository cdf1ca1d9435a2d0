"""The quality gates as Dagster assets and asset checks.

* ``quality/ingestion_gate`` (monthly): runs the raw-feed suites, the ingestion-health suite
  (quarantine rate, rejected files, volume, freshness) and the soft-link advisories for each
  month of the run, as blocking checks. dbt does not depend on it, so the provisional marts
  are built from the rows that loaded even when a feed fails its gate (contract.md); only
  publication (``publish/assets.py``), which depends on it, is stopped.
* ``marts_scorecard`` and ``marts_scorecard_indicator``: blocking checks on the scorecard marts.
"""

from datetime import timedelta
from pathlib import Path

import dagster as dg

from dagster_project.ingest.feeds import FEEDS
from dagster_project.keys import INGESTION_GATE, OWNERS, SCORECARD, SCORECARD_INDICATOR
from dagster_project.partitions import local_today, months_between, window_months
from dagster_project.quality.gates import check_result, run_gate
from dagster_project.quality.suites import suites_guarding
from dagster_project.resources import WAREHOUSE_WRITER_POOL, Warehouse


def build_ingestion_gate(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The ingestion gate on the code location's monthly partitions."""

    @dg.asset(
        key=INGESTION_GATE,
        group_name="quality",
        description="Runs the raw-feed suites of `expectations/` for each month of the run and records the "
        "results in `quality.gate_results`. Its checks block publication, not the provisional marts.",
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[dg.AssetKey(["raw", feed]) for feed in FEEDS],
        check_specs=[
            dg.AssetCheckSpec(
                s.name, asset=INGESTION_GATE, blocking=True, description=f"GX suite {s.path.name}"
            )
            for s in suites_guarding(*INGESTION_GATE.path)
        ],
        kinds={"great_expectations", "duckdb"},
        pool=WAREHOUSE_WRITER_POOL,
        owners=OWNERS,
    )
    def ingestion_gate(context: dg.AssetExecutionContext, warehouse: Warehouse):
        suites = suites_guarding(*INGESTION_GATE.path)
        months = window_months(context.partition_time_window)
        with warehouse.connect() as con:
            results, docs = run_gate(
                con, suites, months, local_today(), Path(warehouse.path), context.run.run_id
            )
        failed = sorted({m for r in results.values() for m, o in r.items() if not o.passed})
        yield dg.MaterializeResult(
            metadata={
                "months": dg.MetadataValue.text(", ".join(m.key for m in months)),
                "months_failing_a_gate": dg.MetadataValue.text(", ".join(failed) or "none"),
                "gx_data_docs": dg.MetadataValue.url(docs.as_uri()),
            }
        )
        for suite in suites:
            yield check_result(suite, results[suite.name], docs)

    return ingestion_gate


def _marts_check(asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    (suite,) = suites_guarding(*asset_key.path)

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
            results, docs = run_gate(
                con, [suite], months, local_today(), Path(warehouse.path), context.run.run_id
            )
        return check_result(suite, results[suite.name], docs)

    return _check


MARTS_CHECKS = [_marts_check(SCORECARD), _marts_check(SCORECARD_INDICATOR)]
