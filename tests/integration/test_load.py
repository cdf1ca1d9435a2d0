"""The landing-file loader against a real DuckDB file: quarantine, rejection, idempotency."""

from __future__ import annotations

import gzip
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest.load import load_feed
from dagster_project.stores import LakeTables, TableStore, WarehouseTables
from tests.conftest import write_delivery
from tests.master_data import write_master_data

LEAD = {
    "lead_id": "L1",
    "client_id": "C1",
    "created_at": "2025-01-05T10:00:00",
    "source_channel": "community",
    "source_community_id": "",
    "manager_id": "RM1",
    "product": "term_loan",
    "requested_amount": "1000000.00",
}


def _lead(**changes: object) -> dict[str, object]:
    return {**LEAD, **changes}


@pytest.fixture(params=["warehouse", "lake"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> TableStore:
    """Every test runs on both stores: the DuckDB file (target duckdb) and the lake (target spark);
    ``raw_con`` (``tests/conftest.py``) creates schema ``raw`` in it."""
    return WarehouseTables() if request.param == "warehouse" else LakeTables(tmp_path / "lake")


def _load_all(
    con: duckdb.DuckDBPyConnection, landing: Path, store: TableStore, *feeds: str
) -> dict[str, list]:
    return {feed: load_feed(con, landing, feed, store=store) for feed in feeds}


def test_bad_rows_are_quarantined_with_rule_line_and_text_and_the_rest_loads(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    write_master_data(landing)
    write_delivery(
        landing,
        "leads",
        "2025-01-05",
        [
            _lead(lead_id="L1"),
            _lead(lead_id="L2", created_at="2025-13-45T10:00:00"),  # unparseable date
            _lead(lead_id="L3", product="mortgage"),  # unknown enum
            _lead(lead_id="L4", requested_amount="-5.00"),  # negative amount
            _lead(lead_id=""),  # missing key
            _lead(lead_id="L6"),
        ],
    )
    write_delivery(
        landing,
        "applications",
        "2025-01-06",
        [
            {
                "application_id": "A1",
                "lead_id": "L1",
                "client_id": "C1",
                "submitted_at": "2025-01-06T09:00:00",
                "amount": "900000",
                "product": "term_loan",
            },
            {
                "application_id": "A2",
                "lead_id": "L404",
                "client_id": "C1",
                "submitted_at": "2025-01-06T09:00:00",
                "amount": "900000",
                "product": "term_loan",
            },  # unknown hard foreign key
        ],
    )
    results = _load_all(raw_con, landing, store, "leads", "applications")

    assert [r.rows_loaded for r in results["leads"]] == [2]
    assert [r.rows_quarantined for r in results["leads"]] == [4]
    assert raw_con.execute("SELECT lead_id FROM raw.leads ORDER BY 1").fetchall() == [
        ("L1",),
        ("L6",),
    ]
    quarantined = raw_con.execute(
        "SELECT file_name, line_number, rule, raw_text FROM raw._quarantine ORDER BY file_name, line_number"
    ).fetchall()
    assert [(q[0], q[1], q[2]) for q in quarantined] == [
        ("applications/applications_2025-01-06.csv", 3, "unknown_foreign_key:lead_id"),
        ("leads/leads_2025-01-05.csv", 3, "unparseable_timestamp:created_at"),
        ("leads/leads_2025-01-05.csv", 4, "unknown_enum:product"),
        ("leads/leads_2025-01-05.csv", 5, "negative_value:requested_amount"),
        ("leads/leads_2025-01-05.csv", 6, "missing_key:lead_id"),
    ]
    assert "2025-13-45T10:00:00" in quarantined[1][3]
    assert "mortgage" in quarantined[2][3]
    assert raw_con.execute("SELECT application_id FROM raw.applications").fetchall() == [("A1",)]


def test_a_malformed_csv_line_is_quarantined_and_its_neighbours_keep_their_line_numbers(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    path = write_delivery(landing, "leads", "2025-01-05", [_lead(lead_id="L1"), _lead(lead_id="L3")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "L2,C1,2025-01-05T10:00:00,community,,RM1,term_loan,1.00,one-too-many")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    load_feed(raw_con, landing, "leads", store=store)

    assert raw_con.execute("SELECT lead_id, _line_number FROM raw.leads ORDER BY 1").fetchall() == [
        ("L1", 2),
        ("L3", 4),
    ]
    rule, line, text = raw_con.execute("SELECT rule, line_number, raw_text FROM raw._quarantine").fetchone()
    assert (line, rule) == (3, "malformed_csv_line: too many columns")
    assert "one-too-many" in text


def test_reloading_unchanged_files_changes_nothing(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    write_delivery(landing, "leads", "2025-01-05", [_lead(lead_id="L1"), _lead(lead_id="L2", product="x")])
    first = load_feed(raw_con, landing, "leads", store=store)
    snapshot = raw_con.execute("SELECT * FROM raw.leads ORDER BY lead_id").fetchall()
    second = load_feed(raw_con, landing, "leads", store=store)

    assert [r.status for r in first] == ["loaded"]
    assert [r.status for r in second] == ["unchanged"]
    assert raw_con.execute("SELECT * FROM raw.leads ORDER BY lead_id").fetchall() == snapshot
    assert raw_con.execute("SELECT count(*) FROM raw._quarantine").fetchone() == (1,)
    assert raw_con.execute("SELECT count(*) FROM raw._file_ledger").fetchone() == (1,)


def test_a_redelivered_file_replaces_its_earlier_rows_and_quarantine(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    rows = [_lead(lead_id="L1"), _lead(lead_id="L2", requested_amount="-1"), _lead(lead_id="L3")]
    write_delivery(landing, "leads", "2025-01-05", rows)
    load_feed(raw_con, landing, "leads", store=store)
    write_delivery(
        landing,
        "leads",
        "2025-01-05",
        [_lead(lead_id="L1"), _lead(lead_id="L2", requested_amount="250.50")],
    )
    (result,) = load_feed(raw_con, landing, "leads", store=store)

    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 2, 0)
    assert raw_con.execute("SELECT lead_id, requested_amount FROM raw.leads ORDER BY 1").fetchall() == [
        ("L1", Decimal("1000000.00")),
        ("L2", Decimal("250.50")),
    ]
    assert raw_con.execute("SELECT count(*) FROM raw._quarantine").fetchone() == (0,)
    assert raw_con.execute("SELECT status FROM raw._file_ledger ORDER BY loaded_at").fetchall() == [
        ("loaded",),
        ("loaded",),
    ]


def test_a_file_missing_a_contract_column_is_rejected_whole(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    columns = [c for c in LEAD if c != "product"]
    write_delivery(landing, "leads", "2025-01-05", [_lead()], columns=columns)
    (result,) = load_feed(raw_con, landing, "leads", store=store)

    assert result.status == "rejected"
    assert (
        "leads_2025-01-05.csv" in result.message and "missing contract column(s): product" in result.message
    )
    assert raw_con.execute("SELECT count(*) FROM raw.leads").fetchone() == (0,)
    assert raw_con.execute("SELECT status, message FROM raw._file_ledger").fetchone()[0] == "rejected"


def test_a_gbk_file_is_decoded_not_loaded_as_mojibake(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    write_delivery(
        landing,
        "branches",
        "2025-01-01",
        [{"branch_id": "B1", "branch_name": "杭州分行", "region": "华东"}],
        encoding="gbk",
    )
    (result,) = load_feed(raw_con, landing, "branches", store=store)

    assert result.status == "loaded"
    assert raw_con.execute("SELECT branch_name, region FROM raw.branches").fetchall() == [
        ("杭州分行", "华东")
    ]
    assert raw_con.execute("SELECT encoding FROM raw._file_ledger").fetchone() == ("gb18030",)


def test_a_file_in_no_decodable_encoding_is_rejected_whole(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    path = write_delivery(
        landing,
        "branches",
        "2025-01-01",
        [{"branch_id": "B1", "branch_name": "杭州分行", "region": "华东"}],
        encoding="gbk",
    )
    path.write_bytes(path.read_bytes() + b"B2,\xff\xfe\x80,x\n")  # bytes neither UTF-8 nor GBK
    (result,) = load_feed(raw_con, landing, "branches", store=store)

    assert result.status == "rejected"
    assert str(path) in result.message and "GBK" in result.message
    assert raw_con.execute("SELECT count(*) FROM raw.branches").fetchone() == (0,)


def test_a_truncated_gzip_is_rejected_and_a_good_one_loads(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    csv_path = write_delivery(landing, "leads", "2025-01-05", [_lead(lead_id=f"L{i}") for i in range(500)])
    payload = gzip.compress(csv_path.read_bytes())
    csv_path.unlink()
    (landing / "leads" / "leads_2025-01-05.csv.gz").write_bytes(payload)
    (landing / "leads" / "leads_2025-01-06.csv.gz").write_bytes(payload[: len(payload) // 2])

    results = {r.file: r for r in load_feed(raw_con, landing, "leads", store=store)}

    assert results["leads/leads_2025-01-05.csv.gz"].rows_loaded == 500
    bad = results["leads/leads_2025-01-06.csv.gz"]
    assert bad.status == "rejected" and "leads_2025-01-06.csv.gz" in bad.message


def test_parquet_deliveries_load(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    csv_path = write_delivery(landing, "leads", "2025-01-05", [_lead(lead_id="L1"), _lead(lead_id="L2")])
    target = csv_path.with_name("leads_2025-01-05.parquet")
    raw_con.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar=true)) TO '{target}' (FORMAT parquet)"
    )
    csv_path.unlink()
    (result,) = load_feed(raw_con, landing, "leads", store=store)
    assert (result.status, result.rows_loaded) == ("loaded", 2)


def _events_landing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, store: TableStore
) -> tuple[Path, dict[str, str]]:
    """A landing zone whose communities are loaded, and an event of K1 to vary."""
    landing = tmp_path / "landing"
    write_master_data(landing)
    load_feed(con, landing, "communities", store=store)
    return landing, {"community_id": "K1", "member_id": "U1", "event_type": "message"}


def test_timestamps_with_an_offset_are_converted_to_local_time(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing, event = _events_landing(raw_con, tmp_path, store)
    write_delivery(
        landing,
        "engagement_events",
        "2025-05-31",
        [
            {
                **event,
                "event_id": "E1",
                "occurred_at": "2025-05-31T20:00:00Z",
            },  # a June event locally
            {**event, "event_id": "E2", "occurred_at": "2025-05-31T20:00:00+08:00"},
            {**event, "event_id": "E3", "occurred_at": "2025-05-31T20:00:00"},  # no offset: local
        ],
    )
    load_feed(raw_con, landing, "engagement_events", store=store)
    assert raw_con.execute(
        "SELECT event_id, occurred_at FROM raw.engagement_events ORDER BY 1"
    ).fetchall() == [
        ("E1", datetime(2025, 6, 1, 4, 0)),
        ("E2", datetime(2025, 5, 31, 20, 0)),
        ("E3", datetime(2025, 5, 31, 20, 0)),
    ]


@pytest.mark.parametrize("name", ["leads_20250105.csv", "leads_2025-02-30.csv", "notes.txt"])
def test_misnamed_files_are_recorded_as_rejected(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "landing" / "leads"
    folder.mkdir(parents=True)
    (folder / name).write_text("lead_id\nL1\n", encoding="utf-8")
    (result,) = load_feed(raw_con, tmp_path / "landing", "leads", store=store)
    assert result.status == "rejected" and name in result.message


# --------------------------------------------------------------------------- files that are not loaded


def _rejected_files(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, tuple[int, str | None]]:
    """The ingestion-health gate's rejected-file count and names per feed, for a month."""
    from dagster_project.partitions import months_between
    from dagster_project.quality.suites import suites_guarding

    (suite,) = [s for s in suites_guarding("raw/engagement_events") if s.name == "ingestion_health"]
    (m,) = months_between(date.fromisoformat(f"{month}-01"), date.fromisoformat(f"{month}-02"))
    frame = con.execute(suite.batch_sql(m.start, m.end, True)).df()
    return {
        row.feed: (row.rejected_files, row.rejected_file_names)
        for row in frame.itertuples()
        if row.rejected_files
    }


def test_a_misnamed_file_is_rejected_in_a_windowed_load_and_holds_back_the_month_it_points_to(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing, event = _events_landing(raw_con, tmp_path, store)
    write_delivery(
        landing,
        "engagement_events",
        "2025-06-14",
        [{**event, "event_id": "E1", "occurred_at": "2025-06-14T10:00:00"}],
    )
    good = write_delivery(
        landing,
        "engagement_events",
        "2025-06-15",
        [{**event, "event_id": "E2", "occurred_at": "2025-06-15T10:00:00"}],
    )
    good.rename(good.with_name("engagement_events_20250615.csv"))  # the date in another format
    # a July window (a partitioned run of July) used to skip it silently: it is recorded all the same
    results = load_feed(
        raw_con, landing, "engagement_events", date(2025, 7, 1), date(2025, 8, 1), store=store
    )

    assert [(r.file, r.status, r.months) for r in results] == [
        ("engagement_events/engagement_events_20250615.csv", "rejected", ("2025-06",))
    ]
    ledger = raw_con.execute(
        "SELECT file_name, status, attributed_months FROM raw._file_ledger WHERE feed = 'engagement_events'"
    ).fetchall()
    assert ledger == [("engagement_events/engagement_events_20250615.csv", "rejected", "2025-06")]
    load_feed(raw_con, landing, "engagement_events", store=store)  # the June file loads; June is held back
    assert _rejected_files(raw_con, "2025-06") == {
        "engagement_events": (1, "engagement_events/engagement_events_20250615.csv")
    }
    assert _rejected_files(raw_con, "2025-05") == {}


def test_a_misnamed_file_with_no_date_in_its_name_points_to_the_months_of_its_rows(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    path = write_delivery(
        landing,
        "leads",
        "2025-01-05",
        [
            _lead(lead_id="L1", created_at="2025-03-31T20:00:00Z"),
            _lead(lead_id="L2", created_at="2025-02-10T09:00:00"),
        ],
    )
    path.rename(path.with_name("leads_latest.csv"))
    (result,) = load_feed(raw_con, landing, "leads", store=store)
    # 2025-03-31T20:00Z is 04-01 04:00 in Shanghai: April and February, not March
    assert (result.status, result.months) == ("rejected", ("2025-02", "2025-04"))
    assert _rejected_files(raw_con, "2025-04") == {"leads": (1, "leads/leads_latest.csv")}
    assert _rejected_files(raw_con, "2025-03") == {}


def test_a_rejected_file_pointing_nowhere_holds_back_every_month_until_it_is_removed(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    write_master_data(landing)
    (landing / "teams" / "teams_latest.csv").write_text(
        "team_id,branch_id,team_name\nT9,B1,九组\n", encoding="utf-8"
    )
    results = {r.file: r for r in load_feed(raw_con, landing, "teams", store=store)}
    assert results["teams/teams_latest.csv"].status == "rejected"
    assert results["teams/teams_latest.csv"].months == ()  # master data: no month in name or content
    # master data with a bad name used to escape the gate (its file date is null)
    for month in ("2025-01", "2025-06"):
        assert _rejected_files(raw_con, month) == {"teams": (1, "teams/teams_latest.csv")}

    (landing / "teams" / "teams_latest.csv").unlink()  # resolved: the file is taken back
    (withdrawn,) = load_feed(raw_con, landing, "teams", store=store)[-1:]
    assert (withdrawn.file, withdrawn.status) == ("teams/teams_latest.csv", "withdrawn")
    assert _rejected_files(raw_con, "2025-06") == {}
    assert load_feed(raw_con, landing, "teams", store=store)[-1].status == "unchanged"  # recorded once


def test_files_in_a_folder_that_names_no_feed_are_rejected_and_hold_back_their_months(
    raw_con: duckdb.DuckDBPyConnection, store: TableStore, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    # a typo drops a whole feed's folder; a feed not read yet; a file left at the top level
    typo = write_delivery(landing, "compliance_events", "2025-06-03", [])
    typo.parent.rename(landing / "compliance_event")
    unread = landing / "score_disputes" / "score_disputes_2025-06-05.csv"
    unread.parent.mkdir()
    unread.write_text("dispute_id\nD1\n", encoding="utf-8")
    (landing / "leads_2025-05-02.csv").write_text("lead_id\nL1\n", encoding="utf-8")

    results = _load_all(raw_con, landing, store, "compliance_events", "communities", "leads")
    (typo_result,) = results["compliance_events"]
    assert (typo_result.file, typo_result.status, typo_result.months) == (
        "compliance_event/compliance_events_2025-06-03.csv",
        "rejected",
        ("2025-06",),
    )
    assert "names no feed of the contract (closest: compliance_events)" in typo_result.message
    assert "move it to compliance_events/" in typo_result.message
    (unread_result,) = results["communities"]
    assert (unread_result.file, unread_result.status) == (
        "score_disputes/score_disputes_2025-06-05.csv",
        "rejected",
    )
    (top_level,) = results["leads"]
    assert (top_level.file, top_level.months) == ("leads_2025-05-02.csv", ("2025-05",))
    assert "top level" in top_level.message
    assert _rejected_files(raw_con, "2025-06") == {
        "communities": (1, "score_disputes/score_disputes_2025-06-05.csv"),
        "compliance_events": (1, "compliance_event/compliance_events_2025-06-03.csv"),
    }
    assert _rejected_files(raw_con, "2025-05") == {"leads": (1, "leads_2025-05-02.csv")}

    (landing / "compliance_event").rename(landing / "compliance_events")  # moved where it belongs
    statuses = {r.file: r.status for r in load_feed(raw_con, landing, "compliance_events", store=store)}
    assert statuses == {
        "compliance_events/compliance_events_2025-06-03.csv": "loaded",
        "compliance_event/compliance_events_2025-06-03.csv": "withdrawn",
    }
    assert "compliance_events" not in _rejected_files(raw_con, "2025-06")
