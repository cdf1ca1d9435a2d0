"""A release's content hash: the same scores hash the same whichever engine computed them, and a
release keeps the hash version it was made with (real DuckDB, publication's own functions)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.publish.releases import (
    HASH_VERSION,
    RELEASED_TABLES,
    content_hash,
    publish_month,
    verify,
)

MONTH = date(2025, 6, 1)


def _marts(con: duckdb.DuckDBPyConnection, value: float) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute(
        "CREATE OR REPLACE TABLE marts.scorecard AS SELECT DATE '2025-06-01' AS period_month, 'team' AS "
        "entity_level, 'T0005' AS entity_id, 'v2' AS template_version, 81.25 AS final_score, 'B' AS grade"
    )
    con.execute(
        "CREATE OR REPLACE TABLE marts.scorecard_indicator AS SELECT DATE '2025-06-01' AS period_month, "
        "'team' AS entity_level, 'T0005' AS entity_id, 'CONV_DISBURSED_AMOUNT' AS indicator_code, "
        f"CAST({value!r} AS DOUBLE) AS value"
    )


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def test_the_same_scores_from_another_engine_hash_the_same(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB's and Spark's sums of the same doubles, taken in another order (measured at scale 0.1)
    _marts(con, 45627258.66666761)
    first = publish_month(con, MONTH, "run-duckdb", {})
    _marts(con, 45627258.666668)
    again = publish_month(con, MONTH, "run-spark", {})
    assert first.created and not again.created and again.content_hash == first.content_hash
    # a real change is a new release
    _marts(con, 45627259.0)
    changed = publish_month(con, MONTH, "run-later", {})
    assert changed.created and changed.content_hash != first.content_hash
    assert con.execute("SELECT DISTINCT hash_version FROM published.scorecard_release").fetchall() == [
        (HASH_VERSION,)
    ]
    assert all(check.ok for check in verify(con))


def test_a_release_keeps_the_hash_version_it_was_made_with(con: duckdb.DuckDBPyConnection) -> None:
    _marts(con, 45627258.66666761)
    made = publish_month(con, MONTH, "run-1", {})
    # a release recorded before hash versions existed: its hash was taken of the rows as printed
    con.execute("UPDATE published.scorecard_release SET hash_version = NULL")
    hashed = {t: [c[0] for c in con.execute(f"DESCRIBE marts.{t}").fetchall()] for t in RELEASED_TABLES}
    old = content_hash(
        con, hashed, {t: f"marts.{t}" for t in RELEASED_TABLES}, "period_month = ?", [MONTH], 1
    )
    assert old != made.content_hash
    con.execute("UPDATE published.scorecard_release SET content_hash = ?", [old])
    assert all(check.ok for check in verify(con))  # verified as version 1
    # the same content again: no new release (compared as the release in force was hashed)
    assert not publish_month(con, MONTH, "run-2", {}).created
    assert all(check.ok for check in verify(con))
