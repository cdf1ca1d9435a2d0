"""A failed run read for people: each failed step with its root cause, and whether it is a
quality gate at work rather than an error. Shared by the CLI's run summary and the publication
sensor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import dagster as dg

#: Error class of a failed *blocking* asset check (Dagster skips the steps downstream of it).
CHECK_FAILED = "DagsterAssetCheckFailedError"
#: Error class publication raises when it held back months whose gates did not pass
#: (``publish/assets.py``); the months that passed are released in the same step.
HELD_BACK = "MonthsHeldBack"

FailureKind = Literal["error", "blocking_check", "held_back"]

#: dbt's words when an incremental model's columns changed since the warehouse was built
#: (``on_schema_change: fail``).
SCHEMA_CHANGED = "schemas on this incremental model are out of sync"
#: The operating system's words for a full and for a read-only disk.
DISK_FULL = "No space left on device"
READ_ONLY = "Read-only file system"


@dataclass(frozen=True)
class StepFailure:
    step: str
    message: str
    kind: FailureKind

    @property
    def is_gate(self) -> bool:
        """A quality gate stopped publication (the data is built): not an error to fix in code."""
        return self.kind != "error"


def _kind(classes: set[str]) -> FailureKind:
    if CHECK_FAILED in classes:
        return "blocking_check"
    if HELD_BACK in classes:
        return "held_back"
    return "error"


def step_failures_of(events: Iterable[dg.DagsterEvent]) -> list[StepFailure]:
    """Step failure events read as :class:`StepFailure` (a run's, or a run-failure sensor's)."""
    failures = []
    for event in events:
        error = event.event_specific_data.error
        classes = {error.cls_name}
        while error.cause is not None:
            error = error.cause
            classes.add(error.cls_name)
        failures.append(StepFailure(event.step_key, error.message.strip(), _kind(classes)))
    return failures


def failure_hints(failures: Iterable[StepFailure], months: str) -> list[str]:
    """What to do next, for failures with a known remedy (``months`` as ``YYYY-MM:YYYY-MM``)."""
    if any(DISK_FULL in f.message for f in failures):
        return [
            "the warehouse's disk filled up during the run: what the failed step wrote was rolled back "
            "(DuckDB transactions); free space and run the same months again (loads are idempotent)"
        ]
    if any(READ_ONLY in f.message for f in failures):
        return ["the warehouse's disk became read-only during the run: remount it writable and run again"]
    if any(SCHEMA_CHANGED in f.message for f in failures):
        return [
            "the models' columns changed since this warehouse was built: rebuild them once with "
            f"`scorecard backfill --months {months} --full-refresh` (changed months are released "
            "anew; no release is rewritten)"
        ]
    return []
