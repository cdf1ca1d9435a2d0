"""Run the suites that guard an asset, month by month, and remember every result.

Results go to ``quality.gate_results`` (append-only): publication reads the latest result of
every gate for the month, so a month publishes only from data that passed, whichever run
checked it.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.partitions import Month
from dagster_project.quality.gx_runner import Outcome, build_data_docs, validate
from dagster_project.quality.suites import Suite
from dagster_project.sql import query, table_exists


def gx_root_for(warehouse: Path) -> Path:
    return warehouse.parent / "quality_gx"


def run_suite(
    con: duckdb.DuckDBPyConnection, suite: Suite, months: list[Month], today: date, gx_root: Path, run_id: str
) -> dict[str, Outcome]:
    """Validate each month's batch (read with SQL, one month at a time) and record the results."""
    outcomes = {}
    for month in months:
        frame = con.execute(suite.batch_sql(month.start, month.end, month.closed_on(today))).df()
        outcomes[month.key] = validate(frame, suite, gx_root, run_name=f"{run_id}-{month.key}")
    return outcomes


def record(con: duckdb.DuckDBPyConnection, suite: Suite, outcomes: dict[str, Outcome], run_id: str) -> None:
    con.execute(query("quality/create_gate_results"))
    now = datetime.now()
    con.executemany(
        query("quality/insert_gate_result"),
        [
            [
                now,
                run_id,
                f"{month}-01",
                suite.name,
                "/".join(suite.guards),
                o.passed,
                o.rows,
                o.evaluated,
                json.dumps([f.as_dict() for f in o.failures], ensure_ascii=False),
            ]
            for month, o in outcomes.items()
        ],
    )


def check_result(suite: Suite, outcomes: dict[str, Outcome], docs: Path | None) -> dg.AssetCheckResult:
    """One Dagster check result for a suite over the months it validated."""
    failing = {m: o for m, o in outcomes.items() if o.failures}
    passed = all(o.passed for o in outcomes.values())
    lines = [
        f"- **{month}** `{f.expectation}` on `{f.column}` ({f.severity}): {f.unexpected_count} unexpected; "
        f"sample {json.dumps(f.sample_keys, ensure_ascii=False)}" + (f" — {f.why}" if f.why else "")
        for month, outcome in failing.items()
        for f in outcome.failures
    ]
    metadata: dict[str, dg.MetadataValue] = {
        "months_validated": dg.MetadataValue.text(", ".join(outcomes) or "none"),
        "rows_validated": dg.MetadataValue.int(sum(o.rows for o in outcomes.values())),
        "failed_expectations": dg.MetadataValue.md("\n".join(lines) or "none"),
        "unexpected_count": dg.MetadataValue.int(
            sum(f.unexpected_count for o in outcomes.values() for f in o.failures)
        ),
        "suite_file": dg.MetadataValue.path(str(suite.path)),
    }
    if docs is not None:
        metadata["gx_data_docs"] = dg.MetadataValue.url(docs.as_uri())
    severity = dg.AssetCheckSeverity.ERROR if not passed else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        check_name=suite.name,
        passed=passed and not failing,
        severity=severity,
        metadata=metadata,
        description=f"{len(failing)} of {len(outcomes)} months with failed expectations" if failing else None,
    )


def run_gate(
    con: duckdb.DuckDBPyConnection,
    suites: list[Suite],
    months: list[Month],
    today: date,
    warehouse: Path,
    run_id: str,
) -> tuple[dict[str, dict[str, Outcome]], Path]:
    """Run every suite for every month, record the results, and rebuild the Data Docs."""
    gx_root = gx_root_for(warehouse)
    results = {}
    for suite in suites:
        results[suite.name] = run_suite(con, suite, months, today, gx_root, run_id)
        record(con, suite, results[suite.name], run_id)
    return results, build_data_docs(gx_root)


def month_gate_status(
    con: duckdb.DuckDBPyConnection, month: date, suites: list[Suite]
) -> dict[str, bool | None]:
    """Latest recorded result of each suite for the month (None: never checked)."""
    latest = {suite: passed for suite, passed, _ in latest_gate_results(con, month)}
    return {s.name: latest.get(s.name) for s in suites}


def latest_gate_results(con: duckdb.DuckDBPyConnection, month: date) -> list[tuple[str, bool, str | None]]:
    """``(suite, passed, failures as JSON)`` of the latest result of each suite for the month
    (none before any gate has run; a read-only connection will do)."""
    if not table_exists(con, "quality", "gate_results"):
        return []
    return con.execute(query("quality/latest_gate_results"), {"period_month": month}).fetchall()
