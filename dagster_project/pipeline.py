"""One run of the pipeline in this process (what `scorecard run`, the benchmarks and the tests call)
and what it did for each month."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.definitions import build_definitions
from dagster_project.locking import connect, run_lock
from dagster_project.partitions import RANGE_TAGS, months_between
from dagster_project.quality.gates import latest_gate_results
from dagster_project.quality.suites import expected_gates, load_suites
from dagster_project.run_failures import StepFailure, step_failures_of
from dagster_project.settings import Settings
from dagster_project.sql import query, table_exists

QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def partition_range_tags(first_month: str, last_month: str) -> dict[str, str]:
    """Run tags that make one run cover the monthly partitions first..last (inclusive)."""
    return dict(zip(RANGE_TAGS, (f"{first_month}-01", f"{last_month}-01"), strict=True))


def run_config(full_refresh: bool = False) -> dict[str, object]:
    """Run configuration: INFO logs, and a full refresh of the dbt steps when asked for."""
    if not full_refresh:
        return QUIET_RUN_CONFIG
    dbt_config = {"config": {"full_refresh": True}}
    return {**QUIET_RUN_CONFIG, "ops": {"dbt_master_data": dbt_config, "dbt_monthly": dbt_config}}


#: The job every full run executes, whoever starts it (the CLI, the monthly schedule, the UI).
RUN_JOB = "publish_job"


def run_settings(landing: Path, warehouse: Path, first_month: str, **others: object) -> Settings:
    """Settings for a run of the landing zone into the warehouse (absolute paths), the rest as given
    or their defaults: what the tests and the benchmarks run with."""
    return Settings(
        landing_dir=landing.resolve(), warehouse=warehouse.resolve(), first_month=first_month, **others
    )


def materialize_all(
    settings: Settings,
    first_month: str,
    last_month: str,
    instance: dg.DagsterInstance | None = None,
    selection: dg.AssetSelection | None = None,
    full_refresh: bool = False,
    tags: dict[str, str] | None = None,
    lock_wait_seconds: float = 0,
) -> dg.ExecuteInProcessResult:
    """One run of ``publish_job`` (or of the ``selection`` of its assets) over the months
    first..last, in this process: load, score, gate, publish the months that passed.

    The definitions are built from ``settings`` (nothing is read from or written to the
    environment); their partitions start at the earlier of ``settings.first_month`` and the
    run's first month, so any month a landing zone holds can run. The run holds the warehouse
    (:func:`run_lock`): a second run waits up to ``lock_wait_seconds`` and then raises
    :class:`~dagster_project.locking.WarehouseUnavailable` naming the run that holds it.
    """
    defs = build_definitions(replace(settings, first_month=min(settings.first_month, first_month)))
    job = defs.resolve_job_def(RUN_JOB)
    keys = None
    if selection is not None:
        keys = sorted(selection.resolve(defs.resolve_asset_graph()))
    with run_lock(settings.warehouse, lock_wait_seconds):
        return job.execute_in_process(
            instance=instance or dg.DagsterInstance.ephemeral(),
            tags={**partition_range_tags(first_month, last_month), **(tags or {})},
            run_config=run_config(full_refresh),
            raise_on_error=False,
            asset_selection=keys,
        )


def step_failures(result: dg.ExecuteInProcessResult) -> list[StepFailure]:
    """Failed steps of a run with the root cause's message (not Dagster's wrapper around it)."""
    return step_failures_of(result.get_step_failure_events())


def failure_messages(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    return {f.step: f.message for f in step_failures(result)}


def gate_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Failed ERROR checks of the run (gates, and publication's check of the months it held
    back), with their failed expectations, for people to read."""
    lines = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        details = evaluation.metadata.get("failed_expectations") or evaluation.metadata.get("held_back")
        lines.append(
            f"{evaluation.asset_check_key.asset_key.to_user_string()} / {evaluation.check_name}:\n"
            f"{details.value if details else ''}"
        )
    return lines


@dataclass(frozen=True)
class MonthOutcome:
    month: str  # YYYY-MM
    status: str  # released | unchanged | held_back | provisional | not_published
    detail: str


def _gate_reasons(con: duckdb.DuckDBPyConnection, month: date) -> list[str]:
    """Why the month cannot publish: the failed ERROR expectations of the latest result of each
    gate that failed for it, and the gates that never checked it (empty: every gate passed)."""
    rows = latest_gate_results(con, month)
    if not rows and not table_exists(con, "quality", "gate_results"):
        return ["no quality gate has run"]
    checked = {gate for gate, _, _ in rows}
    reasons = [
        f"{gate}: never checked for this month"
        for gate in expected_gates(load_suites())
        if gate not in checked
    ]
    for gate, passed, failures in rows:
        if passed:
            continue
        for failure in json.loads(failures or "[]"):
            if failure["severity"] != "ERROR":
                continue
            sample = json.dumps(failure["sample_keys"][:3], ensure_ascii=False)
            reasons.append(f"{gate}: {failure['column']} ({failure['why']}); {sample}")
    return reasons


def month_outcomes(
    warehouse: Path, first_month: str, last_month: str, run_ids: set[str], today: date
) -> list[MonthOutcome]:
    """What the run did for each month: released, unchanged, held back (with reasons), provisional."""
    outcomes = []
    with connect(warehouse, read_only=True) as con:
        releases = (
            con.execute(query("publish/latest_release_per_month")).fetchall()
            if table_exists(con, "published", "scorecard_release")
            else []
        )
        latest = {row[0]: row[1:] for row in releases}
        last = date.fromisoformat(f"{last_month}-01")
        for period in months_between(date.fromisoformat(f"{first_month}-01"), last + timedelta(days=1)):
            key, month = period.key, period.start
            if not period.closed_on(today):
                outcomes.append(MonthOutcome(key, "provisional", "the month is still open"))
                continue
            reasons = _gate_reasons(con, month)
            if reasons:
                outcomes.append(MonthOutcome(key, "held_back", "; ".join(reasons)))
            elif month in latest:
                release_id, run_id, digest = latest[month]
                status = "released" if run_id in run_ids else "unchanged"
                outcomes.append(MonthOutcome(key, status, f"release {release_id} ({digest[:12]}…)"))
            else:
                outcomes.append(MonthOutcome(key, "not_published", "no release (no scorecards?)"))
    return outcomes
