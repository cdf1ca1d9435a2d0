"""Benchmark: the same dbt project on DuckDB and on Spark, wall time and agreement.

    python benchmarks/engines.py --scale 0.1 [--months 6] [--work DIR]   (or: make bench-engines SCALE=0.1)

Needs ``make spark-install`` (dbt-spark, pyspark and Java 17 in ``.venv-spark``). For one scale it
generates a demo landing zone (timed apart) and loads it with the real loader (the template too)
into each engine's store: the DuckDB file, and the lake's Parquet tables for Spark
(``stores/``). Then, each dbt process timed from its start (imports, parse, the engine's
start-up) to its end with the peak RSS of the process tree:

* **DuckDB**: ``dbt build`` on the embedded warehouse (target ``duckdb``);
* **Spark**: the lake's tables registered as Spark tables (``dbt run-operation
  register_parquet_sources``), and ``dbt build`` on target ``spark`` (dbt-spark's session method:
  Spark in local mode in the dbt process, one JVM).

Both builds leave out the unit tests and the analytics views (they read the releases, which
publication writes), and score as of the same day. dbt's own time per layer comes from each
build's ``run_results.json``. Last, the scorecard tables and ``dim_client`` are compared
(``lake.table_differences``: keys, grades and texts exact, numbers to 1e-9 relative) and the
result is a row of the table: the engines must agree, or the benchmark says where they do not.

Results: ``benchmarks/results/engines-<S>.md`` and ``.csv``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import Measure, PeakRss, print_measures, scale_arguments, write_results  # noqa: E402

BUILD = ["build", "--exclude-resource-type", "unit_test", "--exclude", "tag:analytics"]
#: compared after both builds: the two scorecard tables (keyed by month and their keys) and the
#: mart that carries a PII hash
COMPARED_EXTRA = {"dim_client": ["client_id"]}


def _dbt_layers(target: Path, label: str) -> list[Measure]:
    """dbt's own execution time per kind of node (models by layer, seeds, tests) of one build."""
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    layers: dict[str, float] = defaultdict(float)
    for result in json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]:
        kind = result["unique_id"].split(".")[0]
        if kind == "model":
            layer = manifest.get(result["unique_id"], {}).get("fqn", ["", "?"])[1]
            layers[f"{label} · dbt models: {layer}"] += result["execution_time"]
        else:
            layers[f"{label} · dbt {kind}s"] += result["execution_time"]
    return [Measure(phase, seconds) for phase, seconds in sorted(layers.items())]


def _timed(phase: str, action: Callable[[], object]) -> Measure:
    """``action`` timed, with the peak RSS of this process and its children (dbt's)."""
    with PeakRss() as rss:
        started = time.perf_counter()
        action()
        seconds = time.perf_counter() - started
    return Measure(phase, seconds, rss.mib)


def _timed_dbt(executable: Path, args: list[str], env: dict[str, str], log: Path, phase: str) -> Measure:
    from dagster_project.transform.spark import run_dbt

    return _timed(phase, lambda: run_dbt(executable, args, env, log))


def benchmark(scale: float, months: int, work: Path) -> list[Measure]:
    from dagster_project.demo.generate import generate
    from dagster_project.ingest.feeds import FEEDS
    from dagster_project.ingest.load import load_feed
    from dagster_project.locking import connect
    from dagster_project.publish.releases import RELEASED_TABLES
    from dagster_project.settings import DEFAULT_TEMPLATES_DIR, local_today
    from dagster_project.stores import LakeTables
    from dagster_project.template import load_templates, write_templates
    from dagster_project.transform.spark import (
        SPARK_DBT,
        lake_folder,
        register_in_spark,
        spark_table_sql,
        table_differences,
    )

    if not SPARK_DBT.exists():
        raise SystemExit("dbt-spark is not installed: run `make spark-install` first")
    shutil.rmtree(work, ignore_errors=True)
    landing, warehouse, spark = work / "landing", work / "duckdb.duckdb", work / "spark"
    started = time.perf_counter()
    written = generate(landing, scale=scale, start="2025-01", months=months, seed=7, show_progress=False)
    measures = [
        Measure(
            "generate the landing zone (not part of either engine)",
            time.perf_counter() - started,
            note=f"{written.get('engagement_events', 0):,} engagement events",
        )
    ]
    started = time.perf_counter()
    with connect(warehouse) as con:
        for feed in FEEDS:
            load_feed(con, landing, feed)
        write_templates(con, load_templates(DEFAULT_TEMPLATES_DIR))
    measures.append(
        Measure("DuckDB · load the landing zone into the warehouse file", time.perf_counter() - started)
    )

    env = {
        # a key without the words Spark redacts (secret, password, token), as a production key
        "SCORECARD_PII_KEY": os.environ.get("SCORECARD_PII_KEY") or secrets.token_hex(32),
        "SCORECARD_WAREHOUSE": str(warehouse),
        "SCORECARD_SPARK_WAREHOUSE": str(spark),
    }
    as_of = ["--vars", json.dumps({"as_of_date": local_today().isoformat()})]
    duckdb_target, spark_target = work / "target-duckdb", work / "target-spark"
    duckdb_build = _timed_dbt(
        Path(sys.executable).parent / "dbt",
        [*BUILD, *as_of, "--target", "duckdb", "--target-path", str(duckdb_target)],
        env,
        work / "dbt-duckdb.log",
        "DuckDB · dbt build (process)",
    )
    measures += [duckdb_build, *_dbt_layers(duckdb_target, "DuckDB")]

    started = time.perf_counter()
    lake = LakeTables(lake_folder(spark))
    with connect(work / "spark-loader.duckdb") as con:  # the lake's views, for the loader
        for feed in FEEDS:
            load_feed(con, landing, feed, store=lake)
        write_templates(con, load_templates(DEFAULT_TEMPLATES_DIR), lake)
    export = Measure(
        "Spark · load the landing zone into the lake (Parquet tables)", time.perf_counter() - started
    )
    spark_args = ["--target", "spark", "--target-path", str(spark_target)]
    register = _timed(
        "Spark · register them as Spark tables (dbt run-operation, process)",
        lambda: register_in_spark(spark, ["raw", "reference"], work / "register"),
    )
    spark_build = _timed_dbt(
        SPARK_DBT, [*BUILD, *as_of, *spark_args], env, work / "dbt-spark.log", "Spark · dbt build (process)"
    )
    measures += [export, register, spark_build, *_dbt_layers(spark_target, "Spark")]
    measures.append(Measure("Spark ÷ DuckDB (dbt build)", spark_build.seconds / duckdb_build.seconds))
    measures.append(
        Measure(
            "Spark ÷ DuckDB (with registration)",
            (register.seconds + spark_build.seconds) / duckdb_build.seconds,
        )
    )

    compared = {**{t: ["period_month", *keys] for t, keys in RELEASED_TABLES.items()}, **COMPARED_EXTRA}
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{warehouse}' AS d (READ_ONLY)")
        for table, keys in sorted(compared.items()):
            started = time.perf_counter()
            con.execute(f"CREATE VIEW s_{table} AS SELECT * FROM {spark_table_sql(spark, 'marts', table)}")
            count = con.execute(f"SELECT count(*) FROM d.marts.{table}").fetchone()[0]
            differing = {
                c: n for c, n in table_differences(con, f"d.marts.{table}", f"s_{table}", keys).items() if n
            }
            verdict = "equal" if not differing else f"DIFFER: {differing}"
            measures.append(
                Measure(
                    f"agreement: marts.{table}",
                    time.perf_counter() - started,
                    note=f"{count:,} rows, {verdict}",
                )
            )
    return measures


def main() -> None:
    args = scale_arguments(__doc__.split("\n\n")[0], "engines").parse_args()
    work = (args.work or ROOT / "benchmarks" / "work" / f"engines-{args.scale:g}").resolve()
    measures = benchmark(args.scale, args.months, work)
    stem = write_results(
        args.results,
        args.scale,
        args.months,
        measures,
        kind="engines",
        title="DuckDB and Spark, the same dbt build,",
    )
    print_measures(measures)
    print(f"results: {stem}.md, {stem}.csv")
    if any(m.phase.startswith("agreement") and "DIFFER" in m.note for m in measures):
        raise SystemExit("the engines do not agree: see the agreement rows")


if __name__ == "__main__":
    main()
