"""A run people can follow: a progress display of `scorecard run`, the full logs in a file.

Dagster's and dbt's log lines (and dagster-dbt's column-lineage warnings) go to a log file whose
path is printed (and to the terminal with ``--verbose``); the run's events still reach the
instance, so the Dagster UI shows everything. The terminal shows one progress bar over the run's
steps: phase, months, the feed or model set at work, rows loaded, elapsed time.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TypeVar

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")

#: run tag that lets the display find the run it follows
PROGRESS_TAG = "scorecard/progress"

PHASES = (
    ("raw__", "ingestion"),
    ("scorecard_template", "template"),
    ("dbt_master_data", "dbt: master data"),
    ("dbt_monthly", "dbt: monthly models"),
    ("quality__gate_results", "quality gates: the marts, each month's outcome"),
    ("marts_suites", "quality gates: the marts' checks"),
    ("published__", "publication"),
    ("dbt_analytics", "dbt: analytics views"),
    ("reports__", "report"),
)


def phase_of(step_key: str) -> str:
    """What a step does, for people (``raw__leads`` → ``ingestion: leads``)."""
    for prefix, phase in PHASES:
        if step_key.startswith(prefix):
            rest = step_key.removeprefix(prefix) if prefix.endswith("__") else ""
            return f"{phase}: {rest}" if prefix == "raw__" else phase
    return step_key


@contextmanager
def captured_output(log_file: Path, verbose: bool) -> Iterator[IO[str]]:
    """Send everything written to stdout and stderr (this process's and its children's: dbt's) to
    ``log_file`` (and to the terminal too, when ``verbose``); yield the terminal, for the display."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved_out), "w", buffering=1, encoding="utf-8")
    read_end, write_end = os.pipe()
    log = log_file.open("ab")
    stop = threading.Event()

    def copy() -> None:
        """Copy until EOF, or until told to stop and nothing is left to read: a copy of the pipe's
        write end that some library made while output was captured would otherwise hold EOF back
        (it did: every run waited the full join timeout, 10 s, at its end)."""
        while True:
            if select.select([read_end], [], [], 0.1)[0]:
                chunk = os.read(read_end, 65536)
                if not chunk:
                    break
                log.write(chunk)
                if verbose:
                    os.write(saved_err, chunk)
            elif stop.is_set():
                break
        os.close(read_end)

    copier = threading.Thread(target=copy, daemon=True)
    copier.start()
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield terminal
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved_out, 1)
        os.dup2(saved_err, 2)
        stop.set()
        copier.join(timeout=10)
        log.close()
        terminal.close()
        os.close(saved_out)
        os.close(saved_err)


class RunDisplay:
    """Follows a run's events in the instance and shows them as one progress bar."""

    def __init__(self, instance: dg.DagsterInstance, terminal: IO[str], months: str) -> None:
        self.instance = instance
        self.token = uuid.uuid4().hex
        self.months = months
        self.rows = 0
        self.done_steps: set[str] = set()
        self.failed: list[str] = []
        self._stop = threading.Event()
        self.progress = Progress(
            TextColumn("[bold]{task.fields[phase]}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("steps · {task.fields[months]} · {task.fields[rows]:,} rows loaded"),
            TimeElapsedColumn(),
            # wide when not a terminal (CI logs, pipes): the line is not cut to 80 columns
            console=Console(
                file=terminal, force_terminal=terminal.isatty(), width=None if terminal.isatty() else 200
            ),
            transient=False,
        )
        self.task = self.progress.add_task("run", total=None, phase="starting", months=months, rows=0)

    @property
    def tags(self) -> dict[str, str]:
        return {PROGRESS_TAG: self.token}

    def _run_id(self) -> str | None:
        runs = self.instance.get_runs(filters=dg.RunsFilter(tags=self.tags), limit=1)
        return runs[0].run_id if runs else None

    def _follow(self) -> None:
        run_id, cursor = None, None
        while True:
            stopping = self._stop.is_set()
            run_id = run_id or self._run_id()
            if run_id is not None:
                cursor = self._read(run_id, cursor)
            if stopping:
                return
            self._stop.wait(0.5)

    def _read(self, run_id: str, cursor: str | None) -> str | None:
        records = self.instance.get_records_for_run(run_id, cursor=cursor, limit=1000)
        for record in records.records:
            event = record.event_log_entry.dagster_event
            if event is None:
                continue
            kind = event.event_type_value
            if kind == "ASSET_MATERIALIZATION_PLANNED" and self.progress.tasks[0].total is None:
                self._set_total(run_id)
            elif kind == "STEP_START":
                self.progress.update(self.task, phase=phase_of(event.step_key or ""))
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
                self.done_steps.add(event.step_key or "")
                if kind == "STEP_FAILURE":
                    self.failed.append(event.step_key or "")
                self.progress.update(self.task, completed=len(self.done_steps))
            elif kind == "ASSET_MATERIALIZATION":
                metadata = event.event_specific_data.materialization.metadata  # type: ignore[union-attr]
                loaded = metadata.get("rows_loaded")
                if loaded is not None and event.asset_key and event.asset_key.path[0] == "raw":
                    self.rows += int(loaded.value)
                    self.progress.update(self.task, rows=self.rows)
        return records.cursor

    def _set_total(self, run_id: str) -> None:
        run = self.instance.get_run_by_id(run_id)
        if run is None or run.execution_plan_snapshot_id is None:
            return
        plan = self.instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
        self.progress.update(self.task, total=len(plan.step_keys_to_execute))

    def follow(self, run: Callable[[dict[str, str]], T]) -> T:
        """Call ``run`` with the run tags to add, showing its progress until it returns."""
        follower = threading.Thread(target=self._follow, daemon=True)
        with self.progress:
            follower.start()
            try:
                return run(self.tags)
            finally:
                self._stop.set()
                follower.join(timeout=30)
                phase = f"done ({len(self.failed)} step(s) failed)" if self.failed else "done"
                self.progress.update(self.task, phase=phase)
