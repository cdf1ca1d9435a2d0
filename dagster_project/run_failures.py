"""A failed run read for people: each failed step with its root cause and, for known
failures, the remedy. (A quality gate never fails a step: it holds a month back, which
``published/scorecard``'s check and the CLI's month outcomes report.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg

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


def step_failures_of(events: Iterable[dg.DagsterEvent]) -> list[StepFailure]:
    """Step failure events read as :class:`StepFailure`, each with its root cause's message."""
    failures = []
    for event in events:
        error = event.event_specific_data.error
        while error.cause is not None:
            error = error.cause
        failures.append(StepFailure(event.step_key, error.message.strip()))
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
