"""What-if: score a month under a candidate template version beside the version in force.

The scoring models are rebuilt by dbt into schema ``whatif`` (the provisional marts are not
touched), then compared entity by entity and appended to ``analytics.whatif_comparison``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from dagster_project.locking import connect
from dagster_project.serve.explain import ENTITY_LEVELS, ReportError, fmt
from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.sql import query
from dagster_project.transform.arguments import EXCLUDE_UNIT_TESTS
from dagster_project.transform.manifest import prepare_manifest
from dagster_project.transform.resource import dbt_resource

WHATIF_SCHEMA = "whatif"


def whatif_dbt_args(month: str, template_version: str, warehouse: Path) -> list[str]:
    """dbt arguments that score ``month`` under ``template_version`` into schema ``whatif``."""
    variables = {
        "warehouse": str(warehouse.resolve()),
        "template_version": template_version,
        "scoring_months": [month],
        "scoring_schema": WHATIF_SCHEMA,
        "scoring_intermediate_schema": WHATIF_SCHEMA,
    }
    # on the embedded warehouse whatever the run's target: it reads the intermediate tables there
    # (on Spark, the views over Spark's tables) and writes only schema whatif
    return [
        "build",
        "--select",
        "tag:scoring",
        *EXCLUDE_UNIT_TESTS,
        "--target",
        "duckdb",
        "--vars",
        json.dumps(variables),
    ]


def run_whatif_models(month: str, template_version: str, warehouse: Path) -> None:
    """Build the scoring models for one month under a candidate version, in schema ``whatif``."""
    prepare_manifest()
    invocation = dbt_resource().cli(
        whatif_dbt_args(month, template_version, warehouse),
        target_path=DBT_PROJECT_DIR / "target" / "whatif",
        raise_on_error=False,
    )
    invocation.wait()
    if not invocation.is_successful():
        raise ReportError(f"the what-if dbt build failed; see {invocation.target_path / 'dbt.log'}")


def store_whatif_comparison(warehouse: Path, month: str, template_version: str) -> list[dict[str, object]]:
    """Compare the month under the version in force and the candidate; append to analytics."""
    period = f"{month}-01"
    with connect(warehouse) as con:
        if not con.execute(query("whatif/provisional_scorecards"), {"period_month": period}).fetchone()[0]:
            raise ReportError(f"{month} has no provisional scorecards in marts: run `scorecard run` first")
        cursor = con.execute(query("whatif/compare"), {"period_month": period})
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        con.execute(query("whatif/create_comparison"))
        now = datetime.now()
        con.executemany(query("whatif/insert_comparison"), [[now, period, *r.values()] for r in rows])
    return rows


GRADE_ORDER = {"A": 4, "B": 3, "C": 2, "D": 1}


def grade_movements(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Per candidate role, how the managers' grades move from the version in force: up, same,
    down, newly graded (no grade under the version in force: not scored by it), or no grade
    under the candidate (not scored, or not a scored entity of it)."""
    summary: dict[str, dict[str, object]] = {}
    for r in rows:
        if r["entity_level"] != "manager":
            continue
        role = str(r["candidate_role"] or r["role_in_force"])
        line = summary.setdefault(
            role, {"role": role, "managers": 0, "up": 0, "same": 0, "down": 0, "new": 0, "no grade": 0}
        )
        line["managers"] += 1
        now, then = GRADE_ORDER.get(str(r["current_grade"])), GRADE_ORDER.get(str(r["candidate_grade"]))
        if then is None:
            line["no grade"] += 1
        elif now is None:
            line["new"] += 1
        elif then > now:
            line["up"] += 1
        elif then == now:
            line["same"] += 1
        else:
            line["down"] += 1
    return [summary[role] for role in sorted(summary)]


def print_whatif(
    console: Console,
    month: str,
    template_version: str,
    rows: list[dict[str, object]],
    limit: int = 15,
) -> None:
    table = Table(
        "level",
        "entity",
        "role now",
        f"role {template_version}",
        "score now",
        f"score {template_version}",
        "change",
        "grade now",
        f"grade {template_version}",
        "rank now",
        f"rank {template_version}",
        title=f"what-if {month}: version in force vs {template_version} (largest changes first)",
    )
    for level in ENTITY_LEVELS:
        for r in [r for r in rows if r["entity_level"] == level][:limit]:
            table.add_row(
                level,
                str(r["entity_id"]),
                str(r["role_in_force"] or "—"),
                str(r["candidate_role"] or "—"),
                fmt(r["current_score"], 2),
                fmt(r["candidate_score"], 2),
                fmt(r["score_change"], 2),
                str(r["current_grade"] or "—"),
                str(r["candidate_grade"] or "—"),
                str(r["current_rank"] or "—"),
                str(r["candidate_rank"] or "—"),
            )
    console.print(table)
    movements = Table(
        "role",
        "managers",
        "grade up",
        "same",
        "grade down",
        "newly graded",
        "no grade",
        title=f"grade movements of managers per role under {template_version} (role in {template_version})",
    )
    for line in grade_movements(rows):
        movements.add_row(
            *(str(line[k]) for k in ("role", "managers", "up", "same", "down", "new", "no grade"))
        )
    console.print(movements)
    console.print(f"{len(rows)} entities compared; stored in analytics.whatif_comparison")
