"""The bad-input catalogue (``catalogue.py``) through the real pipeline: one Dagster run loads every
case's files (the raw assets with their GX checks, and the leads' staging model), then the parent
of a quarantined child arrives in a second run. Each case's outcome is read from the warehouse."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.ingest.discovery import landing_months
from dagster_project.ingest.load import load_feed
from dagster_project.pipeline import materialize_all, run_settings
from tests.conftest import query, tick_landing_sensor, write_delivery
from tests.master_data import write_master_data
from tests.reliability.catalogue import CASES, Case, Loaded, Rejected, csv_text, lead

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

FIRST_LOAD = (
    "SELECT status, rows_loaded, rows_quarantined, message FROM raw._file_ledger "
    "WHERE file_name = ? ORDER BY loaded_at LIMIT 1"
)


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("bad_inputs")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    write_master_data(landing)
    for case in CASES:
        case.write(landing)
    raw = dg.AssetSelection.key_prefixes(["raw"])
    first = materialize_all(
        run_settings(landing, warehouse, "2025-06", column_lineage=False), "2025-06", "2025-06", selection=raw
    )
    rules = {
        file: set(rule_list)
        for file, rule_list in query(
            warehouse,
            "SELECT file_name, flatten(list(string_split(rule, '; '))) "
            "FROM raw._quarantine GROUP BY file_name",
        )
    }
    # the application's lead arrives late: the application is re-evaluated in the next load
    write_delivery(landing, "leads", "2025-06-25", [lead("LLATE", "2025-06-20")])
    second = materialize_all(
        run_settings(landing, warehouse, "2025-06", column_lineage=False), "2025-06", "2025-06", selection=raw
    )
    # staging, where a business key delivered twice is resolved (its dbt tests may well fail on
    # this data: the views are what the cases read)
    materialize_all(
        run_settings(landing, warehouse, "2025-06", column_lineage=False),
        "2025-06",
        "2025-06",
        selection=dg.AssetSelection.assets(["staging", "stg_leads"]),
    )
    return {"landing": landing, "warehouse": warehouse, "runs": (first, second), "rules": rules}


def test_the_runs_end_with_every_step_done(zone: dict) -> None:
    for result in zone["runs"]:
        assert not result.get_step_failure_events(), [e.message for e in result.get_step_failure_events()]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_bad_input_has_its_expected_outcome(case: Case, zone: dict, tally: object) -> None:
    tally("bad_input")
    rows = query(zone["warehouse"], FIRST_LOAD, [case.file])
    assert rows, f"{case.file} was never recorded in the ledger"
    status, loaded, quarantined, message = rows[0]
    if isinstance(case.outcome, Rejected):
        assert status == "rejected", message
        assert case.outcome.reason in message and case.file.split("/")[1] in message, message
    else:
        assert status == "loaded", message
        assert (loaded, quarantined) == (case.outcome.loaded, case.outcome.quarantined), message
        assert zone["rules"].get(case.file, set()) == set(case.outcome.rules)
    for name, sql, expected in case.checks:
        assert tuple(query(zone["warehouse"], sql)[0]) == expected, name


def test_a_child_quarantined_before_its_parent_is_released_when_the_parent_arrives(zone: dict) -> None:
    (latest,) = query(
        zone["warehouse"],
        "SELECT status, rows_loaded, rows_quarantined, message FROM raw._file_ledger "
        "WHERE file_name = 'applications/applications_2025-06-20.csv' ORDER BY loaded_at DESC LIMIT 1",
    )
    assert latest[:3] == ("loaded", 1, 0) and latest[3].startswith("re-evaluated"), latest
    assert query(
        zone["warehouse"], "SELECT lead_id FROM raw.applications WHERE application_id = 'APLATE'"
    ) == [("LLATE",)]


def test_nothing_read_is_lost(zone: dict, tally: object) -> None:
    """Every row of every loaded file is in raw or in quarantine, by the loader's ledger and by
    Python's own CSV reader; the accounting view finds nothing unaccounted."""
    warehouse = zone["warehouse"]
    unaccounted = query(warehouse, "SELECT coalesce(sum(abs(rows_unaccounted)), 0) FROM raw._row_accounting")[
        0
    ][0]
    lost = int(unaccounted)
    for case in CASES:
        if isinstance(case.outcome, Loaded) and not case.file.endswith(".gz"):
            path = zone["landing"] / case.file
            text = path.read_bytes().decode("utf-8-sig" if case.id != "gbk" else "gbk", errors="replace")
            records = max(sum(1 for _ in csv.reader(text.splitlines(keepends=True))) - 1, 0)
            held = query(
                warehouse,
                f"SELECT (SELECT count(*) FROM raw.{case.file.split('/')[0]} WHERE _file_name = $f) "
                "+ (SELECT count(*) FROM raw._quarantine WHERE file_name = $f)",
                {"f": case.file},
            )[0][0]
            lost += abs(records - held)
    tally("accounting", count=0, rows_lost=lost)
    assert lost == 0


def test_a_future_file_opens_no_partition(zone: dict) -> None:
    assert landing_months(zone["landing"]) == ["2025-06"]


def test_a_file_still_being_written_is_not_loaded_half(tmp_path: Path, tally: object) -> None:
    """The sensor waits until a file stops changing; a load that finds the file changing under it
    loads nothing of it and records it ``in_flight``; once complete, it loads whole."""
    tally("bad_input")
    landing = tmp_path / "landing"
    write_master_data(landing)
    for delivered in landing.rglob("*.csv"):  # delivered an hour ago
        os.utime(delivered, (time.time() - 3600, time.time() - 3600))
    path = landing / "leads" / "leads_2025-06-02.csv"
    path.parent.mkdir()
    rows = [lead(f"W{i:05d}", "2025-06-02") for i in range(10_000)]
    text = csv_text(list(rows[0]), rows)
    path.write_text(text[: len(text) // 2], encoding="utf-8")  # the writer is halfway
    with dg.instance_for_test() as instance:
        ticked = tick_landing_sensor(landing, instance, None, settled=False)
        requested = " ".join(r.tags["scorecard/files"] for r in ticked.run_requests)
        assert "communities" in requested and "leads" not in requested

    rest = tmp_path / "rest_of_the_file.csv"
    rest.write_text(text[len(text) // 2 :], encoding="utf-8")
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "with open(sys.argv[1], 'a', encoding='utf-8') as f:\n"
            "    for line in open(sys.argv[2], encoding='utf-8'):\n"
            "        f.write(line); f.flush(); time.sleep(0.0005)\n",
            str(path),
            str(rest),
        ]
    )
    try:
        time.sleep(0.2)
        with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
            results = {r.file: r for r in load_feed(con, landing, "leads")}
            assert writer.poll() is None, "the writer finished before the load: make the file longer"
            assert results["leads/leads_2025-06-02.csv"].status == "in_flight"
            assert con.execute("SELECT count(*) FROM raw.leads").fetchone()[0] == 0
            writer.wait(timeout=120)
            results = {r.file: r for r in load_feed(con, landing, "leads")}
            assert results["leads/leads_2025-06-02.csv"].rows_loaded == 10_000
    finally:
        writer.kill()


def test_the_readme_lists_every_case() -> None:
    readme = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")
    assert [case.id for case in CASES if f"| `{case.id}` |" not in readme] == []
