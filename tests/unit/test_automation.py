"""Schedules and the landing sensor, evaluated with Dagster's test APIs."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from dagster_project.keys import PUBLISHED, REPUBLICATION_TAG
from dagster_project.partitions import month_partition, previous_month_partition, run_months
from dagster_project.schedules import daily_refresh, monthly_publication
from dagster_project.sensors import decode_cursor
from dagster_project.settings import LOCAL_TIMEZONE
from tests.conftest import tick_landing_sensor, write_delivery

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_partition_helpers_cross_the_year() -> None:
    assert month_partition(datetime(2025, 7, 15, 6, tzinfo=SHANGHAI)) == "2025-07-01"
    assert previous_month_partition(datetime(2025, 7, 3, 6, tzinfo=SHANGHAI)) == "2025-06-01"
    assert previous_month_partition(datetime(2026, 1, 3, 6, tzinfo=SHANGHAI)) == "2025-12-01"


def test_a_runs_months_come_from_its_partition_tags() -> None:
    ranged = {
        "dagster/asset_partition_range_start": "2025-11-01",
        "dagster/asset_partition_range_end": "2026-01-01",
    }
    assert [m.key for m in run_months(ranged)] == ["2025-11", "2025-12", "2026-01"]
    assert [m.key for m in run_months({"dagster/partition": "2025-03-01"})] == ["2025-03"]
    assert run_months({"other": "x"}) is None


def test_master_data_checks_cover_the_months_never_checked_or_touched_in_a_run_without_partitions() -> None:
    from dagster_project.ingest.load import FileResult
    from dagster_project.quality.assets import master_data_months
    from dagster_project.sql import query

    key, first, today = dg.AssetKey(["raw", "teams"]), date(2025, 1, 1), date(2025, 6, 20)
    con = duckdb.connect()

    def months(loads: list[FileResult], tags: dict[str, str] | None = None) -> list[str]:
        return [m.key for m in master_data_months(con, key, tags or {}, first, today, loads)]

    # nothing checked yet: every month from the first partition to the current one
    assert months([]) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    con.execute(query("quality/create_gate_results"))
    results = [
        (f"{month}-01", suite, "raw/teams")
        for month in ("2025-01", "2025-02", "2025-03", "2025-04")
        for suite in ("ingestion_health", "raw_teams")
    ]
    # May: one suite of the two only (not checked), and a result of another asset
    results += [("2025-05-01", "raw_teams", "raw/teams"), ("2025-05-01", "ingestion_health", "raw/branches")]
    for month, suite, guard in results:
        con.execute(
            "insert into quality.gate_results values (now(), 'r', ?, ?, ?, true, 0, 1, '[]')",
            [month, suite, guard],
        )
    assert months([]) == ["2025-05", "2025-06"]  # May half checked; the current month always
    loaded = FileResult("teams/teams_2025-02-01.csv", "loaded", months=("2025-02",))
    unchanged = FileResult("teams/teams_2025-03-01.csv", "unchanged", months=("2025-03",))
    assert months([loaded, unchanged]) == ["2025-02", "2025-05", "2025-06"]
    nowhere = FileResult("teams/teams.csv", "rejected")  # a rejected file pointing to no month
    assert len(months([nowhere])) == 6
    assert months([], {"dagster/partition": "2025-03-01"}) == ["2025-03"]  # a run with partitions


def test_the_daily_schedule_refreshes_the_current_month_at_six_in_shanghai(defs: dg.Definitions) -> None:
    assert daily_refresh.cron_schedule == "0 6 * * *" and daily_refresh.execution_timezone == "Asia/Shanghai"
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2025, 7, 15, 6, tzinfo=SHANGHAI),
        repository_def=defs.get_repository_def(),
    )
    (request,) = daily_refresh.evaluate_tick(context).run_requests
    assert (request.partition_key, request.run_key) == ("2025-07-01", "daily-2025-07-15")
    assert daily_refresh.job_name == "refresh_job"


def test_the_monthly_schedule_publishes_the_previous_month_on_the_third(defs: dg.Definitions) -> None:
    assert monthly_publication.cron_schedule == "0 6 3 * *"
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2025, 7, 3, 6, tzinfo=SHANGHAI),
        repository_def=defs.get_repository_def(),
    )
    (request,) = monthly_publication.evaluate_tick(context).run_requests
    assert request.partition_key == "2025-06-01" and monthly_publication.job_name == "publish_job"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    event = {"community_id": "K1", "member_id": "U1", "event_type": "message"}
    write_delivery(
        root,
        "engagement_events",
        "2025-01-31",
        [{**event, "event_id": "E1", "occurred_at": "2025-01-31T10:00:00"}],
    )
    write_delivery(
        root,
        "engagement_events",
        "2025-02-01",
        [{**event, "event_id": "E2", "occurred_at": "2025-02-01T10:00:00"}],
    )
    write_delivery(root, "leads", "2025-02-03", [{"lead_id": "L1"}])
    return root


def test_the_sensor_requests_the_touched_months_and_advances_its_cursor(landing: Path) -> None:
    with dg.instance_for_test() as instance:
        first = tick_landing_sensor(landing, instance, None)
        assert sorted((r.partition_key, r.tags["scorecard/files"]) for r in first.run_requests) == [
            ("2025-01-01", "engagement_events/engagement_events_2025-01-31.csv"),
            ("2025-02-01", "engagement_events/engagement_events_2025-02-01.csv, leads/leads_2025-02-03.csv"),
        ]
        assert len(decode_cursor(first.cursor)) == 3

        # nothing changed: no run, same cursor
        again = tick_landing_sensor(landing, instance, first.cursor)
        assert again.run_requests == [] and again.cursor == first.cursor

        # touched but identical content (new mtime, same bytes): hashed, not re-triggered
        path = landing / "leads" / "leads_2025-02-03.csv"
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000_000))
        touched = tick_landing_sensor(landing, instance, again.cursor)
        assert touched.run_requests == []

        # a re-delivered file with new content triggers its month only
        write_delivery(landing, "leads", "2025-02-03", [{"lead_id": "L1"}, {"lead_id": "L2"}])
        redelivered = tick_landing_sensor(landing, instance, touched.cursor)
        assert [r.partition_key for r in redelivered.run_requests] == ["2025-02-01"]
        assert REPUBLICATION_TAG not in redelivered.run_requests[0].tags


def test_a_late_file_for_a_published_month_is_flagged_for_republication(
    landing: Path, defs: dg.Definitions
) -> None:
    with dg.instance_for_test() as instance:
        cursor = tick_landing_sensor(landing, instance, None).cursor
        instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=PUBLISHED, partition="2025-01-01")
        )
        event = {"community_id": "K1", "member_id": "U1", "event_type": "message"}
        write_delivery(
            landing,
            "engagement_events",
            "2025-01-30",
            [{**event, "event_id": "E0", "occurred_at": "2025-01-30T10:00:00"}],
        )
        (request,) = tick_landing_sensor(landing, instance, cursor).run_requests
        assert request.partition_key == "2025-01-01" and request.tags[REPUBLICATION_TAG] == "2025-01"
    # rescored as provisional by the refresh job; no release touched
    assert defs.resolve_sensor_def("landing_zone").job_name == "refresh_job"


def test_a_schema_change_of_the_models_is_answered_with_the_full_refresh_to_run() -> None:
    from dagster_project.run_failures import StepFailure, failure_hints

    dbt = StepFailure(
        "dbt_monthly",
        "Errors parsed from dbt logs: The source and target schemas on this incremental model are "
        "out of sync!",
    )
    (hint,) = failure_hints([dbt], "2025-01:2025-06")
    assert "scorecard backfill --months 2025-01:2025-06 --full-refresh" in hint
    assert failure_hints([StepFailure("raw__leads", "boom")], "2025-01:2025-06") == []


def test_the_sensor_never_reads_a_link_out_of_the_zone_and_sends_refused_files_to_the_current_month(
    landing: Path, tmp_path: Path
) -> None:
    """A link out of the landing zone (even a dangling one) and a file dated in the future are
    not deliveries: never read, and recorded by a run of the current month, not of 2099."""
    (landing / "leads" / "leads_2025-02-04.csv").symlink_to(tmp_path / "gone.csv")  # dangling
    write_delivery(landing, "leads", "2099-01-01", [{"lead_id": "L9"}])
    with dg.instance_for_test() as instance:
        first = tick_landing_sensor(landing, instance, None)
        # the link was just made: it settles for a tick, like any file that just changed
        requests = [*first.run_requests, *tick_landing_sensor(landing, instance, first.cursor).run_requests]
    by_month: dict[str, str] = {}
    for request in requests:
        by_month[request.partition_key] = (
            by_month.get(request.partition_key, "") + request.tags["scorecard/files"]
        )
    current = month_partition(datetime.now(ZoneInfo(LOCAL_TIMEZONE)))
    assert (
        "leads/leads_2025-02-04.csv" in by_month[current]
        and "leads/leads_2099-01-01.csv" in by_month[current]
    )
    assert not any(key.startswith("2099") for key in by_month)


def test_a_rerun_has_nothing_to_do_only_when_months_build_landing_and_open_day_are_the_same(
    tmp_path: Path,
) -> None:
    from dagster_project.run_state import RunState, landing_fingerprint, nothing_to_do

    write_delivery(tmp_path, "engagement_events", "2025-06-03", [{"event_id": "E1"}])
    before = landing_fingerprint(tmp_path)
    closed = RunState("2025-01", "2025-06", "build", before, date(2025, 7, 2))
    assert nothing_to_do(closed, closed)
    assert not nothing_to_do(None, closed)
    # every month closed when it ran: a later day changes nothing
    assert nothing_to_do(closed, RunState("2025-01", "2025-06", "build", before, date(2025, 9, 1)))
    # June open when it ran: a new day scores it again (as of the new day); the same day does not
    opened = RunState("2025-01", "2025-06", "build", before, date(2025, 6, 20))
    assert not nothing_to_do(opened, RunState("2025-01", "2025-06", "build", before, date(2025, 6, 21)))
    assert nothing_to_do(opened, opened)
    # another month range, another build (code, template, suites, key)
    assert not nothing_to_do(closed, RunState("2025-01", "2025-07", "build", before, date(2025, 7, 2)))
    assert not nothing_to_do(closed, RunState("2025-01", "2025-06", "other", before, date(2025, 7, 2)))
    # a file touched, added or removed
    delivered = tmp_path / "engagement_events" / "engagement_events_2025-06-03.csv"
    os.utime(delivered, ns=(0, delivered.stat().st_mtime_ns + 1))
    assert landing_fingerprint(tmp_path) != before
    write_delivery(tmp_path, "leads", "2025-06-04", [{"lead_id": "L1"}])
    added = landing_fingerprint(tmp_path)
    (tmp_path / "leads" / "leads_2025-06-04.csv").unlink()
    assert len({before, added, landing_fingerprint(tmp_path)}) == 3


def test_the_build_fingerprint_follows_the_template_and_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from dagster_project.run_state import build_fingerprint
    from dagster_project.settings import DEFAULT_TEMPLATES_DIR

    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES_DIR, templates)
    monkeypatch.setenv("SCORECARD_PII_KEY", "k" * 32)
    first = build_fingerprint(templates)
    assert build_fingerprint(templates) == first
    indicators = next(templates.glob("*/indicators.csv"))
    indicators.write_text(indicators.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    edited = build_fingerprint(templates)
    monkeypatch.setenv("SCORECARD_PII_KEY", "j" * 32)
    assert len({first, edited, build_fingerprint(templates)}) == 3
