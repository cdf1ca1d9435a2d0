"""Rules where code and rulebook once parted (issue 26), each on a small hand-made zone whose
expected values are worked out in the comments from its rows, not from the SQL.

``fidelity`` (May–July 2025; v1 in force, v2 from July): branch B1 (team T1) and B2 (team T2).
M1 (T1) owns K1. E1 (T1) owns K2 and their only history row ends on 2025-05-20. G1 owns K3: T1
until 2025-06-05, then nothing until a T2 row from 2025-06-25. A1 is T1's data analyst, S1 runs
the staff accounts SS1 (K1) and SS2 (K3). SS1 is also an ordinary member of K2.

``boundary`` (June–July 2025, v1): two questions of 06-30 answered on 07-01, one by a staff
account whose 07-01 is an excluded member-day (201 events), one on an ordinary day; June scored
by a full run and by June-only runs started before and after July's file arrived.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dagster_project.pipeline import materialize_all, run_settings
from dagster_project.settings import DEFAULT_TEMPLATES_DIR
from tests.conftest import query, scorecard_cli, write_delivery
from tests.integration.conftest import SCORING_ONLY
from tests.scoring_zone import write_role_template

JUNE, JULY = "2025-06-01", "2025-07-01"
STAFF_COLUMNS = [
    "membership_id",
    "community_id",
    "member_id",
    "client_id",
    "is_staff",
    "display_name",
    "phone",
    "joined_at",
    "left_at",
    "referrer_member_id",
    "staff_manager_id",
]
WITHOUT_STAFF_MANAGER = STAFF_COLUMNS[:-1]


def _manager(mid: str, team: str, role: str, since: str, until: str | None = None) -> dict:
    return {
        "manager_id": mid,
        "name": "某",
        "team_id": team,
        "role": role,
        "valid_from": since,
        "valid_to": until,
    }


def _membership(
    mid: str, community: str, member: str, staff_manager: str | None = None, **extra: object
) -> dict:
    return {
        "membership_id": mid,
        "community_id": community,
        "member_id": member,
        "client_id": None,
        "is_staff": "true" if staff_manager is not None else "false",
        "phone": "13900000000",
        "joined_at": "2024-06-01T10:00:00",
        "staff_manager_id": staff_manager,
        **extra,
    }


def _event(eid: str, at: str, community: str, member: str, kind: str = "message") -> dict:
    return {
        "event_id": eid,
        "occurred_at": at,
        "community_id": community,
        "member_id": member,
        "event_type": kind,
    }


def _survey(rid: str, community: str, member: str, score: int) -> dict:
    return {
        "response_id": rid,
        "community_id": community,
        "member_id": member,
        "submitted_at": "2025-07-15T10:00:00",
        "score": score,
    }


def _organisation(landing: Path, communities: dict[str, str], managers: list[dict]) -> None:
    write_delivery(
        landing,
        "branches",
        "2025-01-01",
        [
            {"branch_id": "B1", "branch_name": "一分行", "region": "华东"},
            {"branch_id": "B2", "branch_name": "二分行", "region": "华南"},
        ],
    )
    write_delivery(
        landing,
        "teams",
        "2025-01-01",
        [
            {"team_id": "T1", "branch_id": "B1", "team_name": "一组"},
            {"team_id": "T2", "branch_id": "B2", "team_name": "二组"},
        ],
    )
    write_delivery(landing, "managers", "2025-01-01", managers)
    write_delivery(
        landing,
        "communities",
        "2025-01-01",
        [
            {
                "community_id": k,
                "community_name": k,
                "platform": "wecom_group",
                "branch_id": "B1",
                "owner_manager_id": m,
                "target_segment": "general",
                "created_at": "2024-01-01T00:00:00",
            }
            for k, m in communities.items()
        ],
    )


def _events_by_day(landing: Path, events: list[dict]) -> None:
    by_day: dict[str, list[dict]] = {}
    for event in events:
        by_day.setdefault(event["occurred_at"][:10], []).append(event)
    for day, rows in by_day.items():
        write_delivery(landing, "engagement_events", day, rows)


def _templates(root: Path, v2_from: str | None) -> Path:
    templates = root / "templates"
    shutil.copytree(DEFAULT_TEMPLATES_DIR / "v1", templates / "v1")
    if v2_from:
        write_role_template(templates, "v2", status="active", effective_from=v2_from)
    return templates


def _indicator(warehouse: Path, month: str, level: str, entity: str, code: str) -> dict:
    rows = query(
        warehouse,
        "SELECT status, value, numerator, denominator, attainment FROM marts.scorecard_indicator "
        "WHERE period_month = ? AND entity_level = ? AND entity_id = ? AND indicator_code = ?",
        [month, level, entity, code],
    )
    assert len(rows) == 1, (month, level, entity, code, rows)
    return dict(zip(("status", "value", "numerator", "denominator", "attainment"), rows[0], strict=True))


def _scored_managers(warehouse: Path, month: str) -> set[str]:
    rows = query(
        warehouse,
        "SELECT entity_id FROM marts.scorecard WHERE period_month = ? AND entity_level = 'manager'",
        [month],
    )
    return {r[0] for r in rows}


# --------------------------------------------------------------------------- the fidelity zone


def _fidelity_zone(landing: Path) -> None:
    _organisation(
        landing,
        {"K1": "M1", "K2": "E1", "K3": "G1"},
        [
            _manager("M1", "T1", "community_operator", "2024-01-01"),
            _manager("E1", "T1", "community_operator", "2024-01-01", until="2025-05-20"),
            _manager("G1", "T1", "community_operator", "2024-01-01", until="2025-06-05"),
            _manager("G1", "T2", "community_operator", "2025-06-25"),
            _manager("A1", "T1", "data_analyst", "2024-01-01"),
            _manager("S1", "T1", "customer_service", "2024-01-01"),
        ],
    )
    write_delivery(
        landing,
        "memberships",
        "2025-05-01",
        [
            _membership("MS1", "K1", "U1"),
            _membership("MS2", "K2", "U2"),
            _membership("MS3", "K3", "U3"),
            _membership("MSS1n", "K2", "SS1"),  # SS1 is also an ordinary member of K2
            _membership("MSS1", "K1", "SS1", staff_manager="S1"),
            _membership("MSS2", "K3", "SS2", staff_manager="S1"),
        ],
        columns=STAFF_COLUMNS,
    )
    # MSS1 re-delivered with the column and an empty cell: from then on nobody's account
    write_delivery(
        landing,
        "memberships",
        "2025-06-20",
        [_membership("MSS1", "K1", "SS1", staff_manager="")],
        columns=STAFF_COLUMNS,
    )
    # MSS2 re-delivered by a file without the column: it stays S1's
    write_delivery(
        landing,
        "memberships",
        "2025-06-25",
        [_membership("MSS2", "K3", "SS2", is_staff="true")],
        columns=WITHOUT_STAFF_MANAGER,
    )
    _events_by_day(
        landing,
        [
            _event("F01", "2025-05-10T10:00:00", "K2", "U2"),
            _event("F02", "2025-06-10T10:00:00", "K1", "U1"),
            _event("F03", "2025-06-15T10:00:00", "K3", "U3"),  # G1's gap: their T1 row
            _event("F04", "2025-06-20T10:00:00", "K2", "U2"),  # after E1's only row ended: T1
            _event("F05", "2025-07-10T10:00:00", "K1", "U1"),
        ],
    )
    write_delivery(
        landing,
        "surveys",
        "2025-07-15",
        [
            _survey("R1", "K1", "SS1", 10),  # from SS1's staff account in K1: never counts
            _survey("R2", "K1", "U1", 0),  # K1's only counted response: NPS -100
        ],
    )


def _score_fidelity_zone(root: Path, warehouse_name: str) -> Path:
    landing, warehouse = root / "landing", root / warehouse_name
    _fidelity_zone(landing)
    result = materialize_all(
        run_settings(
            landing,
            warehouse,
            "2025-05",
            templates_dir=_templates(root, v2_from="2025-07"),
            column_lineage=False,
        ),
        "2025-05",
        "2025-07",
        selection=SCORING_ONLY,
    )
    assert result.success
    return warehouse


@pytest.fixture(scope="module")
def fidelity(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _score_fidelity_zone(tmp_path_factory.mktemp("fidelity"), "warehouse.duckdb")


def test_events_after_a_managers_last_row_or_in_a_gap_reach_the_team_of_the_row_before(
    fidelity: Path,
) -> None:
    attributed = dict(
        (r[0], r[1:])
        for r in query(
            fidelity,
            "SELECT event_id, manager_id, team_id, branch_id "
            "FROM intermediate.int_engagement_events_attributed",
        )
    )
    assert attributed["F04"] == ("E1", "T1", "B1")  # E1's only row ended on 05-20
    assert attributed["F03"] == ("G1", "T1", "B1")  # 06-15: between G1's rows, the T1 row holds
    # June, T1: members at period end of its communities on 06-30 are U1 (K1), U2 and SS1 (K2,
    # E1's last row is T1's); K3 is G1's T2 row by then. Active: U1 (06-10), U2 (06-20) -> 2 / 3
    active = _indicator(fidelity, JUNE, "team", "T1", "ACT_MONTHLY_ACTIVE_RATE")
    assert (active["numerator"], active["denominator"]) == (2, 3)


def test_a_manager_whose_rows_all_ended_before_the_month_is_not_scored(fidelity: Path) -> None:
    # v1 (May, June): E1 owns K2 in both; their only row overlaps May (until 05-20), not June
    assert "E1" in _scored_managers(fidelity, "2025-05-01")
    june = _scored_managers(fidelity, JUNE)
    assert "E1" not in june
    assert {"M1", "G1"} <= june  # G1's rows overlap June (until 06-05 and from 06-25)
    # v2 (July): by role; E1's rows all ended before July
    assert "E1" not in _scored_managers(fidelity, JULY)


def test_an_empty_staff_manager_cell_clears_the_account_a_file_without_the_column_does_not(
    fidelity: Path,
) -> None:
    staff = dict(
        query(
            fidelity,
            "SELECT membership_id, staff_manager_id FROM staging.stg_memberships WHERE is_staff",
        )
    )
    assert staff == {"MSS1": None, "MSS2": "S1"}


def test_survey_coverage_never_counts_a_staff_response(fidelity: Path) -> None:
    # July, A1 (T1 -> B1): B1's communities on 07-31 are K1 (M1) and K2 (E1's last row: T1);
    # their non-staff members at period end: U1, U2, SS1 (K2). Responses in them: R2 by U1 counts;
    # R1 is SS1's as K1's staff account and does not, although SS1 is a member of K2 -> 1 / 3
    coverage = _indicator(fidelity, JULY, "manager", "A1", "DA_SURVEY_COVERAGE")
    assert (coverage["numerator"], coverage["denominator"]) == (1, 3)


def test_attainment_is_floored_at_zero(fidelity: Path) -> None:
    # July, M1 (K1): R2 is a detractor and R1 (staff) does not count: NPS = -100; target 50
    nps = _indicator(fidelity, JULY, "manager", "M1", "BRAND_NPS")
    assert nps["value"] == -100
    assert nps["attainment"] == 0


# --------------------------------------------------------------------------- across a month boundary


def _boundary_zone(landing: Path, with_july: bool) -> None:
    _organisation(
        landing,
        {"K1": "M1", "K2": "M2"},
        [
            _manager("M1", "T1", "community_operator", "2024-01-01"),
            _manager("M2", "T1", "community_operator", "2024-01-01"),
        ],
    )
    write_delivery(
        landing,
        "memberships",
        "2025-06-01",
        [
            _membership("MS1", "K1", "U1"),
            _membership("MS2", "K2", "U2"),
            _membership("MSS1", "K1", "SS1", staff_manager="M1"),
            _membership("MSS2", "K2", "SS2", staff_manager="M2"),
        ],
        columns=STAFF_COLUMNS,
    )
    events = [
        _event("Q1", "2025-06-30T23:50:00", "K1", "U1", "question"),
        _event("Q2", "2025-06-30T23:00:00", "K2", "U2", "question"),
    ]
    if with_july:
        events += [
            # SS1's 07-01 holds 201 events (its own staff events count): an excluded member-day,
            # so this answer is no response and Q1 stays unanswered (10,080 minutes)
            _event("A1", "2025-07-01T00:10:00", "K1", "SS1", "answer"),
            *[
                _event(f"B{i:03d}", f"2025-07-01T10:{i // 60:02d}:{i % 60:02d}", "K1", "SS1", "reaction")
                for i in range(200)
            ],
            # an ordinary day: Q2 answered after 90 minutes
            _event("A2", "2025-07-01T00:30:00", "K2", "SS2", "answer"),
        ]
    _events_by_day(landing, events)


def _first_response(warehouse: Path) -> dict[str, float]:
    return {
        m: _indicator(warehouse, JUNE, "manager", m, "ACT_FIRST_RESPONSE_MIN")["value"] for m in ("M1", "M2")
    }


@pytest.fixture(scope="module")
def boundary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    root = tmp_path_factory.mktemp("boundary")
    templates = _templates(root, v2_from=None)

    def run(landing: Path, warehouse: Path, first: str, last: str) -> None:
        result = materialize_all(
            run_settings(landing, warehouse, first, templates_dir=templates, column_lineage=False),
            first,
            last,
            selection=SCORING_ONLY,
        )
        assert result.success

    full_landing, full = root / "full" / "landing", root / "full" / "warehouse.duckdb"
    _boundary_zone(full_landing, with_july=True)
    run(full_landing, full, "2025-06", "2025-07")

    landing, warehouse = root / "late" / "landing", root / "late" / "warehouse.duckdb"
    _boundary_zone(landing, with_july=False)
    run(landing, warehouse, "2025-06", "2025-06")
    _boundary_zone(landing, with_july=True)  # July's file arrives after June's last run
    run(landing, warehouse, "2025-06", "2025-06")
    june_only = _first_response(warehouse)
    run(landing, warehouse, "2025-07", "2025-07")
    run(landing, warehouse, "2025-06", "2025-06")
    return {"full": _first_response(full), "june_only": june_only, "after_july": _first_response(warehouse)}


@pytest.mark.slow  # five pipeline runs
def test_a_months_first_responses_do_not_depend_on_how_its_run_was_started(boundary: dict) -> None:
    assert boundary["full"] == {"M1": 10_080, "M2": 90}
    assert boundary["june_only"] == boundary["full"]  # July never built
    assert boundary["after_july"] == boundary["full"]  # July built, then June again


# --------------------------------------------------------------------------- any file name


@pytest.mark.slow  # a pipeline run of its own
def test_a_warehouse_file_named_after_a_schema_works(tmp_path: Path) -> None:
    """DuckDB names a database after its file: ``marts.duckdb`` made ``marts.scorecard`` ambiguous
    ("Binder Error: Ambiguous reference to catalog or schema") in every step that queried it."""
    warehouse = _score_fidelity_zone(tmp_path, "marts.duckdb")
    assert query(warehouse, "SELECT count(*) FROM marts.marts.scorecard")[0][0] > 0
    whatif = warehouse.with_name("whatif.duckdb")
    shutil.copy(warehouse, whatif)
    for path in (warehouse, whatif):
        scored = {"warehouse": path, "templates": tmp_path / "templates", "root": tmp_path}
        done = scorecard_cli(
            ["sql", "SELECT count(*) AS n FROM marts.scorecard WHERE entity_id = 'M1'"], scored
        )
        assert done.returncode == 0 and "3" in done.stdout, done.stdout + done.stderr
        done = scorecard_cli(["explain", "--month", "2025-06", "--entity", "manager:M1"], scored)
        assert done.returncode == 0 and "ACT_MONTHLY_ACTIVE_RATE" in done.stdout, done.stdout + done.stderr
    done = scorecard_cli(["whatif", "--month", "2025-06", "--template", "v2"], scored)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert query(whatif, "SELECT DISTINCT template_version FROM whatif.whatif.scorecard") == [("v2",)]
