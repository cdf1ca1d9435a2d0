"""Read-only views of the scorecards for people: explain one entity, rank branches, what-if.

Everything here reads the warehouse through a read-only connection, except
:func:`store_whatif_comparison`, which appends to ``analytics.whatif_comparison``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from dagster_project.settings import DBT_PROJECT_DIR

ENTITY_LEVELS = ("manager", "team", "branch")


class ReportError(ValueError):
    """What the user asked for is not in the warehouse; the message says what to do."""


def parse_entity(text: str) -> tuple[str, str]:
    """``manager:M001`` → ``("manager", "M001")``."""
    level, _, entity_id = text.partition(":")
    if level not in ENTITY_LEVELS or not entity_id:
        raise ReportError(f"expected LEVEL:ID with LEVEL one of {', '.join(ENTITY_LEVELS)}, got {text!r}")
    return level, entity_id


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[dict[str, object]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _fmt(value: object, digits: int = 4) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


@dataclass
class Explanation:
    scorecard: dict[str, object]
    indicators: list[dict[str, object]]
    adjustments: list[dict[str, object]]
    peer_group_size: int


def explain(warehouse: Path, month: str, level: str, entity_id: str, schema: str = "marts") -> Explanation:
    """Everything behind one entity's scorecard for one month."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        period = f"{month}-01"
        cards = _rows(
            con,
            f"SELECT * FROM {schema}.scorecard WHERE period_month = ? AND entity_level = ? AND entity_id = ?",
            [period, level, entity_id],
        )
        if not cards:
            known = con.execute(
                f"SELECT count(*) FROM {schema}.scorecard WHERE period_month = ? AND entity_level = ?",
                [period, level],
            ).fetchone()[0]
            raise ReportError(
                f"no scorecard for {level} {entity_id} in {month} ({known} {level}s are scored "
                "that month; run `scorecard run` if none are)"
            )
        card = cards[0]
        indicators = _rows(
            con,
            f"SELECT * FROM {schema}.scorecard_indicator WHERE period_month = ? "
            "AND entity_level = ? AND entity_id = ? ORDER BY dimension, indicator_code",
            [period, level, entity_id],
        )
        adjustments = _rows(
            con,
            f"SELECT * FROM {schema}.scorecard_adjustment WHERE period_month = ? "
            "AND entity_level = ? AND entity_id = ? ORDER BY source, reference",
            [period, level, entity_id],
        )
        size = con.execute(
            f"SELECT count(*) FROM {schema}.scorecard WHERE period_month = ? AND entity_level = ? "
            "AND peer_group = ?",
            [period, level, card["peer_group"]],
        ).fetchone()[0]
    return Explanation(card, indicators, adjustments, size)


def print_explanation(console: Console, e: Explanation) -> None:
    c = e.scorecard
    console.print(
        f"[bold]{c['entity_level']} {c['entity_id']}[/bold] — {str(c['period_month'])[:7]}, "
        f"template {c['template_version']}, peer group {c['peer_group']}"
    )
    table = Table(
        "indicator",
        "名称",
        "status",
        "value",
        "numerator / denominator",
        "target",
        "fraction",
        "weight",
        "eff. weight",
        "points",
        "bonus",
    )
    for i in e.indicators:
        table.add_row(
            i["indicator_code"],
            i["name_zh"],
            i["status"],
            _fmt(i["value"]),
            f"{_fmt(i['numerator'])} / {_fmt(i['denominator'])}",
            _fmt(i["target"]),
            _fmt(i["fraction"]),
            _fmt(i["weight"]),
            _fmt(i["effective_weight"]),
            _fmt(i["points"]),
            _fmt(i["bonus_points"]),
        )
    console.print(table)
    dims = Table("dimension", "points", title="dimension totals")
    for name in ("acquisition", "activity", "conversion", "risk", "brand", "data"):
        dims.add_row(name, _fmt(c[f"{name}_points"]))
    dims.add_row("[bold]base points[/bold]", _fmt(c["base_points"]))
    console.print(dims)
    console.print(f"bonus {_fmt(c['bonus'])}   penalty {_fmt(c['penalty'])}")
    for a in e.adjustments:
        console.print(
            f"  - {a['reason']}: −{_fmt(a['penalty_points'])} points"
            + ("  [red]VETO[/red]" if a["is_veto"] else "")
        )
    if c["veto"]:
        console.print(f"[red]veto[/red]: {c['veto_reason']}")
    console.print(
        f"[bold]final score {_fmt(c['final_score'])}, grade {c['grade']}, rank {c['rank_in_peer_group']} "
        f"of {e.peer_group_size}, percentile {_fmt(c['percentile'], 1)}, "
        f"incentive × {_fmt(c['incentive_multiplier'])}[/bold]"
    )


def branch_extremes(
    warehouse: Path, count: int = 3
) -> tuple[str, list[dict[str, object]], list[dict[str, object]]]:
    """The last scored month and its top and bottom branches."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        month = con.execute(
            "SELECT max(period_month) FROM marts.scorecard WHERE entity_level = 'branch'"
        ).fetchone()[0]
        if month is None:
            raise ReportError("no branch scorecards yet: run `scorecard run`")
        query = (
            "SELECT entity_id, final_score, grade, peer_group, rank_in_peer_group, veto FROM marts.scorecard "
            "WHERE entity_level = 'branch' AND period_month = ? ORDER BY final_score {}, entity_id LIMIT ?"
        )
        top = _rows(con, query.format("DESC"), [month, count])
        bottom = _rows(con, query.format("ASC"), [month, count])
    return str(month)[:7], top, bottom


def print_branch_extremes(console: Console, warehouse: Path) -> None:
    month, top, bottom = branch_extremes(warehouse)
    for title, rows in ((f"top branches, {month}", top), (f"bottom branches, {month}", bottom)):
        table = Table("branch", "final score", "grade", "peer group", "rank", title=title)
        for r in rows:
            table.add_row(
                str(r["entity_id"]),
                _fmt(r["final_score"], 2),
                str(r["grade"]),
                str(r["peer_group"]),
                str(r["rank_in_peer_group"]),
            )
        console.print(table)


# --------------------------------------------------------------------------- what-if

WHATIF_SCHEMA = "whatif"


def whatif_dbt_args(month: str, template_version: str) -> list[str]:
    """dbt arguments that score ``month`` under ``template_version`` into schema ``whatif``."""
    variables = {
        "template_version": template_version,
        "scoring_months": [month],
        "scoring_schema": WHATIF_SCHEMA,
        "scoring_intermediate_schema": WHATIF_SCHEMA,
    }
    return ["build", "--select", "tag:scoring", "--vars", json.dumps(variables)]


def run_whatif_models(month: str, template_version: str) -> None:
    """Build the scoring models for one month under a candidate version, in schema ``whatif``."""
    from dagster_project.transform import dbt_resource

    invocation = dbt_resource().cli(
        whatif_dbt_args(month, template_version),
        target_path=DBT_PROJECT_DIR / "target" / "whatif",
        raise_on_error=False,
    )
    invocation.wait()
    if not invocation.is_successful():
        raise ReportError(f"the what-if dbt build failed; see {invocation.target_path / 'dbt.log'}")


COMPARISON_SQL = """
    SELECT
        coalesce(current.entity_level, candidate.entity_level) AS entity_level,
        coalesce(current.entity_id, candidate.entity_id) AS entity_id,
        current.template_version AS current_version,
        candidate.template_version AS candidate_version,
        current.final_score AS current_score,
        candidate.final_score AS candidate_score,
        candidate.final_score - current.final_score AS score_change,
        current.grade AS current_grade,
        candidate.grade AS candidate_grade,
        current.rank_in_peer_group AS current_rank,
        candidate.rank_in_peer_group AS candidate_rank,
        candidate.rank_in_peer_group - current.rank_in_peer_group AS rank_change
    FROM (SELECT * FROM marts.scorecard WHERE period_month = ?) AS current
    FULL OUTER JOIN (SELECT * FROM whatif.scorecard WHERE period_month = ?) AS candidate
        ON current.entity_level = candidate.entity_level AND current.entity_id = candidate.entity_id
    ORDER BY entity_level, abs(coalesce(score_change, 0)) DESC, entity_id
"""


def store_whatif_comparison(warehouse: Path, month: str, template_version: str) -> list[dict[str, object]]:
    """Compare the month under the version in force and the candidate; append to analytics."""
    period = f"{month}-01"
    with duckdb.connect(str(warehouse)) as con:
        if not con.execute(
            "SELECT count(*) FROM marts.scorecard WHERE period_month = ?", [period]
        ).fetchone()[0]:
            raise ReportError(f"{month} has no provisional scorecards in marts: run `scorecard run` first")
        rows = _rows(con, COMPARISON_SQL, [period, period])
        con.execute("CREATE SCHEMA IF NOT EXISTS analytics")
        con.execute(
            """CREATE TABLE IF NOT EXISTS analytics.whatif_comparison (
                compared_at TIMESTAMP, period_month DATE, entity_level VARCHAR, entity_id VARCHAR,
                current_version VARCHAR, candidate_version VARCHAR, current_score DOUBLE,
                candidate_score DOUBLE, score_change DOUBLE, current_grade VARCHAR, candidate_grade VARCHAR,
                current_rank INTEGER, candidate_rank INTEGER, rank_change INTEGER)"""
        )
        now = datetime.now()
        con.executemany(
            "INSERT INTO analytics.whatif_comparison VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[now, period, *r.values()] for r in rows],
        )
    return rows


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
                _fmt(r["current_score"], 2),
                _fmt(r["candidate_score"], 2),
                _fmt(r["score_change"], 2),
                str(r["current_grade"]),
                str(r["candidate_grade"]),
                str(r["current_rank"]),
                str(r["candidate_rank"]),
            )
    console.print(table)
    console.print(f"{len(rows)} entities compared; stored in analytics.whatif_comparison")
