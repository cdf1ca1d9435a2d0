"""Read-only views of the scorecards for people: explain one entity, rank branches.

Everything here reads the warehouse through a read-only connection (what-if scoring, which
writes, is in ``whatif.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from dagster_project.locking import connect
from dagster_project.sql import query

ENTITY_LEVELS = ("manager", "team", "branch")


class ReportError(ValueError):
    """What the user asked for is not in the warehouse; the message says what to do."""


def parse_entity(text: str) -> tuple[str, str]:
    """``manager:M001`` → ``("manager", "M001")``."""
    level, _, entity_id = text.partition(":")
    if level not in ENTITY_LEVELS or not entity_id:
        raise ReportError(f"expected LEVEL:ID with LEVEL one of {', '.join(ENTITY_LEVELS)}, got {text!r}")
    return level, entity_id


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> list[dict[str, object]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def fmt(value: object, digits: int = 4) -> str:
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


def explain(warehouse: Path, month: str, level: str, entity_id: str) -> Explanation:
    """Everything behind one entity's scorecard for one month."""
    with connect(warehouse, read_only=True) as con:
        period = f"{month}-01"
        entity = {"period_month": period, "entity_level": level, "entity_id": entity_id}
        cards = _rows(con, query("explain/scorecard_of_entity"), entity)
        if not cards:
            known = con.execute(
                query("explain/scored_at_level"), {"period_month": period, "entity_level": level}
            ).fetchone()[0]
            raise ReportError(
                f"no scorecard for {level} {entity_id} in {month} ({known} {level}s are scored "
                "that month; run `scorecard run` if none are)"
            )
        card = cards[0]
        indicators = _rows(con, query("explain/indicators_of_entity"), entity)
        adjustments = _rows(con, query("explain/adjustments_of_entity"), entity)
        peers = {"period_month": period, "entity_level": level, "peer_group": card["peer_group"]}
        size = con.execute(query("explain/peer_group_size"), peers).fetchone()[0]
    return Explanation(card, indicators, adjustments, size)


def figures(indicator: dict[str, object]) -> str:
    """What stands behind an indicator's value, labelled: a median is not a numerator over a
    denominator (``145.1083 / 98`` read as a ratio), and an n/a says why."""
    if indicator["status"] == "n/a":
        return f"n/a: {indicator.get('na_reason') or 'no observation'}"
    kind = indicator.get("value_kind")
    if kind == "median":
        return f"median {fmt(indicator['numerator'])} of {fmt(indicator['denominator'])} observations"
    if kind == "count":
        return f"count {fmt(indicator['numerator'])}"
    return f"{fmt(indicator['numerator'])} / {fmt(indicator['denominator'])}"


def print_explanation(console: Console, e: Explanation) -> None:
    c = e.scorecard
    console.print(
        f"[bold]{c['entity_level']} {c['entity_id']}[/bold] — {str(c['period_month'])[:7]}, "
        f"template {c['template_version']}, role {c.get('role') or '—'} "
        f"(its indicator set: {', '.join(i['indicator_code'] for i in e.indicators)}), "
        f"peer group {c['peer_group']}"
    )
    table = Table(
        "indicator",
        "名称",
        "status",
        "value",
        "figures behind the value",
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
            fmt(i["value"]),
            figures(i),
            fmt(i["target"]),
            fmt(i["fraction"]),
            fmt(i["weight"]),
            fmt(i["effective_weight"]),
            fmt(i["points"]),
            fmt(i["bonus_points"]),
        )
    console.print(table)
    dims = Table("dimension", "points", title="dimension totals")
    for name in ("acquisition", "activity", "conversion", "risk", "brand", "data"):
        dims.add_row(name, fmt(c[f"{name}_points"]))
    dims.add_row("[bold]base points[/bold]", fmt(c["base_points"]))
    console.print(dims)
    console.print(f"bonus {fmt(c['bonus'])}   penalty {fmt(c['penalty'])}")
    for a in e.adjustments:
        console.print(
            f"  - {a['reason']}: −{fmt(a['penalty_points'])} points"
            + ("  [red]VETO[/red]" if a["is_veto"] else "")
        )
    if c["veto"]:
        console.print(f"[red]veto[/red]: {c['veto_reason']}")
    if c.get("scoring_status") == "not_scored":
        console.print(f"[bold]not scored[/bold]: {c['not_scored_reason']} (no score, grade or rank)")
        return
    console.print(
        f"[bold]final score {fmt(c['final_score'])}, grade {c['grade']}, rank {c['rank_in_peer_group']} "
        f"of {e.peer_group_size}, percentile {fmt(c['percentile'], 1)}, "
        f"incentive × {fmt(c['incentive_multiplier'])}[/bold]"
    )


def branch_extremes(
    warehouse: Path, count: int = 3
) -> tuple[str, list[dict[str, object]], list[dict[str, object]]]:
    """The last scored month and its top and bottom branches."""
    with connect(warehouse, read_only=True) as con:
        month = con.execute(query("explain/last_branch_month")).fetchone()[0]
        if month is None:
            raise ReportError("no branch scorecards yet: run `scorecard run`")
        ranked = {"period_month": month, "count": count}
        top = _rows(con, query("explain/branches_by_score"), {**ranked, "highest_first": True})
        bottom = _rows(con, query("explain/branches_by_score"), {**ranked, "highest_first": False})
    return str(month)[:7], top, bottom


def print_branch_extremes(console: Console, warehouse: Path) -> None:
    month, top, bottom = branch_extremes(warehouse)
    for title, rows in ((f"top branches, {month}", top), (f"bottom branches, {month}", bottom)):
        table = Table("branch", "final score", "grade", "peer group", "rank", title=title)
        for r in rows:
            table.add_row(
                str(r["entity_id"]),
                fmt(r["final_score"], 2),
                str(r["grade"]),
                str(r["peer_group"]),
                str(r["rank_in_peer_group"]),
            )
        console.print(table)
