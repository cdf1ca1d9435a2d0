"""The gates as Dagster assets and asset checks, and the publication that sits behind them.

* ``quality/ingestion_gate`` (monthly): runs the raw-feed suites, the ingestion-health suite
  (quarantine rate, rejected files, volume, freshness) and the soft-link advisories for each
  month of the run, as blocking checks. dbt does not depend on it, so the provisional marts
  are built from the rows that loaded even when a feed fails its gate (contract.md); only
  publication, which depends on it, is stopped.
* ``marts_scorecard`` and ``marts_scorecard_indicator``: blocking checks on the scorecard marts.
* ``published/scorecard`` (monthly): releases each closed month whose gates all passed.
"""

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from dagster_project.ingest.feeds import FEEDS
from dagster_project.partitions import MONTHLY
from dagster_project.publish import PublishError, publish_month
from dagster_project.quality.gates import Month, check_result, month_gate_status, months_between, run_gate
from dagster_project.quality.suites import load_suites, suites_guarding
from dagster_project.resources import WAREHOUSE_WRITER_POOL, Warehouse
from dagster_project.settings import LOCAL_TIMEZONE

INGESTION_GATE = dg.AssetKey(["quality", "ingestion_gate"])
SCORECARD = dg.AssetKey(["marts", "scorecard"])
SCORECARD_INDICATOR = dg.AssetKey(["marts", "scorecard_indicator"])
PUBLISHED = dg.AssetKey(["published", "scorecard"])
#: Run tag whose text is added to the reason of each release the run makes.
RELEASE_NOTE_TAG = "scorecard/release_note"


def local_today() -> date:
    return datetime.now(ZoneInfo(LOCAL_TIMEZONE)).date()


def _window_months(context: dg.AssetExecutionContext) -> list[Month]:
    window = context.partition_time_window
    return months_between(window.start.date(), window.end.date())


@dg.asset(
    key=INGESTION_GATE,
    group_name="quality",
    description="Runs the raw-feed suites of `expectations/` for each month of the run and records the "
    "results in `quality.gate_results`. Its checks block publication, not the provisional marts.",
    partitions_def=MONTHLY,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[dg.AssetKey(["raw", feed]) for feed in FEEDS],
    check_specs=[
        dg.AssetCheckSpec(s.name, asset=INGESTION_GATE, blocking=True, description=f"GX suite {s.path.name}")
        for s in suites_guarding(*INGESTION_GATE.path)
    ],
    kinds={"great_expectations", "duckdb"},
    pool=WAREHOUSE_WRITER_POOL,
    owners=["team:data-engineering"],
)
def ingestion_gate(context: dg.AssetExecutionContext, warehouse: Warehouse):
    suites = suites_guarding(*INGESTION_GATE.path)
    months = _window_months(context)
    with warehouse.connect() as con:
        results, docs = run_gate(con, suites, months, local_today(), Path(warehouse.path), context.run.run_id)
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


@dg.asset(
    key=PUBLISHED,
    group_name="published",
    description="Final, append-only releases of each closed month whose gates passed: "
    "`published.scorecard_release`, `published.scorecard`, `published.scorecard_indicator` "
    "(see dagster_project/publish.py). Republishing adds a release; nothing is ever rewritten.",
    partitions_def=MONTHLY,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[SCORECARD, SCORECARD_INDICATOR, INGESTION_GATE],
    kinds={"duckdb"},
    pool=WAREHOUSE_WRITER_POOL,
    owners=["team:data-engineering"],
)
def published_scorecard(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    today = local_today()
    suites = list(load_suites())
    published, skipped, refused = [], [], []
    with warehouse.connect() as con:
        for month in _window_months(context):
            if not month.closed_on(today):
                skipped.append(f"{month.key}: still open (provisional)")
                continue
            status = month_gate_status(con, month.start, suites)
            not_passed = [name for name, ok in status.items() if ok is not True]
            if not_passed:
                refused.append(f"{month.key}: gates not passed: {', '.join(not_passed)}")
                continue
            try:
                release = publish_month(
                    con, month.start, context.run.run_id, status, context.run.tags.get(RELEASE_NOTE_TAG)
                )
            except PublishError as exc:
                skipped.append(f"{month.key}: {exc}")
                continue
            verb = "released" if release.created else "unchanged since"
            published.append(
                f"{month.key}: {verb} release {release.release_id} ({release.content_hash[:12]}…)"
            )
    for line in [*published, *skipped, *refused]:
        context.log.info(line)
    if refused:
        raise dg.Failure(
            description="not published: " + "; ".join(refused),
            metadata={"published": dg.MetadataValue.md("\n".join(f"- {p}" for p in published))},
        )
    return dg.MaterializeResult(
        metadata={
            "releases": dg.MetadataValue.md("\n".join(f"- {p}" for p in published) or "none"),
            "skipped": dg.MetadataValue.md("\n".join(f"- {s}" for s in skipped) or "none"),
            "run_id": dg.MetadataValue.text(context.run.run_id),
        }
    )
