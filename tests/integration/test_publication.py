"""Quality gates and append-only publication, end to end on a generated landing zone.

One story, run once for the module: January and February publish; a late event re-delivered
for February republishes it as a new release; a March leads file corrupted beyond the
quarantine threshold fails the gate, so March is not published, while the provisional marts
are still built and the earlier releases stay as they were.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.demo.generate import generate
from dagster_project.pipeline import gate_failures, materialize_all, run_settings, step_failures
from dagster_project.publish import verify
from dagster_project.publish.assets import MONTHS_PUBLISHED_CHECK
from tests.conftest import query

#: End-to-end runs of the whole pipeline (minutes each): `make test-slow`, which .ci/run also runs.
pytestmark = pytest.mark.slow

RELEASES = (
    "SELECT release_id, period_month, content_hash, row_count FROM published.scorecard_release ORDER BY 1"
)


def _append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")  # as the generator writes
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in header})


def _verified(warehouse: Path) -> list[tuple[int, bool]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [(v.release_id, v.ok) for v in verify(con)]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("publication")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    generate(landing, scale=0.01, start="2025-01", months=3, seed=5, show_progress=False)
    state: dict = {"root": root, "landing": landing, "warehouse": warehouse}

    state["clean"] = materialize_all(
        run_settings(landing, warehouse, "2025-01", column_lineage=False), "2025-01", "2025-02"
    )
    state["releases_clean"] = query(warehouse, RELEASES)

    late_file = landing / "engagement_events" / "engagement_events_2025-02-28.csv"
    with late_file.open(newline="", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    _append_rows(
        late_file,
        [
            {
                **first,
                "event_id": "E-LATE-1",
                "occurred_at": "2025-02-28T23:30:00",
                "event_type": "event_attend",
                "content_id": "",
                "reply_to_event_id": "",
            }
        ],
    )
    state["late"] = materialize_all(
        run_settings(landing, warehouse, "2025-02", column_lineage=False), "2025-02", "2025-02"
    )
    state["releases_late"] = query(warehouse, RELEASES)

    march_leads = sorted((landing / "leads").glob("leads_2025-03-*.csv"))[0]
    with march_leads.open(newline="", encoding="utf-8") as handle:
        lead = next(csv.DictReader(handle))
    _append_rows(
        march_leads, [{**lead, "lead_id": f"L-BAD-{i}", "requested_amount": "-1000"} for i in range(5)]
    )
    state["instance"] = dg.DagsterInstance.ephemeral()
    state["corrupt"] = materialize_all(
        run_settings(landing, warehouse, "2025-03", column_lineage=False),
        "2025-03",
        "2025-03",
        instance=state["instance"],
    )
    state["releases_corrupt"] = query(warehouse, RELEASES)
    return state


def test_a_clean_run_publishes_each_closed_month_once(story: dict) -> None:
    assert story["clean"].success
    months = [str(r[1])[:7] for r in story["releases_clean"]]
    assert months == ["2025-01", "2025-02"]
    assert _verified(story["warehouse"])[:2] == [(1, True), (2, True)]
    gates = query(story["warehouse"], "SELECT DISTINCT suite FROM quality.gate_results WHERE passed")
    assert {"ingestion_health", "raw_leads", "marts_scorecard", "marts_scorecard_indicator"} <= {
        g for (g,) in gates
    }


def test_late_data_republishes_as_a_new_release_and_the_old_one_still_verifies(story: dict) -> None:
    assert story["late"].success
    releases = story["releases_late"]
    assert [r[0] for r in releases] == [1, 2, 3]
    february = [r for r in releases if str(r[1]).startswith("2025-02")]
    assert len(february) == 2 and february[0][2] != february[1][2]  # a different content hash
    assert releases[:2] == story["releases_clean"]  # the earlier releases are untouched
    assert _verified(story["warehouse"]) == [(1, True), (2, True), (3, True)]
    # both releases of February are kept, each with its own rows
    counts = query(
        story["warehouse"], "SELECT release_id, count(*) FROM published.scorecard GROUP BY 1 ORDER BY 1"
    )
    assert [c[0] for c in counts] == [1, 2, 3] and counts[1][1] == counts[2][1]


def test_a_feed_corrupted_beyond_the_threshold_stops_publication_of_its_month(story: dict) -> None:
    result = story["corrupt"]
    # no step fails: publication ran, released nothing for March and said why in its check (the
    # provisional marts are built, below)
    assert result.success and step_failures(result) == []
    (held,) = [e for e in result.get_asset_check_evaluations() if e.check_name == MONTHS_PUBLISHED_CHECK]
    assert not held.passed
    assert "2025-03: gates not passed: raw/leads:ingestion_health" in held.description
    report = "\n".join(gate_failures(result))
    assert "ingestion_health" in report and "quarantine_rate" in report and '"feed": "leads"' in report
    assert query(story["warehouse"], "SELECT rule, count(*) FROM raw._quarantine GROUP BY 1") == [
        ("negative_value:requested_amount", 5)
    ]
    # no release for March, the earlier ones untouched and still verifying
    assert story["releases_corrupt"] == story["releases_late"]
    assert _verified(story["warehouse"]) == [(1, True), (2, True), (3, True)]
    # the provisional marts are still built from the rows that loaded
    assert query(
        story["warehouse"], "SELECT count(*) > 0 FROM marts.scorecard WHERE period_month = '2025-03-01'"
    ) == [(True,)]


def test_verify_detects_a_rewritten_release_and_the_commands_report_it(story: dict, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.duckdb"
    shutil.copy(story["warehouse"], tampered)
    with duckdb.connect(str(tampered)) as con:
        con.execute("UPDATE published.scorecard SET final_score = final_score + 1 WHERE release_id = 2")
    assert _verified(tampered) == [(1, True), (2, False), (3, True)]

    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    run = [sys.executable, "-m", "dagster_project.cli"]
    good = subprocess.run(
        [*run, "verify", "--warehouse", str(story["warehouse"])],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert good.returncode == 0 and "3 releases verified, 0 mismatched" in good.stdout
    bad = subprocess.run(
        [*run, "verify", "--warehouse", str(tampered)], env=env, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 1 and "release 2 (2025-02): MISMATCH content hash" in bad.stdout
    listed = subprocess.run(
        [*run, "releases", "--warehouse", str(story["warehouse"])],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0 and "2025-02" in listed.stdout


def test_gx_data_docs_are_built_for_auditors(story: dict) -> None:
    index = story["root"] / "quality_gx" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert index.exists() and "ingestion_health" in index.read_text(encoding="utf-8")
    check = next(e for e in story["clean"].get_asset_check_evaluations() if e.check_name == "marts_scorecard")
    assert check.passed and check.metadata["gx_data_docs"].value.endswith("index.html")
