"""One run, one policy: a month a gate of the *marts* fails is held back in the run that scored it,
and the other months are published by that same run (no second run, nothing blocked).

A generated zone of two months, scored under a template whose copy in force from February pays
grade D ×3.5, above the 3 the marts' suite allows (`expectations/marts_scorecard.json`,
`incentive_multiplier` between 0 and 3): February's scorecards fail the marts gate, January's
pass. Expected: the run succeeds; January is released by it, February is not; the marts' check
reports the failure on `marts/scorecard`; publication's check names February; the views and the
report follow in the same run.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.demo.generate import generate
from dagster_project.keys import GATE_RESULTS, PUBLISHED, SCORECARD, SCORECARD_REPORT
from dagster_project.pipeline import RUN_JOB, materialize_all, run_settings
from dagster_project.publish.assets import MONTHS_PUBLISHED_CHECK
from dagster_project.settings import DEFAULT_TEMPLATES_DIR
from tests.conftest import query

pytestmark = pytest.mark.slow


def _overpaying_templates(root: Path) -> Path:
    """v1, and its copy `v1x` in force from 2025-02 with grade D's multiplier 3.5."""
    folder = root / "templates"
    shutil.copytree(DEFAULT_TEMPLATES_DIR / "v1", folder / "v1")
    shutil.copytree(DEFAULT_TEMPLATES_DIR / "v1", folder / "v1x")
    with (folder / "v1x" / "template.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [
                ("template_version", "effective_from", "status", "description"),
                ("v1x", "2025-02", "active", "D ×3.5"),
            ]
        )
    grades = folder / "v1x" / "grades.csv"
    grades.write_text(grades.read_text(encoding="utf-8").replace("D,0,0.5", "D,0,3.5"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("one_run")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    generate(landing, scale=0.01, start="2025-01", months=2, seed=5, show_progress=False)
    settings = run_settings(
        landing, warehouse, "2025-01", templates_dir=_overpaying_templates(root), column_lineage=False
    )
    result = materialize_all(settings, "2025-01", "2025-02")
    return {"result": result, "warehouse": warehouse, "root": root}


def test_the_run_succeeds_as_the_named_job(run: dict) -> None:
    result: dg.ExecuteInProcessResult = run["result"]
    assert result.success, [e.message for e in result.get_step_failure_events()]
    assert result.dagster_run.job_name == RUN_JOB


def test_the_month_that_passed_is_released_by_that_run_and_the_failed_one_is_not(run: dict) -> None:
    releases = query(
        run["warehouse"], "SELECT strftime(period_month, '%Y-%m'), run_id FROM published.scorecard_release"
    )
    assert releases == [("2025-01", run["result"].run_id)]
    assert query(
        run["warehouse"],
        "SELECT DISTINCT template_version FROM marts.scorecard WHERE period_month = '2025-02-01'",
    ) == [("v1x",)]


def test_the_marts_check_and_publications_check_say_why(run: dict) -> None:
    evaluations = {(e.asset_key, e.check_name): e for e in run["result"].get_asset_check_evaluations()}
    marts = evaluations[(SCORECARD, "marts_scorecard")]
    assert not marts.passed and marts.severity == dg.AssetCheckSeverity.ERROR
    assert "2025-02" in marts.metadata["failed_expectations"].value
    assert "incentive_multiplier" in marts.metadata["failed_expectations"].value
    assert "2025-01" not in marts.metadata["failed_expectations"].value
    published = evaluations[(PUBLISHED, MONTHS_PUBLISHED_CHECK)]
    assert not published.passed
    assert "2025-02: gates not passed: marts/scorecard:marts_scorecard" in published.description


def test_the_gate_step_the_views_and_the_report_ran_in_the_same_run(run: dict) -> None:
    materialized = {e.asset_key for e in run["result"].get_asset_materialization_events()}
    assert {GATE_RESULTS, PUBLISHED, SCORECARD_REPORT, dg.AssetKey(["analytics", "published_scorecard"])} <= (
        materialized
    )
    gate_steps = [e for e in run["result"].get_asset_materialization_events() if e.asset_key == GATE_RESULTS]
    assert "2025-02**: not passed: marts/scorecard:marts_scorecard (failed)" in (
        gate_steps[0].materialization.metadata["months"].value
    )
    assert query(
        run["warehouse"],
        "SELECT count(DISTINCT run_id) FROM quality.gate_results",
    ) == [(1,)]
