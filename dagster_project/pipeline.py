"""Materialize the whole pipeline in-process (what `scorecard run` and the tests call)."""

from __future__ import annotations

import os
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


def materialize_all(
    landing: Path,
    warehouse: Path,
    first_month: str,
    last_month: str,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """Every asset (ingestion of each feed, then dbt build) for the months given, in one run.

    The paths given win over the environment; they are exported too, because dbt runs in a
    child process that reads the warehouse path from ``SCORECARD_WAREHOUSE``.
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
        run_config=QUIET_RUN_CONFIG,
        raise_on_error=False,
    )


def failure_messages(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Failed step → the root cause's message (not Dagster's wrapper around it)."""
    messages = {}
    for event in result.get_step_failure_events():
        error = event.event_specific_data.error
        while error.cause is not None:
            error = error.cause
        messages[event.step_key] = error.message.strip()
    return messages
