"""A failed run read for people: each failed step with its root cause, and whether a blocking
quality check (a gate) failed. Shared by the CLI's run summary and the publication sensor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg


@dataclass(frozen=True)
class StepFailure:
    step: str
    message: str
    is_gate: bool  # a blocking quality check failed (the data is built, publication is stopped)


def step_failures_of(events: Iterable[dg.DagsterEvent]) -> list[StepFailure]:
    """Step failure events read as :class:`StepFailure` (a run's, or a run-failure sensor's)."""
    failures = []
    for event in events:
        error = event.event_specific_data.error
        is_gate = error.cls_name == "DagsterAssetCheckFailedError"
        while error.cause is not None:
            error = error.cause
            is_gate = is_gate or error.cls_name == "DagsterAssetCheckFailedError"
        failures.append(StepFailure(event.step_key, error.message.strip(), is_gate))
    return failures
