"""Real end-to-end runs: Dagster materializes every asset and dbt builds (and tests) the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.cli import GATE_FAILED_EXIT_CODE
from dagster_project.ingest.feeds import FEEDS
from dagster_project.pipeline import materialize_all, run_settings
from tests.conftest import query, table_counts, write_delivery
from tests.master_data import write_master_data

#: End-to-end runs of the whole pipeline (minutes each): `make test-slow`, which .ci/run also runs.
pytestmark = pytest.mark.slow

PII_COLUMNS = {c.name for feed in FEEDS.values() for c in feed.columns if c.pii}


def test_every_layer_is_populated_and_every_dbt_test_passes(demo_runs: dict) -> None:
    assert demo_runs["first"].success and demo_runs["second"].success
    counts = demo_runs["counts_first"]
    for table in (
        "raw.engagement_events",
        "raw.leads",
        "staging.stg_memberships",
        "staging.stg_engagement_events",
        "marts.fct_engagement_daily",
        "marts.fct_loan_funnel",
        "marts.fct_loan_month_end",
        "marts.dim_client",
        "marts.dim_manager",
        "marts.dim_community",
        "marts.dim_branch",
    ):
        assert counts[table] > 0, table
    checks = [e for e in demo_runs["first"].all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert len(checks) > 50
    failed = [
        e.event_specific_data.check_name
        for e in checks
        if not e.event_specific_data.passed and e.event_specific_data.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert failed == []


def test_running_a_backfill_twice_changes_nothing(demo_runs: dict) -> None:
    assert table_counts(demo_runs["warehouse"]) == demo_runs["counts_first"]
    releases = query(
        demo_runs["warehouse"], "SELECT release_id, content_hash FROM published.scorecard_release"
    )
    assert releases == demo_runs["releases_first"] and len(releases) == 6
    # unchanged files are skipped, not reloaded
    assert (
        query(demo_runs["warehouse"], "SELECT count(*) FROM raw._file_ledger")[0][0]
        == demo_runs["ledger_first"]
    )


def test_row_counts_and_quarantine_counts_are_asset_metadata(demo_runs: dict) -> None:
    materializations = demo_runs["first"].get_asset_materialization_events()
    events = {tuple(m.asset_key.path): m.materialization.metadata for m in materializations}
    meta = events[("raw", "engagement_events")]
    assert meta["rows_loaded"].value == demo_runs["counts_first"]["raw.engagement_events"]
    assert meta["rows_quarantined"].value == 0
    assert meta["files_rejected"].value == 0


def test_no_pii_column_or_value_reaches_the_marts(demo_runs: dict) -> None:
    warehouse = demo_runs["warehouse"]
    columns = query(
        warehouse,
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE table_schema IN ('staging', 'intermediate', 'marts')",
    )
    assert [c for c in columns if c[2] in PII_COLUMNS] == []
    # no raw PII value appears in any text column of the marts
    pii_values = {
        v
        for (v,) in query(
            warehouse,
            "SELECT uscc FROM raw.clients UNION SELECT phone FROM raw.memberships "
            "UNION SELECT display_name FROM raw.memberships UNION SELECT name FROM raw.managers",
        )
    }
    for schema, table, column in columns:
        if schema != "marts":
            continue
        values = {
            v
            for (v,) in query(warehouse, f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM {schema}.{table}')
        }
        assert not values & pii_values, f"{schema}.{table}.{column} holds PII"
    hashed = query(warehouse, "SELECT uscc_hmac FROM marts.dim_client LIMIT 1")[0][0]
    assert len(hashed) == 64


# --------------------------------------------------------------------------- hand-made zone


def _member(
    mid: str, community: str, client: str | None, joined: str, staff: bool = False
) -> dict[str, object]:
    return {
        "membership_id": f"MS-{mid}-{community}",
        "community_id": community,
        "member_id": mid,
        "client_id": client,
        "is_staff": "true" if staff else "false",
        "display_name": "张三",
        "phone": "13800000000",
        "joined_at": joined,
    }


def _event(eid: str, member: str, community: str, at: str) -> dict[str, object]:
    return {
        "event_id": eid,
        "occurred_at": at,
        "community_id": community,
        "member_id": member,
        "event_type": "message",
    }


def _lead(lead_id: str, client: str, source: str | None = None, amount: str = "100.00") -> dict[str, object]:
    return {
        "lead_id": lead_id,
        "client_id": client,
        "created_at": "2025-02-15T12:00:00",
        "source_channel": "other",
        "source_community_id": source,
        "manager_id": "RM1",
        "product": "term_loan",
        "requested_amount": amount,
    }


@pytest.fixture(scope="module")
def handmade(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hand-made landing zone, run through `scorecard run` configured by env vars only."""
    root = tmp_path_factory.mktemp("handmade")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    write_master_data(landing)
    write_delivery(
        landing,
        "memberships",
        "2025-01-01",
        [
            _member("U1", "K1", "C1", "2024-06-01T09:00:00"),
            _member("U2", "K1", "C2", "2025-01-10T09:00:00"),  # one community, by joining
            _member("U3", "K2", "C3", "2025-01-05T09:00:00"),  # two: a join ...
            _member("U6", "K3", "C6", "2024-01-01T09:00:00"),  # joined outside the 180-day window
            _member("S1", "K1", None, "2024-01-01T09:00:00", staff=True),
        ],
    )
    write_delivery(
        landing,
        "engagement_events",
        "2025-01-20",
        [
            _event("E1", "U3", "K3", "2025-01-20T10:00:00"),  # ... and an event
            _event("E2", "U4", "K4", "2025-01-03T10:00:00"),  # four communities for C4
            _event("E3", "U4", "K1", "2025-01-04T10:00:00"),
            _event("E4", "U4", "K2", "2025-01-05T10:00:00"),
            _event("E5", "U4", "K3", "2025-01-06T10:00:00"),
            _event("E6", "U5", "K3", "2025-01-07T10:00:00"),  # C5: a tie at the first touch ...
            _event("E7", "U5", "K2", "2025-01-07T10:00:00"),
            _event("E8", "U5", "K1", "2025-01-08T10:00:00"),  # ... and a third community later
            _event("E9", "U8", "K1", "2025-02-16T10:00:00"),  # after the lead: not a touch
        ],
    )
    # members U4, U5 and U8 are linked to their clients through a membership in K5 joined long ago
    write_delivery(
        landing,
        "memberships",
        "2025-01-02",
        [
            _member("U4", "K5", "C4", "2023-01-01T09:00:00"),
            _member("U5", "K5", "C5", "2023-01-01T09:00:00"),
            _member("U8", "K5", "C8", "2023-01-01T09:00:00"),
        ],
    )
    write_delivery(
        landing,
        "leads",
        "2025-02-15",
        [
            _lead("L_EXPLICIT", "C1", source="K5"),
            _lead("L_ONE", "C2", amount="100.00"),
            _lead("L_TWO", "C3"),
            _lead("L_FOUR", "C4"),
            _lead("L_TIE", "C5"),
            _lead("L_NONE", "C6"),
            _lead("L_AFTER", "C8"),
            _lead("L_ONE", "C2", amount="150.00"),  # the same key later in the same file wins ...
        ],
    )
    write_delivery(
        landing, "leads", "2025-02-20", [_lead("L_ONE", "C2", amount="200.00")]
    )  # ... a later file more so
    env = {
        **os.environ,
        "SCORECARD_LANDING_DIR": str(landing),
        "SCORECARD_WAREHOUSE": str(warehouse),
        "SCORECARD_COLUMN_LINEAGE": "false",  # under test on the demo runs
    }
    env.pop("DAGSTER_HOME", None)

    def scorecard_run() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "dagster_project.cli", "run"],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
        )

    completed = scorecard_run()
    # built, but a hand-made zone without a file for every day fails the freshness gate: not published
    assert completed.returncode == GATE_FAILED_EXIT_CODE, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "quality gates failed" in completed.stdout and "last_day_file_present" in completed.stdout
    ledger = query(warehouse, "SELECT count(*) FROM raw._file_ledger")
    # the same command again, nothing new: nothing is done, and it says so with the same outcome
    again = scorecard_run()
    assert again.returncode == GATE_FAILED_EXIT_CODE, again.stdout[-3000:] + again.stderr[-3000:]
    assert "nothing new since run" in again.stdout and "materializing" not in again.stdout
    assert "held back" in again.stdout
    assert query(warehouse, "SELECT count(*) FROM raw._file_ledger") == ledger
    return warehouse


def _shares(warehouse: Path, lead: str) -> list[tuple[str, float]]:
    rows = query(
        warehouse,
        "SELECT community_id, share FROM marts.fct_lead_attribution WHERE lead_id = ? ORDER BY touch_order",
        [lead],
    )
    return [(c, round(s, 9)) for c, s in rows]


def test_attribution_explicit_source_gets_everything(handmade: Path) -> None:
    assert _shares(handmade, "L_EXPLICIT") == [("K5", 1.0)]


def test_attribution_one_and_two_touched_communities(handmade: Path) -> None:
    assert _shares(handmade, "L_ONE") == [("K1", 1.0)]
    assert _shares(handmade, "L_TWO") == [("K2", 0.5), ("K3", 0.5)]


def test_attribution_three_or_more_gives_40_first_40_last_and_splits_20(handmade: Path) -> None:
    assert _shares(handmade, "L_FOUR") == [("K4", 0.4), ("K1", 0.1), ("K2", 0.1), ("K3", 0.4)]
    # tied first touches are ordered by community_id
    assert _shares(handmade, "L_TIE") == [("K2", 0.4), ("K3", 0.2), ("K1", 0.4)]


def test_no_touch_in_the_window_is_not_community_business(handmade: Path) -> None:
    assert _shares(handmade, "L_NONE") == []
    assert _shares(handmade, "L_AFTER") == []
    flags = dict(query(handmade, "SELECT lead_id, is_community_business FROM marts.fct_loan_funnel"))
    assert flags["L_NONE"] is False and flags["L_FOUR"] is True


def test_the_latest_delivery_of_a_key_wins(handmade: Path) -> None:
    assert query(handmade, "SELECT requested_amount FROM staging.stg_leads WHERE lead_id = 'L_ONE'") == [
        (200,)
    ]
    assert query(handmade, "SELECT count(*) FROM marts.fct_loan_funnel WHERE lead_id = 'L_ONE'") == [(1,)]


def test_dbt_assets_carry_row_counts_code_versions_and_column_lineage(
    demo_runs: dict, defs: dg.Definitions
) -> None:
    materializations = {
        tuple(m.asset_key.path): m for m in demo_runs["first"].get_asset_materialization_events()
    }
    mart = materializations[("marts", "fct_loan_funnel")].materialization.metadata
    assert mart["dagster/row_count"].value == demo_runs["counts_first"]["marts.fct_loan_funnel"]
    node = defs.resolve_asset_graph().get(dg.AssetKey(["marts", "fct_loan_funnel"]))
    assert node.code_version  # the model's checksum: changed SQL shows as changed in the UI

    scorecard = materializations[("marts", "scorecard")].materialization.metadata
    columns = {c.name for c in scorecard["dagster/column_schema"].schema.columns}
    assert {"final_score", "grade", "incentive_multiplier"} <= columns
    lineage = scorecard["dagster/column_lineage"].lineage.deps_by_column
    assert dg.AssetKey(["marts", "scorecard_indicator"]) in {d.asset_key for d in lineage["base_points"]}


def test_a_months_scores_do_not_depend_on_how_its_run_was_started(demo_runs: dict, tmp_path: Path) -> None:
    """A run of April and May alone loads every delivered file, as the six-month backfill did:
    January's leads (April's CONV_LEAD_TO_APP cohort is m - 3), June's answers and disbursements
    (May's first responses, pull-through). So both months publish the very same content."""
    warehouse = tmp_path / "april_may.duckdb"
    result = materialize_all(run_settings(demo_runs["landing"], warehouse, "2025-04"), "2025-04", "2025-05")
    assert result.success
    releases = (
        "SELECT period_month, content_hash FROM published.scorecard_release "
        "WHERE period_month IN ('2025-04-01', '2025-05-01') ORDER BY 1"
    )
    assert len(query(warehouse, releases)) == 2
    assert query(warehouse, releases) == query(demo_runs["warehouse"], releases)
    materialized = {
        tuple(m.asset_key.path): m.materialization.metadata for m in result.get_asset_materialization_events()
    }
    outside = materialized[("raw", "leads")]["files_loaded_outside_the_run_months"].value
    assert "leads/leads_2025-01-" in outside  # said in the run's metadata
    # this warehouse's file (so its DuckDB database) is not named like the one the dbt manifest was
    # parsed for: the column lineage is still built against it, for every dbt model of the run
    models = {
        key: meta for key, meta in materialized.items() if key[0] in ("staging", "intermediate", "marts")
    }
    assert len(models) > 40
    assert [key for key, meta in models.items() if "dagster/column_lineage" not in meta] == []


def test_a_run_that_delivered_no_master_data_does_not_rebuild_it(demo_runs: dict) -> None:
    """The second run saw the same files: the master-data step skipped dbt and reported its assets
    as built by the first run (the monthly set was rebuilt: its window is the run's months)."""

    def materialized(run: dg.ExecuteInProcessResult, key: str) -> dict:
        events = [e for e in run.get_asset_materialization_events() if e.asset_key.to_user_string() == key]
        return events[0].materialization.metadata  # a monthly asset has one per month: alike here

    first, second = demo_runs["first"], demo_runs["second"]
    assert "rebuilt" not in materialized(first, "marts/dim_manager")
    dim_manager = materialized(second, "marts/dim_manager")
    assert dim_manager["rebuilt"].value is False and dim_manager["built_by_run"].value == first.run_id
    assert dim_manager["dagster/row_count"].value == demo_runs["counts_first"]["marts.dim_manager"]
    assert "rebuilt" not in materialized(second, "marts/scorecard")
