"""A tiny run of the benchmark (`benchmarks/run.py`), so that it does not rot.

It runs what `make bench` runs, at a scale where every phase takes seconds, and checks that
each measured phase is there and that the runs did what they are meant to measure: the full run
built and published, the no-change rerun started no Dagster run. (The incremental run, a second
full-cost run at this scale, is left to `make bench`: the default suite stays under five minutes.)
No figure is asserted: time and memory are the benchmark's output, not a test's.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT


def test_the_benchmark_measures_every_phase_at_a_tiny_scale(tmp_path: Path) -> None:
    results = tmp_path / "results"
    done = subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "benchmarks" / "run.py"),
            *("--scale", "0.002", "--months", "2", "--runs", "full,no-change"),
            *("--work", str(tmp_path / "work"), "--results", str(results)),
        ],
        cwd=PROJECT_ROOT,
        # column lineage (~20 s a run) is under test in tests/integration/test_pipeline.py
        env={**os.environ, "SCORECARD_COLUMN_LINEAGE": "false"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with (results / "scale-0.002-months-2.csv").open(encoding="utf-8") as handle:
        rows = {row["phase"]: row for row in csv.DictReader(handle)}
    phases = list(rows)

    def measured(prefix: str) -> list[str]:
        return [p for p in phases if p.startswith(prefix)]

    assert (
        float(rows["full: whole run"]["seconds"]) > 0 and float(rows["full: whole run"]["peak_rss_mib"]) > 0
    )
    assert rows["full: whole run"]["note"] == "exit 0"
    for phase in (
        "full · start-up",
        "full · ingestion (with GX checks): engagement_events",
        "full · dbt step: dbt_monthly",
        "full · dbt models: marts",
        "full · mart gates (GX)",
        "full · publication",
        "full · report",
        "floor: the compiled SQL",
        "pipeline ÷ floor",
    ):
        assert measured(phase), (phase, phases)
    # nothing new: the command did nothing (no Dagster run)
    assert measured("no-change rerun · no Dagster run: nothing to do"), phases
    assert int(rows["floor: the compiled SQL in one DuckDB connection"]["note"].split()[0]) > 50
    assert (
        (results / "scale-0.002-months-2.md")
        .read_text(encoding="utf-8")
        .startswith("# Benchmark at scale 0.002")
    )
    assert (results / "phases.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
