"""The ``scorecard`` command: generate demo data, run the pipeline, look at the warehouse.

Dagster and dbt are imported inside the commands that need them, so ``scorecard --help`` and
``scorecard generate`` start fast.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from dagster_project.settings import Settings, load_env_file, load_settings

if TYPE_CHECKING:
    import dagster as dg

app = typer.Typer(help="Community-operations scorecard pipeline (社群运营考核).", no_args_is_help=True)
#: Wide when not a terminal (CI logs, pipes), so scorecard tables stay readable.
console = Console() if sys.stdout.isatty() else Console(width=200)

WarehouseOption = Annotated[Path | None, typer.Option(help="DuckDB file (default $SCORECARD_WAREHOUSE).")]
FullRefreshOption = Annotated[
    bool, typer.Option(help="Rebuild the incremental dbt models from scratch (after their columns changed).")
]
NoteOption = Annotated[
    str | None, typer.Option(help="Why this run republishes (added to the reason of each new release).")
]
WaitOption = Annotated[
    float, typer.Option(help="Seconds to wait when another run holds the warehouse (default: fail at once).")
]

#: `scorecard run` exit code when the warehouse was built but a quality gate stopped publication.
GATE_FAILED_EXIT_CODE = 3
MONTH_RANGE = re.compile(r"^(\d{4}-\d{2})(?::(\d{4}-\d{2}))?$")


@app.callback()
def main() -> None:
    """Community-operations scorecard pipeline (社群运营考核)."""
    # the entry point: `.env` (the PII key on a fresh machine) is read here and nowhere else
    load_env_file()


@app.command()
def prepare() -> None:
    """Parse the dbt project when it changed: the manifest the Dagster assets are built from."""
    from dagster_project.transform.manifest import prepare_manifest

    console.print(f"dbt manifest: {prepare_manifest()}")


def parse_month_range(text: str) -> tuple[str, str]:
    """``2025-01:2025-06`` (or one month ``2025-03``) → first and last month."""
    match = MONTH_RANGE.match(text.strip())
    if not match:
        raise typer.BadParameter(f"expected YYYY-MM or YYYY-MM:YYYY-MM, got {text!r}")
    first, last = match[1], match[2] or match[1]
    if last < first:
        raise typer.BadParameter(f"the range {text!r} ends before it starts")
    return first, last


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Landing zone folder to write.")] = Path("data/landing"),
    scale: Annotated[float, typer.Option(help="Size factor; 1 ≈ a million events in 6 months.")] = 1.0,
    start: Annotated[str, typer.Option(help="First month, YYYY-MM.")] = "2025-01",
    months: Annotated[int, typer.Option(help="Number of months.")] = 6,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 7,
) -> None:
    """Write a realistic demo landing zone exactly as the data contract describes."""
    from dagster_project.demo.generate import generate as write_landing_zone

    parse_month_range(start)
    written = write_landing_zone(out, scale=scale, start=start, months=months, seed=seed)
    table = Table("feed", "rows", title=f"landing zone written to {out}")
    for feed, rows in written.items():
        table.add_row(feed, f"{rows:,}")
    console.print(table)


@app.command()
def run(
    landing: Annotated[
        Path | None, typer.Option(help="Landing zone (default $SCORECARD_LANDING_DIR).")
    ] = None,
    warehouse: WarehouseOption = None,
    months: Annotated[
        str | None, typer.Option(help="YYYY-MM:YYYY-MM (default: every month that has files).")
    ] = None,
    full_refresh: FullRefreshOption = False,
    note: NoteOption = None,
    verbose: Annotated[bool, typer.Option(help="Print Dagster's and dbt's logs here too.")] = False,
    wait: WaitOption = 0,
) -> None:
    """Materialize every asset (ingestion, dbt models and tests) for the months, in-process.

    Exit code 3: the warehouse is built, but a quality gate held back at least one month's
    publication (the months that passed theirs are published)."""
    from dagster_project.ingest.discovery import landing_months
    from dagster_project.locking import WarehouseUnavailable, check_writable
    from dagster_project.settings import SettingsError, pii_key
    from dagster_project.template import TemplateError, load_templates

    settings = _settings(landing, warehouse)
    try:  # refuse before anything is loaded: each would stop the run halfway
        pii_key()  # staging cannot hash PII without it
        load_templates(settings.templates_dir)  # nothing can be scored with a broken template
        check_writable(settings.warehouse)
        if settings.on_spark:
            from dagster_project.transform.resource import dbt_resource

            dbt_resource(settings.dbt_target)  # dbt-spark and Java are installed
    except (SettingsError, TemplateError, WarehouseUnavailable) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    available = landing_months(settings.landing_dir)
    if months:
        first, last = parse_month_range(months)
    elif available:
        first, last = available[0], available[-1]
    else:
        console.print(f"[red]no deliveries found under {settings.landing_dir}[/red]")
        raise typer.Exit(1)
    import dagster as dg

    from dagster_project.keys import RELEASE_NOTE_TAG
    from dagster_project.pipeline import materialize_all, step_failures
    from dagster_project.progress import RunDisplay, captured_output
    from dagster_project.run_failures import failure_hints
    from dagster_project.run_state import RunState, last_completed_run, nothing_to_do, record_completed_run
    from dagster_project.settings import local_today

    # the single-run backfill policy is a beta parameter: one warning per asset is noise here
    warnings.filterwarnings("ignore", category=dg.BetaWarning)

    state = RunState.now(
        settings.landing_dir, settings.templates_dir, first, last, local_today(), settings.dbt_target
    )
    previous = last_completed_run(settings.warehouse)
    if not months and not full_refresh and previous and nothing_to_do(previous[1], state):
        console.print(
            f"nothing new since run {previous[0][:8]} ({first} … {last}): the same landing files, code, "
            "template, gates and key"
            + ("" if state.local_day == previous[1].local_day else ", and no month was open then")
            + "; nothing to do (--months A:B or --full-refresh rebuilds)"
        )
        _finish(settings, first, last, set(), None)
        return
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    outside = files_outside(settings.landing_dir, first, last)
    console.print(f"materializing {first} … {last} from {settings.landing_dir} into {settings.warehouse}")
    if outside:
        console.print(
            f"loading every delivered file, {len(outside)} of them dated outside {first} … {last}: a "
            "month's rules read later deliveries (answers, decisions, disbursements, snapshots) and "
            "earlier ones (cohorts, delinquency), so its scores do not depend on how the run was started"
        )
    tags = {RELEASE_NOTE_TAG: note} if note else {}
    log_file = settings.warehouse.parent / "logs" / f"run-{datetime.now():%Y%m%d-%H%M%S}.log"
    console.print(f"full logs: {log_file}" + ("" if verbose else " (add --verbose to see them here too)"))
    try:
        with captured_output(log_file, verbose) as terminal:
            display = RunDisplay(instance, terminal, f"{first} … {last}")
            result = display.follow(
                lambda run_tags: materialize_all(
                    settings,
                    first,
                    last,
                    instance,
                    full_refresh=full_refresh,
                    tags={**tags, **run_tags},
                    lock_wait_seconds=wait,
                )
            )
    except WarehouseUnavailable as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    failures = step_failures(result)
    for failure in failures:
        console.print(f"[red]{failure.step} failed:[/red] {failure.message}")
    if failures:
        for hint in failure_hints(failures, f"{first}:{last}"):
            console.print(f"[yellow]{hint}[/yellow]")
        raise typer.Exit(1)
    if not months:  # every month of the landing zone: a rerun with nothing new has nothing to do
        record_completed_run(settings.warehouse, result.run_id, state)
    _finish(settings, first, last, {result.run_id}, result)


def _finish(
    settings: Settings, first: str, last: str, run_ids: set[str], result: dg.ExecuteInProcessResult | None
) -> None:
    """Print what the warehouse holds for the months (and what the run did), exit 3 if a gate holds
    a closed month back."""
    from dagster_project.pipeline import gate_failures, month_outcomes
    from dagster_project.settings import local_today

    _print_schema_totals(settings.warehouse)
    from dagster_project.serve.explain import ReportError, print_branch_extremes

    try:
        print_branch_extremes(console, settings.warehouse)
    except ReportError as exc:
        console.print(str(exc))
    _print_releases(settings.warehouse)
    outcomes = month_outcomes(settings.warehouse, first, last, run_ids, local_today())
    _print_month_outcomes(outcomes)
    reports = sorted(settings.reports.glob("*/scorecard_report_*.html"))
    if reports:
        console.print(f"scorecard reports ({len(reports)}), the last: {reports[-1]}")
    if any(o.status == "held_back" for o in outcomes):
        console.print(
            "[red]quality gates failed: those months are held back (their provisional marts are built); "
            "the other closed months are published[/red]"
        )
        for line in gate_failures(result) if result else []:
            console.print(line)
        raise typer.Exit(GATE_FAILED_EXIT_CODE)


def files_outside(landing: Path, first: str, last: str) -> list[str]:
    """Deliveries of monthly feeds dated outside first..last (a run loads them too)."""
    from dagster_project.ingest.discovery import landing_files
    from dagster_project.ingest.feeds import FEEDS

    return [
        lf.name
        for feed in FEEDS.values()
        if feed.partitioned
        for lf in landing_files(landing, feed.name)
        if lf.named_month and not first <= lf.named_month <= last
    ]


def _print_month_outcomes(outcomes: list) -> None:
    table = Table("month", "publication", "detail", title="months of this run")
    colour = {"held_back": "red", "released": "green"}
    for o in outcomes:
        status = o.status.replace("_", " ")
        table.add_row(o.month, f"[{colour[o.status]}]{status}[/]" if o.status in colour else status, o.detail)
    console.print(table)


@app.command()
def backfill(
    months: Annotated[str, typer.Option(help="YYYY-MM:YYYY-MM, the months to (re)build.")],
    landing: Annotated[
        Path | None, typer.Option(help="Landing zone (default $SCORECARD_LANDING_DIR).")
    ] = None,
    warehouse: WarehouseOption = None,
    full_refresh: FullRefreshOption = False,
    note: NoteOption = None,
    wait: WaitOption = 0,
) -> None:
    """Rebuild a range of months in one run (a single-run backfill); safe to repeat."""
    run(landing=landing, warehouse=warehouse, months=months, full_refresh=full_refresh, note=note, wait=wait)


@app.command()
def explain(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM.")],
    entity: Annotated[str, typer.Option(help="LEVEL:ID, e.g. manager:M0001, team:T0001, branch:BR001.")],
    warehouse: WarehouseOption = None,
) -> None:
    """Print an entity's scorecard: every indicator, dimension totals, penalties, veto, grade, rank."""
    from dagster_project.serve.explain import ReportError, parse_entity, print_explanation
    from dagster_project.serve.explain import explain as explain_entity

    path = _warehouse(warehouse)
    parse_month_range(month)
    try:
        level, entity_id = parse_entity(entity)
        print_explanation(console, explain_entity(path, month, level, entity_id))
    except ReportError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


@app.command()
def sql(
    query: Annotated[
        str, typer.Argument(help="One query: SELECT, FROM, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Write the whole result to FILE.csv or FILE.parquet instead of printing."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows printed (the result may have more).")] = 100,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait while a pipeline run writes the warehouse.")
    ] = 30,
    warehouse: WarehouseOption = None,
) -> None:
    """Run a read-only query on the warehouse (views for people: schema analytics)."""
    from dagster_project.serve.sql_access import SqlAccessError, run_query, write_query

    path = _warehouse(warehouse)
    readable = [_settings().spark_warehouse]  # the files of a Spark-target warehouse's views
    try:
        if out is not None:
            rows = write_query(path, query, out, wait, readable)
            console.print(f"{rows:,} rows written to {out}")
            return
        result = run_query(path, query, limit, wait, readable)
    except SqlAccessError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    table = Table(*result.columns)
    for row in result.rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    if result.truncated:
        console.print(f"first {limit} rows shown: --limit N for more, --out FILE.csv for all")


@app.command()
def report(
    month: Annotated[str, typer.Option(help="Month, YYYY-MM.")],
    release: Annotated[int | None, typer.Option(help="Release id (default: the month's latest).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder to write to (default: the reports folder).")
    ] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Write the month's scorecard report: a self-contained HTML file and PNG charts."""
    from dagster_project.serve.report import write_report
    from dagster_project.serve.report_data import ReportDataError, read_report_data

    settings = _settings(warehouse=warehouse)
    parse_month_range(month)
    try:
        data = read_report_data(settings.warehouse, month, release)
    except ReportDataError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    files = write_report(data, (out or settings.reports / month).resolve())
    source = "PROVISIONAL (no release)" if data.provisional else f"release {data.release['release_id']}"
    console.print(f"{month}, {source}: {files.html}")
    for path in files.charts.values():
        console.print(f"  chart {path}")


@app.command()
def docs(
    serve: Annotated[bool, typer.Option(help="Serve the site on 127.0.0.1 after building it.")] = False,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8080,
    warehouse: WarehouseOption = None,
) -> None:
    """Build dbt's documentation site (every model, column, test, exposure; the lineage) offline."""
    from dagster_project.serve.docs import DocsError, build_docs, serve_docs

    settings = _settings(warehouse=warehouse)
    out_dir = settings.warehouse.parent / "docs"
    try:
        index = build_docs(settings.warehouse, out_dir)
    except DocsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"dbt docs: {index} (one file, opens offline)")
    if serve:
        console.print(f"serving on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        try:
            serve_docs(out_dir, port)
        except KeyboardInterrupt:
            console.print("stopped")


@app.command()
def ui(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the web UI.")] = 3000,
) -> None:
    """The Dagster UI and daemon on this code location; Ctrl-C or SIGTERM stops all of it within 10 s."""
    from dagster_project.serve.ui import run_ui

    console.print(f"Dagster UI on http://{host}:{port} (Ctrl-C stops it)")
    raise typer.Exit(run_ui(host, port))


@app.command()
def whatif(
    month: Annotated[str, typer.Option(help="Month to score, YYYY-MM.")],
    template: Annotated[str, typer.Option(help="Candidate template version (a folder in seeds/templates).")],
    warehouse: WarehouseOption = None,
    verbose: Annotated[bool, typer.Option(help="Print dbt's log here too.")] = False,
) -> None:
    """Score a month under a candidate template version, beside the version in force; publish nothing."""
    path = _warehouse(warehouse)
    from dagster_project.locking import connect
    from dagster_project.progress import captured_output
    from dagster_project.serve.explain import ReportError
    from dagster_project.stores import table_store
    from dagster_project.template import TemplateError, load_templates, write_templates
    from dagster_project.whatif import print_whatif, run_whatif_models, store_whatif_comparison

    parse_month_range(month)
    try:
        versions = load_templates(_settings().templates_dir)
        if template not in versions:
            raise ReportError(
                f"no template version {template!r} in seeds/templates (have {', '.join(versions)})"
            )
        with connect(path) as con:
            write_templates(con, versions, table_store(_settings().lake))
        # dbt's log goes to a file, as in `scorecard run`: people read the comparison
        log_file = path.parent / "logs" / f"whatif-{datetime.now():%Y%m%d-%H%M%S}.log"
        console.print(f"dbt's log: {log_file}" + ("" if verbose else " (add --verbose to see it here too)"))
        with captured_output(log_file, verbose):
            run_whatif_models(month, template, path)
        rows = store_whatif_comparison(path, month, template)
    except (TemplateError, ReportError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    print_whatif(console, month, template, rows)


@app.command()
def summary(
    warehouse: WarehouseOption = None,
) -> None:
    """Row counts of every table in the warehouse, and the rows of every feed and month: read,
    loaded, quarantined, superseded by a re-delivery, unaccounted (must be 0); read-only."""
    path = _warehouse(warehouse)
    _print_summary(path)
    _print_accounting(path)


@app.command()
def releases(
    warehouse: WarehouseOption = None,
) -> None:
    """List every publication (release) of final scores."""
    _print_releases(_warehouse(warehouse))


@app.command()
def verify(
    warehouse: WarehouseOption = None,
) -> None:
    """Recompute every release's content hash from its stored rows; exit 1 on any mismatch."""
    path = _warehouse(warehouse)
    from dagster_project.locking import connect
    from dagster_project.publish import PublishError
    from dagster_project.publish import verify as verify_releases

    try:
        with connect(path, read_only=True) as con:
            checks = verify_releases(con)
    except PublishError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    for check in checks:
        state = "[green]ok[/green]" if check.ok else f"[red]MISMATCH[/red] {check.problem}"
        console.print(f"release {check.release_id} ({check.period_month:%Y-%m}): {state}")
    bad = [c for c in checks if not c.ok]
    console.print(f"{len(checks)} releases verified, {len(bad)} mismatched")
    if bad:
        raise typer.Exit(1)


def _print_releases(path: Path) -> None:
    from dagster_project.locking import connect
    from dagster_project.publish import PublishError, list_releases

    try:
        with connect(path, read_only=True) as con:
            rows = list_releases(con)
    except PublishError as exc:
        console.print(str(exc))
        return
    table = Table(
        "release",
        "month",
        "template",
        "published at",
        "rows",
        "content hash",
        "run",
        "reason",
        title="releases",
    )
    for r in rows:
        table.add_row(
            str(r["release_id"]),
            f"{r['period_month']:%Y-%m}",
            str(r["template_version"]),
            f"{r['published_at']:%Y-%m-%d %H:%M:%S}",
            str(r["row_count"]),
            str(r["content_hash"])[:16],
            str(r["run_id"])[:8],
            str(r.get("reason") or ""),
        )
    console.print(table)


def warehouse_row_counts(path: Path) -> list[tuple[str, str, int]]:
    """``(schema, table or view, rows)`` of the warehouse, through a read-only connection."""
    from dagster_project.locking import connect

    with connect(path, read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() ORDER BY 1, 2"
        ).fetchall()
        return [
            (schema, name, con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0])
            for schema, name in tables
        ]


def _settings(landing: Path | None = None, warehouse: Path | None = None) -> Settings:
    """The settings of this command: the environment's, with the paths given as options."""
    settings = load_settings()
    if landing:
        settings = replace(settings, landing_dir=landing.resolve())
    if warehouse:
        settings = replace(settings, warehouse=warehouse.resolve())
    return settings


def _warehouse(option: Path | None) -> Path:
    """The warehouse file: the option when given, else the setting."""
    return _settings(warehouse=option).warehouse


def _print_accounting(path: Path) -> None:
    from dagster_project.locking import connect
    from dagster_project.sql import query, table_exists

    with connect(path, read_only=True) as con:
        if not table_exists(con, "raw", "_row_accounting"):
            return
        rows = con.execute(query("load/row_accounting_by_month")).fetchall()
    table = Table(
        "feed",
        "month",
        "files",
        "read",
        "loaded",
        "quarantined",
        "superseded",
        "unaccounted",
        title="rows of every feed and month (of file date): read = loaded + quarantined + superseded",
    )
    for feed, month, *counts in rows:
        unaccounted = counts[-1]
        cells = [f"{n:,}" for n in counts[:-1]]
        table.add_row(feed, month, *cells, f"[red]{unaccounted:,}[/red]" if unaccounted else "0")
    console.print(table)
    lost = sum(r[-1] for r in rows)
    console.print(f"rows read {sum(r[3] for r in rows):,}, unaccounted {lost:,}")


def _command() -> str:
    """This command as the user typed it (``.venv/bin/scorecard`` from a new shell), so that the
    commands it prints run as printed."""
    typed = sys.argv[0] if sys.argv else ""
    return typed if Path(typed).name == "scorecard" else "scorecard"


def _print_schema_totals(path: Path) -> None:
    """Tables and rows per schema: the run's closing summary (every table: ``scorecard summary``)."""
    totals: dict[str, list[int]] = {}
    for schema, _, rows in warehouse_row_counts(path):
        total = totals.setdefault(schema, [0, 0])
        total[0] += 1
        total[1] += rows
    table = Table("schema", "tables", "rows", title=f"warehouse {path}")
    for schema, (tables, rows) in totals.items():
        table.add_row(schema, f"{tables:,}", f"{rows:,}")
    console.print(table)
    console.print(f"every table's rows: {_command()} summary")


def _print_summary(path: Path) -> None:
    table = Table("schema", "table", "rows", title=f"warehouse {path}")
    for schema, name, rows in warehouse_row_counts(path):
        table.add_row(schema, name, f"{rows:,}")
    console.print(table)


if __name__ == "__main__":
    app()
