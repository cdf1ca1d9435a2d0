"""The demo people first meet (`make run`: scale 1, seed 7, six months of 2025) shows the whole
rulebook in its latest month, asked the way the README tells them to: with `scorecard sql`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.demo.generate import generate

pytestmark = pytest.mark.slow  # the demo at full size (~1 M events): a few minutes


def _cli(args: list[str], warehouse: Path, landing: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SCORECARD_WAREHOUSE": str(warehouse), "SCORECARD_LANDING_DIR": str(landing)}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        env=env,
        cwd=warehouse.parent,
        capture_output=True,
        text=True,
        timeout=1800,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("demo-scale-1")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    generate(landing, scale=1, start="2025-01", months=6, seed=7, show_progress=False)
    done = _cli(["run"], warehouse, landing)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {"warehouse": warehouse, "landing": landing, "out": done.stdout}


def test_the_run_closes_with_a_short_summary(demo: dict) -> None:
    out = demo["out"]
    # tables and rows per schema, not one line per table (scorecard summary has those)
    assert "every table's rows: scorecard summary" in out
    assert "stg_template_bands" not in out and "int_member_day_activity" not in out
    for text in ("months of this run", "released", "top branches"):
        assert text in out, text


def _sql(demo: dict[str, Path], sql: str) -> list[dict]:
    out = demo["warehouse"].parent / "result.csv"
    done = _cli(["sql", sql, "--out", str(out)], demo["warehouse"], demo["landing"])
    assert done.returncode == 0, done.stdout + done.stderr
    import csv

    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_template_changes_in_april(demo: dict[str, Path]) -> None:
    rows = _sql(
        demo,
        "select strftime(period_month, '%Y-%m') as month, string_agg(distinct template_version) as versions "
        "from analytics.published_scorecard group by 1 order by 1",
    )
    assert [(r["month"], r["versions"]) for r in rows] == [
        ("2025-01", "v1"),
        ("2025-02", "v1"),
        ("2025-03", "v1"),
        ("2025-04", "v2"),
        ("2025-05", "v2"),
        ("2025-06", "v2"),
    ]


def test_in_june_every_role_spans_three_grades(demo: dict[str, Path]) -> None:
    rows = _sql(
        demo,
        "select role, count(distinct grade) as grades from analytics.published_scorecard "
        "where period_month = '2025-06-01' and entity_level = 'manager' group by role order by role",
    )
    grades = {r["role"]: int(r["grades"]) for r in rows}
    assert set(grades) == {
        "community_operator",
        "content_planner",
        "customer_service",
        "data_analyst",
        "relationship_manager",
    }
    assert min(grades.values()) >= 3, grades


def test_june_has_both_vetoes_a_penalty_an_anti_gaming_penalty_and_a_manager_not_scored(
    demo: dict[str, Path],
) -> None:
    june = _sql(
        demo,
        "select entity_level, entity_id, role, scoring_status, veto_reason, penalty "
        "from analytics.published_scorecard where period_month = '2025-06-01'",
    )
    reasons = [r["veto_reason"] for r in june if r["veto_reason"]]
    assert any(reason.startswith("compliance event CE90001 (critical") for reason in reasons), reasons
    assert any(reason.startswith("RISK_NPL_RATIO") for reason in reasons), reasons
    assert {(r["entity_id"], r["scoring_status"]) for r in june if r["entity_id"] == "NS0001"} == {
        ("NS0001", "not_scored")
    }
    penalties = _sql(
        demo,
        "select source, reference, severity from analytics.penalties_and_vetoes "
        "where period_month = '2025-06-01' and entity_level = 'manager' and penalty_points > 0",
    )
    assert {"major"} <= {r["severity"] for r in penalties if r["source"] == "compliance"}
    assert any(r["source"] == "anti_gaming" for r in penalties), json.dumps(penalties, ensure_ascii=False)


def test_a_manager_changes_role_in_june(demo: dict[str, Path]) -> None:
    rows = _sql(
        demo,
        "select entity_id, string_agg(role, ',' order by period_month) as roles "
        "from analytics.published_scorecard where entity_level = 'manager' "
        "and period_month in ('2025-05-01', '2025-06-01') group by entity_id "
        "having count(distinct role) > 1",
    )
    assert [(r["entity_id"], r["roles"]) for r in rows] == [("M0001", "community_operator,content_planner")]
