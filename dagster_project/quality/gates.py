"""Run the suites that guard an asset, month by month, and remember every result.

A *gate* is one suite on one asset it guards (``raw/leads:ingestion_health``). Results go to
``quality.gate_results`` (append-only): publication reads the latest result of every gate for
the month, so a month publishes only from data that passed, whichever run checked it.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb

from dagster_project.partitions import Month
from dagster_project.quality.gx_runner import (
    FailedExpectation,
    Outcome,
    build_data_docs,
    data_docs_index,
    validate,
)
from dagster_project.quality.suites import Suite, expected_gates, gate_name, load_suites
from dagster_project.sql import query, table_exists

if TYPE_CHECKING:  # pandas takes ~2 s to import: only the processes that validate pay for it
    import pandas as pd


def gx_root_for(warehouse: Path) -> Path:
    return warehouse.parent / "quality_gx"


def month_batch(
    con: duckdb.DuckDBPyConnection, suite: Suite, guard: str, month: Month, today: date
) -> pd.DataFrame:
    """The month's batch of ``suite`` for the asset ``guard`` (its own rows of a split batch)."""
    batch = suite.batch_sql(month.start, month.end, month.closed_on(today))
    if suite.split_by is None:
        return con.execute(batch).df()
    own_rows = duckdb.ColumnExpression(suite.split_by) == duckdb.ConstantExpression(suite.split_value(guard))
    return con.sql(batch).filter(own_rows).df()


def run_suite(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    guard: str,
    months: list[Month],
    today: date,
    gx_root: Path,
    run_id: str,
) -> dict[str, Outcome]:
    """Validate each month's batch (read with SQL, one month at a time)."""
    outcomes = {}
    for month in months:
        frame = month_batch(con, suite, guard, month, today)
        run_name = f"{run_id}-{month.key}-{guard.replace('/', '.')}"
        outcomes[month.key] = validate(frame, suite, gx_root, run_name=run_name)
    return outcomes


def record(
    con: duckdb.DuckDBPyConnection, suite: Suite, guard: str, outcomes: dict[str, Outcome], run_id: str
) -> None:
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
                guard,
                o.passed,
                o.rows,
                o.evaluated,
                json.dumps([f.as_dict() for f in o.failures], ensure_ascii=False),
            ]
            for month, o in outcomes.items()
        ],
    )


def check_result(
    suite: Suite, guard: str, outcomes: dict[str, Outcome], docs: Path | None
) -> dg.AssetCheckResult:
    """One Dagster check result for a suite on the asset ``guard`` over the months it validated."""
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
        asset_key=dg.AssetKey.from_user_string(guard),
        check_name=suite.name,
        passed=passed and not failing,
        severity=severity,
        metadata=metadata,
        description=f"{len(failing)} of {len(outcomes)} months with failed expectations" if failing else None,
    )


def run_checks(
    con: duckdb.DuckDBPyConnection,
    guard: str,
    suites: list[Suite],
    months: list[Month],
    today: date,
    warehouse: Path,
    run_id: str,
    refresh_index: bool = True,
) -> list[dg.AssetCheckResult]:
    """Run the suites that guard the asset ``guard`` for every month, record the results, add
    them to the Data Docs, and return one check result per suite.

    ``refresh_index``: rebuild the Data Docs' index too. GX builds it from every validation
    result ever stored, so its cost grows with the history: the raw feeds' steps (fourteen a run)
    render their own result pages only, and the marts' checks, which run once after them,
    refresh the index (built by any step when it does not exist yet)."""
    gx_root = gx_root_for(warehouse)
    results = {}
    for suite in suites:
        results[suite.name] = run_suite(con, suite, guard, months, today, gx_root, run_id)
        record(con, suite, guard, results[suite.name], run_id)
    result_ids = [o.result_id for r in results.values() for o in r.values()]
    docs = build_data_docs(gx_root, result_ids, refresh_index) if result_ids else None
    return [check_result(suite, guard, results[suite.name], docs) for suite in suites]


def recorded_check_result(
    con: duckdb.DuckDBPyConnection, suite: Suite, guard: str, run_id: str, warehouse: Path
) -> dg.AssetCheckResult:
    """The check result of a gate as the run recorded it (the gate step validated; the check
    reports it on the asset it tests): no result for the run is a failure, not a pass."""
    rows = con.execute(
        query("quality/run_gate_results"), {"run_id": run_id, "suite": suite.name, "guards": guard}
    ).fetchall()
    outcomes = {
        month: Outcome(
            suite.name, n_rows, evaluated, [FailedExpectation(**f) for f in json.loads(failures or "[]")]
        )
        for month, n_rows, evaluated, failures in rows
    }
    if not outcomes:
        return dg.AssetCheckResult(
            asset_key=dg.AssetKey.from_user_string(guard),
            check_name=suite.name,
            passed=False,
            description=f"the run {run_id} recorded no result of {suite.name} (no month of the run has rows)",
        )
    return check_result(suite, guard, outcomes, data_docs_index(gx_root_for(warehouse)))


def month_gate_status(con: duckdb.DuckDBPyConnection, month: date) -> dict[str, bool | None]:
    """Latest recorded result of every gate for the month (None: never checked)."""
    latest = {gate: passed for gate, passed, _ in latest_gate_results(con, month)}
    return {gate: latest.get(gate) for gate in expected_gates(load_suites())}


def latest_gate_results(con: duckdb.DuckDBPyConnection, month: date) -> list[tuple[str, bool, str | None]]:
    """``(gate, passed, failures as JSON)`` of the latest result of each gate for the month
    (none before any gate has run; a read-only connection will do)."""
    if not table_exists(con, "quality", "gate_results"):
        return []
    rows = con.execute(query("quality/latest_gate_results"), {"period_month": month}).fetchall()
    return [(gate_name(guard, suite), passed, failures) for guard, suite, passed, failures in rows]
