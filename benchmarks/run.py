"""Benchmark: how the pipeline's cost grows with its input, phase by phase.

    python benchmarks/run.py --scale 0.1 [--months 6] [--work DIR]      (or: make bench SCALE=0.1)

For one scale factor it generates a demo landing zone (timed apart; the last day of engagement
events is held back), then times, in this process, with the peak RSS of the process tree
(this process and the dbt processes it starts, sampled every 0.2 s):

* **full**: every asset for every month (ingestion of each feed with its GX checks, the dbt
  steps, the marts' checks, publication, the analytics views, the report), phase by phase from
  the run's step events, and dbt's own time per layer from each invocation's ``run_results.json``;
* **floor**: the SQL dbt compiled for the run (from dbt's ``target/``), executed directly, model
  after model in dbt's order, in one DuckDB connection on a copy of the warehouse holding the
  same raw and reference tables: no orchestration, no tests, no gates. Pipeline ÷ floor;
* **incremental**: the held-back day delivered, the pipeline run again: incremental ÷ full;
* **no-change**: the pipeline run again with nothing new.

Results: ``benchmarks/results/scale-<S>.md`` and ``.csv`` (one row per measured phase), and
``benchmarks/results/phases.png``, time per phase against scale over every scale measured so far.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_RESULTS = ROOT / "benchmarks" / "results"
HELD_BACK_FEED = "engagement_events"


@dataclass
class Measure:
    phase: str
    seconds: float
    peak_rss_mib: float | None = None
    note: str = ""


@dataclass
class PeakRss:
    """The peak resident memory of this process and its children, sampled in a thread."""

    interval: float = 0.2
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self.interval):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            self.peak = max(self.peak, total)

    def __enter__(self) -> PeakRss:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> float:
        return self.peak / 2**20


def step_seconds(instance: object, run_id: str) -> dict[str, float]:
    """Seconds per step of a run, from its STEP_START and STEP_SUCCESS/FAILURE events."""
    started, seconds = {}, {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = record.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
            seconds[event.step_key] = record.timestamp - started[event.step_key]
    return seconds


def phase_of(step: str) -> str:
    if step.startswith("raw__"):
        return "ingestion (with GX checks): " + step.removeprefix("raw__")
    if step.startswith("dbt_"):
        return f"dbt step: {step}"
    if step.startswith("published__"):
        return "publication"
    if step.startswith("reports__"):
        return "report"
    if step.startswith("marts__"):
        return "mart checks (GX)"
    return step


def dbt_layers(run_started: float) -> dict[str, float]:
    """dbt's execution time per layer (staging, intermediate, marts, ...) of the invocations that
    wrote their ``run_results.json`` after ``run_started``."""
    layers: dict[str, float] = defaultdict(float)
    for path in (ROOT / "dbt_project" / "target").glob("dbt_*/run_results.json"):
        if path.stat().st_mtime < run_started:
            continue
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            node = result["unique_id"]
            kind = node.split(".")[0]
            layer = node.split(".")[2] if kind == "model" else kind
            layers[f"dbt {kind}s: {layer}" if kind == "model" else f"dbt {kind}s"] += result["execution_time"]
    return dict(layers)


def compiled_models(run_started: float) -> list[tuple[str, str, str]]:
    """``(relation, materialization, compiled SQL)`` of every model dbt ran since ``run_started``,
    in dbt's order (master data first, then the monthly set, then the analytics views)."""
    manifest = json.loads((ROOT / "dbt_project" / "target" / "manifest.json").read_text(encoding="utf-8"))
    models = []
    paths = sorted(
        (
            p
            for p in (ROOT / "dbt_project" / "target").glob("dbt_*/run_results.json")
            if p.stat().st_mtime >= run_started
        ),
        key=lambda p: p.stat().st_mtime,
    )
    for path in paths:
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            node = manifest["nodes"].get(result["unique_id"])
            if not node or node["resource_type"] != "model" or not result.get("compiled_code"):
                continue
            materialized = node["config"]["materialized"]
            models.append((f'"{node["schema"]}"."{node["alias"]}"', materialized, result["compiled_code"]))
    return models


def run_floor(warehouse: Path, floor_db: Path, models: list[tuple[str, str, str]]) -> Measure:
    """The compiled SQL of the run's models, executed directly on a copy of the warehouse."""
    from dagster_project.pii import hmac_sha256
    from dagster_project.settings import pii_key

    shutil.copy(warehouse, floor_db)
    database = warehouse.stem
    key = pii_key()
    with duckdb.connect(str(floor_db)) as con:
        con.create_function(
            "pii_hmac",
            lambda v: hmac_sha256(key, v.strip() if v else v),
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
        )
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        with PeakRss() as rss:
            started = time.perf_counter()
            for relation, materialized, sql in models:
                sql = sql.replace(f'"{database}".', f'"{floor_db.stem}".')
                kind = "VIEW" if materialized == "view" else "TABLE"
                con.execute(f"CREATE OR REPLACE {kind} {relation} AS {sql}")
            seconds = time.perf_counter() - started
    return Measure(
        "floor: the compiled SQL in one DuckDB connection", seconds, rss.mib, f"{len(models)} models"
    )


def pipeline_run(
    landing: Path, warehouse: Path, first: str, last: str, label: str
) -> tuple[Measure, list[Measure]]:
    import dagster as dg

    from dagster_project.pipeline import materialize_all

    instance = dg.DagsterInstance.ephemeral()
    started_at = time.time()
    with PeakRss() as rss:
        started = time.perf_counter()
        result = materialize_all(landing, warehouse, first, last, instance=instance, column_lineage=False)
        seconds = time.perf_counter() - started
    if not result.success:
        failed = ", ".join(e.step_key or "?" for e in result.get_step_failure_events())
        print(f"  note: {label} run had failed steps ({failed})")
    steps = step_seconds(instance, result.run_id)
    phases: dict[str, float] = defaultdict(float)
    for step, step_time in steps.items():
        phases[phase_of(step)] += step_time
    parts = [Measure(f"{label} · {phase}", t) for phase, t in sorted(phases.items())]
    parts.append(
        Measure(f"{label} · orchestration (run time not in any step)", seconds - sum(steps.values()))
    )
    parts += [Measure(f"{label} · {layer}", t) for layer, t in sorted(dbt_layers(started_at).items())]
    return Measure(f"{label}: whole run", seconds, rss.mib), parts


def months_of(landing: Path) -> tuple[str, str]:
    from dagster_project.ingest.discovery import landing_months

    months = landing_months(landing)
    return months[0], months[-1]


def benchmark(scale: float, months: int, work: Path) -> list[Measure]:
    from dagster_project.demo.generate import generate

    shutil.rmtree(work, ignore_errors=True)
    landing, warehouse, held = work / "landing", work / "warehouse.duckdb", work / "held_back"
    measures = []
    started = time.perf_counter()
    written = generate(landing, scale=scale, start="2025-01", months=months, seed=7, show_progress=False)
    measures.append(
        Measure(
            "generate the landing zone (not part of the pipeline)",
            time.perf_counter() - started,
            note=f"{written.get('engagement_events', 0):,} engagement events",
        )
    )
    held.mkdir(parents=True)
    last_day = sorted((landing / HELD_BACK_FEED).glob(f"{HELD_BACK_FEED}_*.csv"))[-1]
    shutil.move(last_day, held / last_day.name)
    first, last = months_of(landing)

    full_started = time.time()
    full, parts = pipeline_run(landing, warehouse, first, last, "full")
    measures += [full, *parts]
    models = compiled_models(full_started)
    floor = run_floor(warehouse, work / "floor.duckdb", models)
    measures.append(floor)
    measures.append(Measure("pipeline ÷ floor", full.seconds / floor.seconds if floor.seconds else 0))

    shutil.move(held / last_day.name, landing / HELD_BACK_FEED / last_day.name)
    incremental, parts = pipeline_run(landing, warehouse, first, last, "incremental (one more day)")
    measures += [incremental, *parts, Measure("incremental ÷ full", incremental.seconds / full.seconds)]
    unchanged, parts = pipeline_run(landing, warehouse, first, last, "no-change rerun")
    measures += [unchanged, *parts]
    return measures


def write_results(results: Path, scale: float, months: int, measures: list[Measure]) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    stem = results / f"scale-{scale:g}"
    with stem.with_suffix(".csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["scale", "months", "phase", "seconds", "peak_rss_mib", "note"])
        for m in measures:
            writer.writerow(
                [
                    scale,
                    months,
                    m.phase,
                    f"{m.seconds:.3f}",
                    f"{m.peak_rss_mib:.0f}" if m.peak_rss_mib else "",
                    m.note,
                ]
            )
    lines = [
        f"# Benchmark at scale {scale:g} ({months} months), {time.strftime('%Y-%m-%d')}, "
        f"{os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GiB",
        "",
        "| phase | seconds | peak RSS (MiB) | note |",
        "|---|---:|---:|---|",
    ]
    lines += [
        f"| {m.phase} | {m.seconds:.2f} | {f'{m.peak_rss_mib:.0f}' if m.peak_rss_mib else ''} | {m.note} |"
        for m in measures
    ]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return stem


def chart(results: Path) -> Path | None:
    """Time per phase of the full run against scale, over every ``scale-*.csv`` measured."""
    import altair as alt
    import pandas as pd
    import vl_convert as vlc

    frames = [pd.read_csv(p) for p in sorted(results.glob("scale-*.csv"))]
    if not frames:
        return None
    data = pd.concat(frames)
    data = data[data["phase"].str.startswith("full · ") | data["phase"].str.startswith("floor")]
    spec = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("scale:Q", scale=alt.Scale(type="log"), title="scale factor (1 ≈ 1 M events)"),
            y=alt.Y("seconds:Q", title="seconds"),
            color=alt.Color("phase:N", legend=alt.Legend(labelLimit=400)),
        )
        .properties(width=700, height=400, title="time per phase of a full build")
    )
    path = results / "phases.png"
    path.write_bytes(vlc.vegalite_to_png(spec.to_json(), scale=1))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, required=True, help="1 ≈ 1 M engagement events over six months"
    )
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument(
        "--work", type=Path, default=None, help="scratch folder (default benchmarks/work/scale-S)"
    )
    parser.add_argument(
        "--results", type=Path, default=DEFAULT_RESULTS, help="where the tables and the chart go"
    )
    args = parser.parse_args()
    os.environ.setdefault("SCORECARD_PII_KEY", "benchmark-key-not-a-secret-000")
    work = args.work or ROOT / "benchmarks" / "work" / f"scale-{args.scale:g}"
    measures = benchmark(args.scale, args.months, work)
    stem = write_results(args.results, args.scale, args.months, measures)
    png = chart(args.results)
    for m in measures:
        rss = f"  peak {m.peak_rss_mib:,.0f} MiB" if m.peak_rss_mib else ""
        print(f"{m.seconds:10.2f}  {m.phase}{rss}{'  ' + m.note if m.note else ''}")
    print(f"results: {stem}.md, {stem}.csv" + (f", {png}" if png else ""))


if __name__ == "__main__":
    main()
