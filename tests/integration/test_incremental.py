"""The six-month demo backfill (tests/integration/conftest.py), then one day lands late: the
sensor asks for that month only, and the run rebuilds that month only (the incremental models
replace the month's rows and nothing else).

The proof that other months are not rebuilt: after the backfill, rows of May and June are
marked in place (a value no build would write); after the one-day run, May's marks are still
there and June's are gone, and June holds the new day's events.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.pipeline import failure_messages
from dagster_project.resources import LandingZone, Warehouse
from tests.conftest import LATE_FILE, query, tick_landing_sensor

#: End-to-end runs of the whole pipeline (minutes each): `make test-slow`, which .ci/run also runs.
pytestmark = pytest.mark.slow

MARK = -7

#: (table, month column, marked column) of incremental models, from event grain to scores.
MARKED = [
    ("intermediate.int_engagement_events_attributed", "period_month", "activity_weight"),
    ("marts.fct_engagement_daily", "activity_month", "member_day_event_count"),
    ("marts.scorecard_indicator", "period_month", "points"),
]


def _mark(warehouse: Path, month: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for table, month_column, column in MARKED:
            con.execute(f"UPDATE {table} SET {column} = {MARK} WHERE {month_column} = DATE '{month}'")


def _marked_months(warehouse: Path) -> dict[str, set[str]]:
    found = {}
    for table, month_column, column in MARKED:
        rows = query(warehouse, f"SELECT DISTINCT {month_column} FROM {table} WHERE {column} = {MARK}")
        found[table] = {str(month) for (month,) in rows}
    return found


def _events_per_month(warehouse: Path) -> dict[str, int]:
    rows = query(
        warehouse,
        "SELECT activity_month, sum(event_count) FROM marts.fct_engagement_daily GROUP BY ALL",
    )
    return {str(month): int(events) for month, events in rows}


@pytest.fixture(scope="module")
def late_day(
    demo_runs: dict, tmp_path_factory: pytest.TempPathFactory, defs: dg.Definitions
) -> dict[str, object]:
    """On a copy of the backfilled demo: mark May and June, deliver the held-back June day, let
    the landing sensor see it and run what it requests."""
    root = tmp_path_factory.mktemp("incremental")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    shutil.copytree(demo_runs["landing"], landing)
    shutil.copy(demo_runs["warehouse"], warehouse)
    before = _events_per_month(warehouse)
    _mark(warehouse, "2025-05-01")
    _mark(warehouse, "2025-06-01")

    instance = dg.DagsterInstance.ephemeral()
    caught_up = tick_landing_sensor(landing, instance, None)
    shutil.copy(demo_runs["later"] / LATE_FILE, landing / "engagement_events" / LATE_FILE)
    (request,) = tick_landing_sensor(landing, instance, caught_up.cursor).run_requests
    one_day = defs.resolve_job_def(request.job_name or "refresh_job").execute_in_process(
        partition_key=request.partition_key,
        tags=request.tags,
        instance=instance,
        resources={
            "warehouse": Warehouse(path=str(warehouse)),
            "landing": LandingZone(path=str(landing)),
        },
        raise_on_error=False,
    )
    return {
        "warehouse": warehouse,
        "request": request,
        "one_day": one_day,
        "before": before,
        "instance": instance,
    }


def _monthly_dbt_logs(instance: dg.DagsterInstance, run_id: str, prefix: str) -> list[str]:
    return [
        entry.user_message
        for entry in instance.all_logs(run_id)
        if entry.step_key == "dbt_monthly" and entry.user_message.startswith(prefix)
    ]


def test_the_backfill_builds_all_six_months_with_one_dbt_build(demo_runs: dict) -> None:
    backfill = demo_runs["first"]
    assert backfill.success
    scored = query(demo_runs["warehouse"], "SELECT DISTINCT period_month FROM marts.scorecard ORDER BY 1")
    assert [str(m) for (m,) in scored] == [f"2025-0{m}-01" for m in range(1, 7)]
    (command,) = _monthly_dbt_logs(demo_runs["instance"], backfill.run_id, "Running dbt command")
    (window,) = _monthly_dbt_logs(demo_runs["instance"], backfill.run_id, "dbt partition window")
    assert "SCORECARD_PARTITION_START=2025-01-01, SCORECARD_PARTITION_END=2025-07-01" in window
    # the warehouse reaches dbt from the run's resource (--vars), not from the environment
    assert f'{{"warehouse": "{demo_runs["warehouse"].resolve()}"}}' in command


def test_the_late_file_requests_its_month_only(late_day: dict) -> None:
    request = late_day["request"]
    assert request.partition_key == "2025-06-01"
    assert request.tags["scorecard/files"] == f"engagement_events/{LATE_FILE}"


def test_the_one_day_run_rebuilds_only_the_affected_month(late_day: dict) -> None:
    one_day = late_day["one_day"]
    assert one_day.success, failure_messages(one_day)
    assert _marked_months(late_day["warehouse"]) == {table: {"2025-05-01"} for table, _, _ in MARKED}

    materialized = one_day.get_asset_materialization_events()
    monthly = {
        e.asset_key.to_user_string(): e.partition
        for e in materialized
        if e.asset_key.path[0] in ("intermediate", "marts") and e.partition is not None
    }
    assert monthly["marts/scorecard"] == "2025-06-01"
    assert set(monthly.values()) == {"2025-06-01"}
    raw_events = [e for e in materialized if e.asset_key == dg.AssetKey(["raw", "engagement_events"])]
    assert [e.partition for e in raw_events] == ["2025-06-01"]


def test_the_new_day_reaches_the_affected_month_and_no_other(late_day: dict) -> None:
    before, after = late_day["before"], _events_per_month(late_day["warehouse"])
    late_rows = query(
        late_day["warehouse"],
        "SELECT count(*) FROM raw.engagement_events WHERE _file_name LIKE ?",
        [f"%{LATE_FILE}"],
    )[0][0]
    assert late_rows > 0 and after["2025-06-01"] == before["2025-06-01"] + late_rows
    assert {m: n for m, n in after.items() if m != "2025-06-01"} == {
        m: n for m, n in before.items() if m != "2025-06-01"
    }


def test_the_dbt_step_passes_the_partition_window_to_dbt(late_day: dict) -> None:
    (window,) = _monthly_dbt_logs(late_day["instance"], late_day["one_day"].run_id, "dbt partition window")
    assert "SCORECARD_PARTITION_START=2025-06-01, SCORECARD_PARTITION_END=2025-07-01" in window
