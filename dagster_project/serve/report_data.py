"""What a month's scorecard report shows, read from the analytics views (the same models the
analysts query): the month's release (or the marts as last computed, PROVISIONAL, when it has
none), its scorecards and indicators, the branches' trend, penalties and vetoes, and the gates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dagster_project.locking import connect
from dagster_project.sql import query


class ReportDataError(ValueError):
    """The report cannot be built; the message says why and what to do."""


@dataclass
class ReportData:
    month: str
    #: the release the report shows; None: PROVISIONAL (the month has no release)
    release: dict[str, object] | None
    scorecards: list[dict[str, object]]
    indicators: list[dict[str, object]]
    branch_trend: list[dict[str, object]]
    adjustments: list[dict[str, object]]
    gates: list[dict[str, object]]

    @property
    def provisional(self) -> bool:
        return self.release is None

    def level(self, entity_level: str) -> list[dict[str, object]]:
        return [s for s in self.scorecards if s["entity_level"] == entity_level]


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]) -> list[dict[str, object]]:
    cursor = con.execute(query(name), params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load_report_data(con: duckdb.DuckDBPyConnection, month: str, release_id: int | None = None) -> ReportData:
    """The report of ``month`` from ``release_id``, else from the month's latest release, else
    from the marts as last computed (PROVISIONAL)."""
    period = date.fromisoformat(f"{month}-01")
    month_only = {"period_month": period}
    releases = _rows(con, "report/release_of_month", {**month_only, "release_id": release_id})
    if release_id is not None and not releases:
        raise ReportDataError(
            f"release {release_id} is not a release of {month}: `scorecard releases` lists them"
        )
    release = releases[0] if releases else None
    if release is not None:
        by_release = {"release_id": release["release_id"]}
        scorecards = _rows(con, "report/released_scorecards", by_release)
        indicators = _rows(con, "report/released_indicators", by_release)
    else:
        scorecards = _rows(con, "report/provisional_scorecards", month_only)
        indicators = _rows(con, "report/provisional_indicators", month_only)
    if not scorecards:
        raise ReportDataError(f"no scorecards for {month}: run `scorecard run` for it first")
    trend = _rows(con, "report/branch_trend", month_only)
    trend += [
        {
            "period_month": period,
            "entity_id": s["entity_id"],
            "final_score": s["final_score"],
            "grade": s["grade"],
        }
        for s in scorecards
        if s["entity_level"] == "branch"
    ]
    return ReportData(
        month=month,
        release=release,
        scorecards=scorecards,
        indicators=indicators,
        branch_trend=trend,
        adjustments=_rows(con, "report/adjustments", month_only),
        gates=_rows(con, "report/gates", month_only),
    )


def read_report_data(warehouse: Path, month: str, release_id: int | None = None) -> ReportData:
    """:func:`load_report_data` on a read-only connection to ``warehouse``."""
    with connect(warehouse, read_only=True) as con:
        return load_report_data(con, month, release_id)
