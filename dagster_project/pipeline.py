"""Materialize the whole pipeline in-process (what `scorecard run` and the tests call)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from dagster_project.resources import LandingZone, Warehouse

QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def partition_range_tags(first_month: str, last_month: str) -> dict[str, str]:
    """Run tags that make one run cover the monthly partitions first..last (inclusive)."""
    return {
        "dagster/asset_partition_range_start": f"{first_month}-01",
        "dagster/asset_partition_range_end": f"{last_month}-01",
    }


def run_config(full_refresh: bool = False) -> dict[str, object]:
    """Run configuration: INFO logs, and a full refresh of the dbt steps when asked for."""
    if not full_refresh:
        return QUIET_RUN_CONFIG
    dbt_config = {"config": {"full_refresh": True}}
    return {**QUIET_RUN_CONFIG, "ops": {"dbt_master_data": dbt_config, "dbt_monthly": dbt_config}}


def materialize_all(
    landing: Path,
    warehouse: Path,
    first_month: str,
    last_month: str,
    instance: dg.DagsterInstance | None = None,
    selection: dg.AssetSelection | None = None,
    full_refresh: bool = False,
) -> dg.ExecuteInProcessResult:
    """Every asset (ingestion of each feed, then dbt build) for the months given, in one run.

    The paths given win over the environment; they are exported too, so that the code
    location's settings, loaded on first import, default to them (the dbt steps pass their
    warehouse resource's path to dbt themselves).
    """
    os.environ["SCORECARD_LANDING_DIR"] = str(landing.resolve())
    os.environ["SCORECARD_WAREHOUSE"] = str(warehouse.resolve())
    from dagster_project.definitions import defs

    resources = {
        **(defs.resources or {}),
        "warehouse": Warehouse(path=str(warehouse.resolve())),
        "landing": LandingZone(path=str(landing.resolve())),
    }
    return dg.materialize(
        [*(defs.assets or []), *(defs.asset_checks or [])],
        resources=resources,
        instance=instance or dg.DagsterInstance.ephemeral(),
        tags=partition_range_tags(first_month, last_month),
        run_config=run_config(full_refresh),
        raise_on_error=False,
        selection=selection,
    )


@dataclass(frozen=True)
class StepFailure:
    step: str
    message: str
    is_gate: bool  # a blocking quality check failed (the data is built, publication is stopped)


def step_failures(result: dg.ExecuteInProcessResult) -> list[StepFailure]:
    """Failed steps with the root cause's message (not Dagster's wrapper around it)."""
    failures = []
    for event in result.get_step_failure_events():
        error = event.event_specific_data.error
        is_gate = error.cls_name == "DagsterAssetCheckFailedError"
        while error.cause is not None:
            error = error.cause
            is_gate = is_gate or error.cls_name == "DagsterAssetCheckFailedError"
        failures.append(StepFailure(event.step_key, error.message.strip(), is_gate))
    return failures


def failure_messages(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    return {f.step: f.message for f in step_failures(result)}


def gate_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Failed blocking checks of the run, with their failed expectations, for people to read."""
    lines = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        details = evaluation.metadata.get("failed_expectations")
        lines.append(
            f"{evaluation.asset_check_key.asset_key.to_user_string()} / {evaluation.check_name}:\n"
            f"{details.value if details else ''}"
        )
    return lines
