"""Faults: `scorecard run` killed (SIGKILL) in ingestion, in `dbt build` and in publication, two runs
at once, a corrupted template, a read-only and a full disk. After each, the warehouse must be
consistent, and a plain rerun must end where a run that never failed ends."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.demo.generate import generate
from dagster_project.ingest.feeds import FEEDS
from dagster_project.keys import PUBLISHED
from dagster_project.pipeline import materialize_all, run_settings
from dagster_project.publish import verify
from dagster_project.settings import DEFAULT_TEMPLATES_DIR
from tests.reliability.pii_scan import file_texts, pii_values, text_hits

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

MONTHS = "2025-01:2025-02"


def cli(args: list[str], warehouse: Path, landing: Path, **env: str) -> subprocess.Popen[str]:
    """``scorecard <args>`` as an operator starts it (its own session, so a kill takes dbt too)."""
    environ = {
        **os.environ,
        "SCORECARD_WAREHOUSE": str(warehouse),
        "SCORECARD_LANDING_DIR": str(landing),
        "SCORECARD_COLUMN_LINEAGE": "false",
        **env,
    }
    environ.pop("DAGSTER_HOME", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", *args],
        env=environ,
        cwd=warehouse.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def run(warehouse: Path, landing: Path, **env: str) -> subprocess.CompletedProcess[str]:
    proc = cli(["run", "--months", MONTHS], warehouse, landing, **env)
    out, _ = proc.communicate(timeout=900)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, "")


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.2)


def run_log(warehouse: Path) -> str:
    logs = sorted((warehouse.parent / "logs").glob("run-*.log"), key=lambda p: p.stat().st_mtime)
    return logs[-1].read_text(encoding="utf-8", errors="replace") if logs else ""


def inconsistencies(warehouse: Path) -> tuple[int, list[str]]:
    """(rows lost, problems) of a warehouse after a fault: raw rows loaded twice, rows read and
    not accounted for, releases whose stored rows do not match their hash."""
    problems = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for feed in FEEDS:
            doubled = con.execute(
                f"SELECT count(*) - count(DISTINCT (_file_name, _line_number)) FROM raw.{feed}"
            ).fetchone()[0]
            if doubled:
                problems.append(f"raw.{feed}: {doubled} rows loaded twice")
        lost = con.execute(
            "SELECT coalesce(sum(abs(rows_unaccounted)), 0) FROM raw._row_accounting"
        ).fetchone()[0]
        has_releases = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'published'"
        ).fetchone()[0]
        if has_releases:
            problems += [f"release {c.release_id}: {c.problem}" for c in verify(con) if not c.ok]
    return int(lost), problems


def releases(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT period_month, content_hash FROM published.scorecard_release ORDER BY release_id"
        ).fetchall()


def marts_differences(warehouse: Path, reference: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
        return sum(
            con.execute(
                f"SELECT count(*) FROM ((SELECT * FROM marts.{t} EXCEPT ALL SELECT * FROM ref.marts.{t}) "
                f"UNION ALL (SELECT * FROM ref.marts.{t} EXCEPT ALL SELECT * FROM marts.{t}))"
            ).fetchone()[0]
            for t in ("scorecard", "scorecard_indicator")
        )


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("faults") / "landing"
    generate(landing, scale=0.005, start="2025-01", months=2, seed=11, show_progress=False)
    return landing


@pytest.fixture(scope="module")
def reference(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The same landing zone run once, with no fault."""
    warehouse = tmp_path_factory.mktemp("reference") / "warehouse.duckdb"
    done = run(warehouse, landing)
    assert done.returncode in (0, 3), done.stdout[-3000:]
    return {"warehouse": warehouse, "returncode": done.returncode, "releases": releases(warehouse)}


def test_kills_in_ingestion_dbt_and_publication_leave_a_warehouse_a_rerun_completes(
    landing: Path, reference: dict, tmp_path: Path, tally: object
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"

    # ingestion: killed inside the 30th file's transaction; meanwhile a second run is refused
    killed = cli(["run", "--months", MONTHS], warehouse, landing, SCORECARD_FAILPOINT="load.before_commit:30")
    wait_for(
        lambda: warehouse.with_name(warehouse.name + ".run.json").exists(), 120, "the first run to start"
    )
    second = run(warehouse, landing)
    assert second.returncode == 1 and f"in use by the run of PID {killed.pid}" in second.stdout, second.stdout
    killed.communicate(timeout=600)
    assert killed.returncode == -signal.SIGKILL
    lost, problems = inconsistencies(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        committed = con.execute("SELECT count(*) FROM raw._file_ledger WHERE status = 'loaded'").fetchone()[0]
    tally("fault", rows_lost=lost)
    assert (lost, problems, committed) == (0, [], 29)

    # dbt: the whole process group killed a few seconds into the monthly build
    killed = cli(["run", "--months", MONTHS], warehouse, landing)
    wait_for(lambda: "dbt_monthly - Running dbt command" in run_log(warehouse), 600, "the monthly dbt build")
    time.sleep(4)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=60)
    lost, problems = inconsistencies(warehouse)
    tally("fault", rows_lost=lost)
    assert (lost, problems) == (0, [])

    # publication: killed inside the first release's transaction, after its rows were written
    killed = cli(["run", "--months", MONTHS], warehouse, landing, SCORECARD_FAILPOINT="publish.before_commit")
    killed.communicate(timeout=900)
    assert killed.returncode == -signal.SIGKILL
    lost, problems = inconsistencies(warehouse)
    tally("fault", rows_lost=lost)
    assert (lost, problems, releases(warehouse)) == (0, [], [])

    # a plain rerun ends where the run that never failed ended
    done = run(warehouse, landing)
    assert done.returncode == reference["returncode"], done.stdout[-3000:]
    assert releases(warehouse) == reference["releases"]
    assert marts_differences(warehouse, reference["warehouse"]) == 0
    assert inconsistencies(warehouse) == (0, [])

    # the run logs of all five runs hold neither PII nor the key
    logs = file_texts(warehouse.parent / "logs", ("*.log",))
    assert len(logs) >= 4  # the refused run may share a second, and so a file, with another
    hits = text_hits(logs, pii_values(landing))
    hits += [where for where, text in logs.items() if os.environ["SCORECARD_PII_KEY"] in text]
    tally("security", pii_hits=len(hits))
    assert hits == []


def test_a_corrupted_template_stops_the_run_before_it_starts_naming_file_row_and_field(
    landing: Path, reference: dict, tmp_path: Path, tally: object
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES_DIR, templates)
    indicators = next(templates.glob("v1/indicators.csv"))
    lines = indicators.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index("weight")] = "heavy"
    lines[2] = ",".join(cells)
    indicators.write_text("\n".join(lines) + "\n", encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(reference["warehouse"], warehouse)
    before = marts_differences(warehouse, reference["warehouse"])
    done = run(warehouse, landing, SCORECARD_TEMPLATES_DIR=str(templates))
    assert done.returncode == 1
    assert "indicators.csv" in done.stdout and "row 3" in done.stdout and "weight" in done.stdout, done.stdout
    assert marts_differences(warehouse, reference["warehouse"]) == before == 0  # nothing scored
    assert "materializing" not in done.stdout  # refused before the run started
    tally("fault")


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A 4 MiB tmpfs (root only; CI runs as root on this machine)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a tmpfs here (not root?): the disk cases need one")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_or_read_only_disk_is_refused_with_a_clear_message(
    landing: Path, small_disk: Path, tally: object
) -> None:
    warehouse = small_disk / "warehouse.duckdb"
    full = run(warehouse, landing)
    assert full.returncode == 1 and "is full" in full.stdout and "Traceback" not in full.stdout, full.stdout
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    read_only = run(warehouse, landing)
    assert read_only.returncode == 1 and "not writable" in read_only.stdout, read_only.stdout
    assert "Traceback" not in read_only.stdout
    tally("fault", count=2)


def test_rerunning_a_month_ten_times_leaves_identical_marts_and_one_release(
    landing: Path, reference: dict, tmp_path: Path, tally: object
) -> None:
    """On a copy of the reference warehouse, February rescored once (its scorecard marts and their
    blocking checks) and then published ten times in a row: the marts equal the reference's, and
    the month keeps its one release (a full rescoring costs ~40 s of fixed dbt and GX start-up
    whatever the data, so it is done once; publication, which could add releases, ten times)."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(reference["warehouse"], warehouse)
    scoring = dg.AssetSelection.assets(["marts", "scorecard"], ["marts", "scorecard_indicator"])
    for selection in [scoring | dg.AssetSelection.assets(PUBLISHED)] + [
        dg.AssetSelection.assets(PUBLISHED)
    ] * 9:
        result = materialize_all(
            run_settings(landing, warehouse, "2025-02", column_lineage=False),
            "2025-02",
            "2025-02",
            selection=selection,
        )
        assert result.success, [e.message for e in result.get_step_failure_events()]
    assert marts_differences(warehouse, reference["warehouse"]) == 0
    assert releases(warehouse) == reference["releases"]
    assert [month for month, _ in releases(warehouse)].count(date(2025, 2, 1)) == 1
    tally("fault", count=0)
