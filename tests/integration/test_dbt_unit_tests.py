"""dbt's own unit tests of the scoring rules (``models/marts/scoring/_scoring_unit_tests.yml``).

They need no pipeline run: in a warehouse with empty raw and template tables, one ``dbt build
--empty`` builds the scorecard's inputs without rows (so dbt knows every input's columns) and
runs the unit tests on their hand-made rows. The second test breaks a scoring macro in a copy of the project
and shows the unit tests catch it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from dagster_dbt import DbtCliResource, DbtProject

from dagster_project.ingest.load import ensure_raw_schema
from dagster_project.settings import DBT_PROJECT_DIR, DEFAULT_TEMPLATES_DIR, PROJECT_ROOT
from dagster_project.template import load_templates, write_templates
from dagster_project.transform.arguments import dbt_vars
from dagster_project.transform.resource import DBT_EXECUTABLE


def unit_test_statuses(project_dir: Path, warehouse: Path) -> dict[str, str]:
    """Build ``scorecard_indicator``'s ancestors empty in a new warehouse and run its unit tests,
    in one dbt invocation (dbt runs a model's unit tests once its inputs exist)."""
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
        write_templates(con, load_templates(DEFAULT_TEMPLATES_DIR))
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    resource = DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE)
    args = ["build", "--empty", "--select", "+scorecard_indicator", "--exclude-resource-type", "test"]
    invocation = resource.cli(
        [*args, "--vars", json.dumps(dbt_vars(str(warehouse)))], raise_on_error=False
    ).wait()
    results = json.loads((invocation.target_path / "run_results.json").read_text(encoding="utf-8"))["results"]
    # every input builds (the model under test is skipped when one of its unit tests fails)
    broken = [r for r in results if r["unique_id"].startswith(("model.", "seed.")) and r["status"] == "error"]
    assert not broken, broken
    return {
        r["unique_id"].split(".")[-1]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")
    }


def test_the_scoring_rules_pass_their_dbt_unit_tests(tmp_path: Path) -> None:
    statuses = unit_test_statuses(DBT_PROJECT_DIR, tmp_path / "warehouse.duckdb")
    assert statuses == {
        "each_scoring_method_gives_its_fraction_points_and_bonus": "pass",
        "percentile_ranks_within_the_peer_group": "pass",
        "na_weights_are_shared_within_the_dimension_then_across_dimensions": "pass",
    }


@pytest.mark.slow
def test_a_broken_scoring_macro_fails_its_unit_test(tmp_path: Path) -> None:
    """ratio_to_target without its cap: the method test fails (and dbt skips the model)."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    # the seeds beside the copy, where its relative seed path finds them (an absolute seed path
    # would make dbt write its compiled seeds over the original files)
    shutil.copytree(PROJECT_ROOT / "seeds" / "reference", tmp_path / "seeds" / "reference")
    macro = project / "macros" / "scoring" / "ratio_to_target.sql"
    macro.write_text(
        macro.read_text(encoding="utf-8").replace(
            "least({{ cap }}, {{ value }} / {{ target }})", "{{ value }} / {{ target }}"
        ),
        encoding="utf-8",
    )
    statuses = unit_test_statuses(project, tmp_path / "warehouse.duckdb")
    assert statuses["each_scoring_method_gives_its_fraction_points_and_bonus"] == "fail"
