"""The quality gates as Dagster asset checks.

* Each ``raw/<feed>`` asset carries the checks of the suites that guard it (its contract suite
  ``raw_<feed>``, its slice of ``ingestion_health``, its soft links): they run in the feed's
  load step, on the months of the run, and are **not blocking**: the provisional marts are
  built from the rows that loaded even when a feed fails (contract.md). A failed ERROR check
  stops the *month's* publication instead: ``published/scorecard`` reads every gate's latest
  result per month from ``quality.gate_results``.
* ``quality/gate_results``: the monthly step after the marts that validates their suites and
  decides each month (:func:`build_gate_results`); the marts carry those suites as checks that
  report the step's results (``marts_suites``). Publication reads the months' outcomes after it,
  in the same run.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.ingest.load import FileResult
from dagster_project.keys import GATE_RESULTS, SCORECARD, SCORECARD_INDICATOR
from dagster_project.partitions import Month, months_between, run_months
from dagster_project.quality.gates import month_gate_status, recorded_check_result, run_checks
from dagster_project.quality.suites import suites_guarding
from dagster_project.resources import WAREHOUSE_WRITER_POOL, Warehouse, monthly_step
from dagster_project.settings import local_today
from dagster_project.sql import query, table_exists


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


#: The scorecard marts the gate step validates (one suite each, ``meta.guards`` of the suite).
GATED_MARTS = [SCORECARD, SCORECARD_INDICATOR]


def build_gate_results(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """``quality/gate_results``: the step between the marts and publication that decides each month.

    It validates the marts' suites on the run's months, records them beside the raw feeds' results
    (recorded in their load steps, upstream), and materializes each month's outcome: the latest
    result of every gate. Publication, downstream, releases the months that passed and reports the
    others, in the same run: nothing here blocks, so one failed month never stops another's
    publication, nor the provisional marts, the analytics views or the report.
    """

    @dg.asset(
        key=GATE_RESULTS,
        group_name="quality",
        description="Every result of every quality gate (a GX suite on an asset it guards), per month, "
        "append-only: the raw feeds' checks record theirs in their load steps; this step validates the "
        "scorecard marts and materializes each month's outcome, which publication reads.",
        **monthly_step(partitions_def),
        deps=GATED_MARTS,
        kinds={"duckdb", "great_expectations"},
    )
    def gate_results(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        start, end = (
            d.date() for d in (context.partition_time_window.start, context.partition_time_window.end)
        )
        today, run_id = local_today(), context.run.run_id
        with warehouse.connect() as con:
            for i, mart in enumerate(GATED_MARTS):
                (suite,) = suites_guarding(mart.to_user_string())
                present = con.execute(
                    f"SELECT DISTINCT period_month FROM {mart.path[0]}.{mart.path[1]} "
                    "WHERE period_month >= $start AND period_month < $end ORDER BY 1",
                    {"start": start, "end": end},
                ).fetchall()
                months = [m for (first,) in present for m in months_between(first, first + timedelta(days=1))]
                # the Data Docs index (built from every result ever stored) once a run, after the last
                run_checks(
                    con,
                    mart.to_user_string(),
                    [suite],
                    months,
                    today,
                    Path(warehouse.path),
                    run_id,
                    refresh_index=i == len(GATED_MARTS) - 1,
                )
            outcome = {m.key: month_gate_status(con, m.start) for m in months_between(start, end)}
        lines = [
            f"- **{month}**: "
            + (
                "every gate passed"
                if all(ok is True for ok in status.values())
                else "not passed: "
                + ", ".join(
                    f"{gate} ({'never checked' if ok is None else 'failed'})"
                    for gate, ok in status.items()
                    if ok is not True
                )
            )
            for month, status in outcome.items()
        ]
        for line in lines:
            context.log.info(line)
        return dg.MaterializeResult(
            metadata={
                "months": dg.MetadataValue.md("\n".join(lines) or "none"),
                "months_passed": dg.MetadataValue.int(
                    sum(all(ok is True for ok in status.values()) for status in outcome.values())
                ),
            }
        )

    return gate_results


@dg.multi_asset_check(
    name="marts_suites",
    specs=[
        dg.AssetCheckSpec(
            suite.name,
            asset=mart,
            additional_deps=[GATE_RESULTS],
            description=f"GX suite {suite.path.name} on the run's months, as the gate step "
            "(`quality/gate_results`) validated it; an ERROR failure holds back the month's publication.",
        )
        for mart in GATED_MARTS
        for suite in suites_guarding(mart.to_user_string())
    ],
    can_subset=True,
    pool=WAREHOUSE_WRITER_POOL,
)
def marts_suites(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> Iterator[dg.AssetCheckResult]:
    """The marts' suites as checks of the marts they test, reporting what the gate step recorded
    in this run (they run after it and validate nothing again)."""
    with warehouse.connect(read_only=True) as con:
        for key in context.selected_asset_check_keys:
            (suite,) = [s for s in suites_guarding(key.asset_key.to_user_string()) if s.name == key.name]
            yield recorded_check_result(
                con, suite, key.asset_key.to_user_string(), context.run.run_id, Path(warehouse.path)
            )
