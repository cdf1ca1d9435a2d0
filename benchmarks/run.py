"""Benchmark: how the pipeline's cost grows with its input, phase by phase.

    python benchmarks/run.py --scale 0.1 [--months 6] [--work DIR]      (or: make bench SCALE=0.1)

For one scale factor it generates a demo landing zone of ``--months`` closed months and the
current month up to today (timed apart; files dated after today are not delivered yet, and the
last delivered day is held back), then times, with the peak RSS of the process tree (sampled every
0.2 s), the command an operator runs, ``scorecard run`` (a process of its own, with its own
Dagster instance):

* **full**: every asset for every month: start-up (imports, definitions, manifest), ingestion of
  each feed with its GX checks, the dbt steps and dbt's own time per layer (each invocation's
  ``run_results.json``), the marts' checks, publication, the analytics views, the report,
  phase by phase from the run's step events;
* **floor**: the SQL dbt compiled for the run (from dbt's ``target/``), executed directly, model
  after model in dbt's order, in one DuckDB connection on a copy of the warehouse holding the
  same raw and reference tables: no orchestration, no tests, no gates. Pipeline ÷ floor;
* **no-change**: ``scorecard run`` again with nothing new;
* **incremental**: the held-back day delivered and its month run (``scorecard run --months M:M``,
  the run the landing sensor requests for a new file): incremental ÷ full.

``--runs full`` skips the no-change and incremental runs (the growth study). Results:
``benchmarks/results/scale-<S>.md`` and ``.csv`` (one row per measured phase), and
``benchmarks/results/phases.png``, time per phase against scale over every scale measured so far.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_RESULTS = ROOT / "benchmarks" / "results"
HELD_BACK_FEED = "engagement_events"
#: the months of every scale's zone (the growth study measures more)
STANDARD_MONTHS = 6


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


def step_seconds(instance: object, run_id: str) -> tuple[dict[str, float], float, float]:
    """Seconds per step of a run (STEP_START to STEP_SUCCESS/FAILURE), and when the run started
    and ended (epoch seconds)."""
    started, seconds, stamps = {}, {}, []
    for record in instance.all_logs(run_id):
        stamps.append(record.timestamp)
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = record.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
            seconds[event.step_key] = record.timestamp - started[event.step_key]
    return seconds, min(stamps), max(stamps)


def phase_of(step: str) -> str:
    if step.startswith("raw__"):
        return "ingestion (with GX checks): " + step.removeprefix("raw__")
    if step.startswith("dbt_"):
        return f"dbt step: {step}"
    if step.startswith("published__"):
        return "publication"
    if step.startswith("reports__"):
        return "report"
    if step in ("quality__gate_results", "marts_suites"):
        return "mart gates (GX)"
    return step


def _run_results(since: float) -> list[Path]:
    """The ``run_results.json`` of the dbt invocations that ended after ``since``, in order."""
    paths = [
        p
        for p in (ROOT / "dbt_project" / "target").glob("dbt_*/run_results.json")
        if p.stat().st_mtime >= since
    ]
    return sorted(paths, key=lambda p: p.stat().st_mtime)


def _manifest() -> dict:
    return json.loads((ROOT / "dbt_project" / "target" / "manifest.json").read_text(encoding="utf-8"))


def dbt_layers(since: float, slowest: int = 5) -> list[Measure]:
    """dbt's execution time per layer (models by folder, seeds, tests) of the invocations that
    ended after ``since``, and its slowest models."""
    nodes = _manifest()["nodes"]
    layers: dict[str, float] = defaultdict(float)
    models: dict[str, float] = defaultdict(float)
    for path in _run_results(since):
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            node = nodes.get(result["unique_id"], {})
            kind = result["unique_id"].split(".")[0]
            if kind == "model":
                layers[f"dbt models: {node.get('fqn', ['', '?'])[1]}"] += result["execution_time"]
                models[node.get("name", result["unique_id"])] += result["execution_time"]
            else:
                layers[f"dbt {kind}s"] += result["execution_time"]
    measures = [Measure(layer, t) for layer, t in sorted(layers.items())]
    top = sorted(models.items(), key=lambda item: -item[1])[:slowest]
    return measures + [Measure(f"dbt slowest model: {name}", t) for name, t in top]


def compiled_models(since: float) -> list[tuple[str, str, str]]:
    """``(relation, materialization, compiled SQL)`` of every model dbt ran since ``since``, in
    dbt's order (master data first, then the monthly set, then the analytics views)."""
    nodes = _manifest()["nodes"]
    models = []
    for path in _run_results(since):
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            node = nodes.get(result["unique_id"])
            if not node or node["resource_type"] != "model" or not result.get("compiled_code"):
                continue
            materialized = node["config"]["materialized"]
            models.append((f'"{node["schema"]}"."{node["alias"]}"', materialized, result["compiled_code"]))
    return models


def run_floor(warehouse: Path, floor_db: Path, models: list[tuple[str, str, str]]) -> Measure:
    """The compiled SQL of the run's models, executed directly on a copy of the warehouse."""
    from dagster_project.locking import connect
    from dagster_project.pii import hmac_sha256
    from dagster_project.settings import load_settings, pii_key

    shutil.copy(warehouse, floor_db)
    key = pii_key()
    # attached as the catalog dbt's compiled SQL names (`scorecard`), like every pipeline connection
    with connect(floor_db) as con:
        con.create_function(
            "pii_hmac",
            lambda v: hmac_sha256(key, v.strip() if v else v),
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
        )
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        # the pipeline's memory budget: the floor is the same SQL on the same terms
        con.execute("SET memory_limit = $limit", {"limit": load_settings().duckdb_memory_limit})
        with PeakRss() as rss:
            started = time.perf_counter()
            for relation, materialized, sql in models:
                kind = "VIEW" if materialized == "view" else "TABLE"
                con.execute(f"CREATE OR REPLACE {kind} {relation} AS {sql}")
            seconds = time.perf_counter() - started
    return Measure(
        "floor: the compiled SQL in one DuckDB connection", seconds, rss.mib, f"{len(models)} models"
    )


@dataclass
class Zone:
    """The benchmark's landing zone, warehouse and Dagster instance, and the environment of the
    ``scorecard`` processes it starts."""

    work: Path
    first_month: str

    @property
    def landing(self) -> Path:
        return self.work / "landing"

    @property
    def warehouse(self) -> Path:
        return self.work / "warehouse.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.work / "dagster_home"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "SCORECARD_LANDING_DIR": str(self.landing),
            "SCORECARD_WAREHOUSE": str(self.warehouse),
            "SCORECARD_FIRST_MONTH": self.first_month,
            "DAGSTER_HOME": str(self.dagster_home),
        }


def scorecard_run(zone: Zone, label: str, *args: str) -> tuple[Measure, list[Measure]]:
    """``scorecard run [args]`` in a process of its own, timed whole and phase by phase."""
    import dagster as dg

    started_at = time.time()
    with PeakRss() as rss:
        started = time.perf_counter()
        done = subprocess.run(
            [str(Path(sys.executable).with_name("scorecard")), "run", *args],
            env=zone.env(),
            cwd=zone.work,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    if done.returncode not in (0, 3):
        raise SystemExit(
            f"{label}: scorecard run failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    print(f"--- {label}: scorecard run {' '.join(args)} (exit {done.returncode}, {seconds:.1f} s)")
    print("\n".join(done.stdout.splitlines()[-12:]))
    whole = Measure(f"{label}: whole run", seconds, rss.mib, f"exit {done.returncode}")
    os.environ["DAGSTER_HOME"] = str(zone.dagster_home)  # the instance the command wrote to
    instance = dg.DagsterInstance.get()
    runs = [r for r in instance.get_runs() if r.run_id and _created(instance, r.run_id) >= started_at]
    if not runs:
        return whole, [Measure(f"{label} · no Dagster run: nothing to do", seconds)]
    phases: dict[str, float] = defaultdict(float)
    first_event, last_event = float("inf"), 0.0
    for run in runs:
        steps, run_start, run_end = step_seconds(instance, run.run_id)
        first_event, last_event = min(first_event, run_start), max(last_event, run_end)
        for step, step_time in steps.items():
            phases[phase_of(step)] += step_time
        phases["orchestration (run time not in any step)"] += run_end - run_start - sum(steps.values())
    parts = [Measure(f"{label} · start-up (imports, definitions, manifest)", first_event - started_at)]
    parts += [Measure(f"{label} · {phase}", t) for phase, t in sorted(phases.items())]
    parts.append(Measure(f"{label} · after the run (summary, outcomes)", started_at + seconds - last_event))
    parts += [Measure(f"{label} · {m.phase}", m.seconds) for m in dbt_layers(started_at)]
    return whole, parts


def _created(instance: object, run_id: str) -> float:
    stats = instance.get_run_stats(run_id)
    return stats.start_time or stats.launch_time or 0.0


def _data_lines(path: Path) -> int:
    """Rows of a generated CSV file (one line each, after the header)."""
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


def prepare_zone(scale: float, months: int, work: Path) -> tuple[Zone, Measure, list[Path]]:
    """Generate the landing zone: ``months`` closed months and the current month (local time) up to
    today, so that every scale has the same months whatever the day; files dated after today are
    left out (not delivered yet) and the last delivered day's files are held back in
    ``held_back/``."""
    from dagster_project.demo.generate import generate
    from dagster_project.ingest.discovery import landing_files
    from dagster_project.ingest.feeds import FEEDS
    from dagster_project.settings import local_today

    shutil.rmtree(work, ignore_errors=True)
    today = local_today()
    index = today.year * 12 + today.month - 1 - months
    first = f"{index // 12}-{index % 12 + 1:02d}"
    zone = Zone(work, first)
    started = time.perf_counter()
    generate(zone.landing, scale=scale, start=first, months=months + 1, seed=7, show_progress=False)
    seconds = time.perf_counter() - started
    files = [lf for feed in FEEDS for lf in landing_files(zone.landing, feed)]
    for lf in files:
        if lf.file_date and lf.file_date > today:
            lf.path.unlink()
    files = [lf for lf in files if lf.path.exists()]
    last_day = max(lf.file_date for lf in files if lf.file_date)
    events = sum(
        _data_lines(lf.path) for lf in files if lf.feed == HELD_BACK_FEED and lf.file_date != last_day
    )
    generated = Measure(
        "generate the landing zone (not part of the pipeline)",
        seconds,
        note=f"{events:,} engagement events in the full run, {first} … {last_day:%Y-%m-%d}",
    )
    held = work / "held_back"
    held.mkdir()
    moved = []
    for lf in files:
        if lf.file_date == last_day:
            moved.append(held / lf.path.name)
            shutil.move(lf.path, moved[-1])
    zone.dagster_home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", zone.dagster_home / "dagster.yaml")
    return zone, generated, moved


def benchmark(scale: float, months: int, work: Path, runs: set[str]) -> list[Measure]:
    zone, generated, held = prepare_zone(scale, months, work)
    measures = [generated]
    full_started = time.time()
    full, parts = scorecard_run(zone, "full")
    measures += [full, *parts]
    floor = run_floor(zone.warehouse, work / "floor.duckdb", compiled_models(full_started))
    measures += [floor, Measure("pipeline ÷ floor", full.seconds / floor.seconds if floor.seconds else 0)]
    if "no-change" in runs:
        unchanged, parts = scorecard_run(zone, "no-change rerun")
        measures += [unchanged, *parts]
    if "incremental" not in runs:
        return measures
    for path in held:
        feed = path.name.rsplit("_", 1)[0]
        shutil.move(path, zone.landing / feed / path.name)
    month = held[0].name.rsplit("_", 1)[1][:7]
    incremental, parts = scorecard_run(
        zone, f"incremental (one more day, month {month})", "--months", f"{month}:{month}"
    )
    measures += [incremental, *parts, Measure("incremental ÷ full", incremental.seconds / full.seconds)]
    return measures


def results_stem(results: Path, kind: str, scale: float, months: int) -> Path:
    """``<results>/<kind>-<S>`` for the six months every scale is compared on, else
    ``<kind>-<S>-months-<N>`` (the growth study)."""
    return results / (f"{kind}-{scale:g}" + ("" if months == STANDARD_MONTHS else f"-months-{months}"))


def write_results(
    results: Path,
    scale: float,
    months: int,
    measures: list[Measure],
    kind: str = "scale",
    title: str = "Benchmark",
) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    stem = results_stem(results, kind, scale, months)
    csv_path, md_path = stem.parent / f"{stem.name}.csv", stem.parent / f"{stem.name}.md"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
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
        f"# {title} at scale {scale:g} ({months} months), {time.strftime('%Y-%m-%d')}, "
        f"{os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GiB",
        "",
        "| phase | seconds | peak RSS (MiB) | note |",
        "|---|---:|---:|---|",
    ]
    lines += [
        f"| {m.phase} | {m.seconds:.2f} | {f'{m.peak_rss_mib:.0f}' if m.peak_rss_mib else ''} | {m.note} |"
        for m in measures
    ]
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return stem


def chart(results: Path) -> Path | None:
    """Time per phase of the full run against scale, over every ``scale-*.csv`` measured on six
    months."""
    import altair as alt
    import pandas as pd
    import vl_convert as vlc

    frames = [pd.read_csv(p) for p in sorted(results.glob("scale-*.csv"))]
    if not frames:
        return None
    data = pd.concat(frames)
    data = data[
        (data["months"] == STANDARD_MONTHS)
        & (
            (
                data["phase"].str.startswith("full · ")
                & ~data["phase"].str.contains("dbt (?:models|seeds|tests|slowest|exposures|operations)")
            )
            | data["phase"].str.startswith("floor")
        )
    ]
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


def scale_arguments(description: str, kind: str) -> argparse.ArgumentParser:
    """The arguments every benchmark takes: ``--scale``, ``--months``, ``--work``, ``--results``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--scale", type=float, required=True, help="1 ≈ 1 M engagement events over six months"
    )
    parser.add_argument("--months", type=int, default=STANDARD_MONTHS)
    parser.add_argument(
        "--work", type=Path, default=None, help=f"scratch folder (default benchmarks/work/{kind}-S)"
    )
    parser.add_argument(
        "--results", type=Path, default=DEFAULT_RESULTS, help="where the tables (and the chart) go"
    )
    return parser


def print_measures(measures: list[Measure]) -> None:
    for m in measures:
        rss = f"  peak {m.peak_rss_mib:,.0f} MiB" if m.peak_rss_mib else ""
        print(f"{m.seconds:10.2f}  {m.phase}{rss}{'  ' + m.note if m.note else ''}")


def main() -> None:
    parser = scale_arguments(__doc__.split("\n\n")[0], "scale")
    parser.add_argument(
        "--runs",
        default="full,no-change,incremental",
        help="which runs after the full one (and its floor): no-change, incremental (default both); "
        "--runs full for the growth study",
    )
    args = parser.parse_args()
    os.environ.setdefault("SCORECARD_PII_KEY", "benchmark-key-not-a-secret-000")
    work = args.work or ROOT / "benchmarks" / "work" / f"scale-{args.scale:g}"
    measures = benchmark(args.scale, args.months, work, set(args.runs.split(",")))
    stem = write_results(args.results, args.scale, args.months, measures)
    png = chart(args.results)
    print_measures(measures)
    print(f"results: {stem}.md, {stem}.csv" + (f", {png}" if png else ""))


if __name__ == "__main__":
    main()
