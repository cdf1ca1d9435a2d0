"""Append-only, versioned publication of final scorecards (contract.md, "Published outputs").

A release copies one month's ``marts.scorecard`` and ``marts.scorecard_indicator`` rows into
``published.*`` under a new ``release_id``, with a SHA-256 of the released rows, in one unit of
writes of the run's table store (``stores/``: a DuckDB transaction; in the lake, the release's
files, then its record). This module only ever adds to ``published``: republishing a month (late
data, a corrected template) adds a release, and ``verify`` recomputes every release's hash
from its stored rows, so a changed or deleted row of an old release is detected.
Re-running publication of unchanged content adds nothing (the latest release already has
that hash), which keeps scheduled and backfilled runs idempotent. Each release records why it
was made (``reason``): the first release of its month, or what changed against the release it
replaces (how many scorecards differ, which indicators), with the run's note if it has one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from dagster_project.failpoints import failpoint
from dagster_project.sql import query, table_columns, table_exists
from dagster_project.stores import WAREHOUSE_FILE, TableStore

RELEASED_TABLES = {
    "scorecard": ("entity_level", "entity_id"),
    "scorecard_indicator": ("entity_level", "entity_id", "indicator_code"),
}


class PublishError(RuntimeError):
    """The month cannot be published; the message says why."""


@dataclass(frozen=True)
class Release:
    release_id: int
    period_month: date
    template_version: str
    row_count: int
    content_hash: str
    created: bool  # False: the content was already the latest release of the month


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [column for column, _ in table_columns(con, schema, table)]


def ensure_published_schema(con: duckdb.DuckDBPyConnection, store: TableStore = WAREHOUSE_FILE) -> None:
    """Create ``published.*`` in ``store`` (default: the warehouse file) like the marts, and add any
    column the marts gained since (only adds)."""
    marts = {table: table_columns(con, "marts", table) for table in RELEASED_TABLES}

    def ddl(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(query("publish/create_release"))
        for table, columns in marts.items():
            defined = ", ".join(["release_id BIGINT", *(f'"{c}" {t}' for c, t in columns)])
            con.execute(f"CREATE TABLE IF NOT EXISTS published.{table} ({defined})")
            for column, data_type in columns:
                con.execute(f'ALTER TABLE published.{table} ADD COLUMN IF NOT EXISTS "{column}" {data_type}')

    store.define(con, ddl)


#: How a release's rows become the text its content hash is taken of (recorded with each release):
#: 1, each row as DuckDB prints it; 2 (from issue 15 on), the same with every double printed to 12
#: significant digits, so that the same scores computed on Spark (sums of doubles taken in another
#: order: equal to ~1e-15) hash the same. A release keeps the version it was made with.
HASH_VERSION = 2
_FLOATS = ("DOUBLE", "FLOAT", "REAL")


def _rows_text_sql(
    con: duckdb.DuckDBPyConnection, source: str, table: str, columns: list[str], where: str, version: int
) -> str:
    keys = ", ".join(f"t.{c}" for c in RELEASED_TABLES[table])
    types = dict(table_columns(con, *source.split(".")))
    listed = ", ".join(
        f'printf(\'%.12g\', "{c}") AS "{c}"' if version >= 2 and types.get(c) in _FLOATS else f'"{c}"'
        for c in columns
    )
    return (
        f"SELECT coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY {keys}), '') "
        f"FROM (SELECT {listed} FROM {source} WHERE {where}) AS t"
    )


def content_hash(
    con: duckdb.DuckDBPyConnection,
    hashed_columns: dict[str, list[str]],
    sources: dict[str, str],
    where: str,
    params: list[object],
    version: int = HASH_VERSION,
) -> str:
    """SHA-256 of the released rows: each table's rows as text (:data:`HASH_VERSION`), in key order,
    the tables in order."""
    parts = [
        con.execute(
            _rows_text_sql(con, sources[table], table, hashed_columns[table], where, version), params
        ).fetchone()[0]
        for table in RELEASED_TABLES
    ]
    return con.execute("SELECT sha256(?)", ["\n--\n".join(parts)]).fetchone()[0]


def change_summary(
    con: duckdb.DuckDBPyConnection, month: date, previous_id: int, previous_columns: dict[str, list[str]]
) -> str:
    """What differs between the marts' rows of ``month`` and release ``previous_id``."""
    parts = []
    for table, keys in RELEASED_TABLES.items():
        columns = [c for c in _columns(con, "marts", table) if c in previous_columns[table]]
        listed = ", ".join(f'"{c}"' for c in columns)
        changed_keys = (
            f"SELECT {', '.join(keys)} FROM (SELECT {listed} FROM marts.{table} WHERE period_month = ? "
            f"EXCEPT SELECT {listed} FROM published.{table} WHERE release_id = ?)"
        )
        if table == "scorecard":
            changed = con.execute(f"SELECT count(*) FROM ({changed_keys})", [month, previous_id]).fetchone()[
                0
            ]
            total = con.execute(
                "SELECT count(*) FROM marts.scorecard WHERE period_month = ?", [month]
            ).fetchone()
            parts.append(f"{changed} of {total[0]} scorecards differ")
        else:
            codes = con.execute(
                f"SELECT indicator_code, count(*) FROM ({changed_keys}) GROUP BY 1 ORDER BY 2 DESC, 1",
                [month, previous_id],
            ).fetchall()
            listed_codes = ", ".join(f"{code} ({n})" for code, n in codes[:8])
            more = f" and {len(codes) - 8} more" if len(codes) > 8 else ""
            parts.append(f"indicators changed: {listed_codes or 'none'}{more}")
        added = [c for c in _columns(con, "marts", table) if c not in previous_columns[table]]
        if added:
            parts.append(f"{table} columns added: {', '.join(added)}")
    return f"replaces release {previous_id}: " + "; ".join(parts)


def publish_month(
    con: duckdb.DuckDBPyConnection,
    month: date,
    run_id: str,
    gate_summary: dict[str, object],
    note: str | None = None,
    store: TableStore = WAREHOUSE_FILE,
) -> Release:
    """Release ``month`` from the marts into ``store`` (default: the warehouse file; the caller has
    checked that the month is closed and gated).

    ``note`` (a run's ``scorecard/release_note`` tag) is added to the recorded reason.
    """
    ensure_published_schema(con, store)
    versions = [
        r[0]
        for r in con.execute(query("publish/template_versions_of_month"), {"period_month": month}).fetchall()
    ]
    if not versions:
        raise PublishError(f"{month:%Y-%m} has no scorecards in marts to publish")
    hashed = {t: _columns(con, "marts", t) for t in RELEASED_TABLES}
    marts = {t: f"marts.{t}" for t in RELEASED_TABLES}
    digest = content_hash(con, hashed, marts, "period_month = ?", [month])
    row_count = sum(
        con.execute(f"SELECT count(*) FROM marts.{t} WHERE period_month = ?", [month]).fetchone()[0]
        for t in RELEASED_TABLES
    )
    latest = con.execute(query("publish/latest_release_of_month"), {"period_month": month}).fetchone()
    if latest and latest[1] == (
        digest
        if latest[3] == HASH_VERSION
        else content_hash(con, hashed, marts, "period_month = ?", [month], latest[3])
    ):  # the same content as the release in force, hashed as it was
        return Release(latest[0], month, versions[0], row_count, latest[1], created=False)
    reason = (
        change_summary(con, month, latest[0], json.loads(latest[2]))
        if latest
        else f"first release of {month:%Y-%m}"
    )
    if note:
        reason += f" — {note}"
    release_id = con.execute(query("publish/next_release_id")).fetchone()[0]
    with store.writing(con) as writes:
        for table in RELEASED_TABLES:
            writes.add_rows_of(
                f"published.{table}",
                "release_id",
                release_id,
                f"SELECT CAST($1 AS BIGINT) AS release_id, * FROM marts.{table} WHERE period_month = $2",
                [release_id, month],
            )
        writes.append(  # the release's record, last: a release without it never happened
            "published.scorecard_release",
            query("publish/release_row"),
            [
                release_id,
                month,
                ",".join(versions),
                datetime.now(),
                run_id,
                row_count,
                digest,
                json.dumps(gate_summary, ensure_ascii=False, default=str),
                json.dumps(hashed),
                reason,
                HASH_VERSION,
            ],
        )
        failpoint("publish.before_commit")
    return Release(release_id, month, ",".join(versions), row_count, digest, created=True)


def list_releases(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    ensure_release_table(con)
    cursor = con.execute(query("publish/releases"))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def ensure_release_table(con: duckdb.DuckDBPyConnection) -> None:
    if not table_exists(con, "published", "scorecard_release"):
        raise PublishError("nothing has been published yet (no published.scorecard_release)")


@dataclass(frozen=True)
class Verification:
    release_id: int
    period_month: date
    ok: bool
    problem: str = ""


def verify(con: duckdb.DuckDBPyConnection) -> list[Verification]:
    """Recompute every release's hash and row count from its stored rows."""
    ensure_release_table(con)
    checks = []
    releases = con.execute(query("publish/releases")).fetchall()
    columns = [d[0] for d in con.description]
    for expected_id, values in enumerate(releases, start=1):
        release = dict(zip(columns, values, strict=True))
        release_id, month, row_count = release["release_id"], release["period_month"], release["row_count"]
        digest, hashed_columns = release["content_hash"], release["hashed_columns"]
        problems = []
        if release_id != expected_id:
            problems.append(
                f"release ids jump from {expected_id - 1} to {release_id} (a release was removed)"
            )
        hashed = json.loads(hashed_columns)
        actual = content_hash(
            con,
            hashed,
            {t: f"published.{t}" for t in RELEASED_TABLES},
            "release_id = ?",
            [release_id],
            release["hash_version"] or 1,
        )
        if actual != digest:
            problems.append(f"content hash {actual[:12]}… differs from the recorded {digest[:12]}…")
        count = sum(
            con.execute(f"SELECT count(*) FROM published.{t} WHERE release_id = ?", [release_id]).fetchone()[
                0
            ]
            for t in RELEASED_TABLES
        )
        if count != row_count:
            problems.append(f"{count} rows stored, {row_count} released")
        checks.append(Verification(release_id, month, not problems, "; ".join(problems)))
    return checks
