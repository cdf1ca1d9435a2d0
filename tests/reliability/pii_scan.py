"""Looking for PII: the generator's PII values, and where they must not be (the warehouse past
``raw``, texts such as logs, event metadata, Data Docs and reports)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.ingest.feeds import FEEDS

SCANNED_SCHEMAS = ("staging", "intermediate", "marts", "published", "analytics", "reference", "quality")
#: values this long are also looked for inside longer text (names are too short for that: 王伟
#: inside an unrelated sentence is not a leak)
SUBSTRING_FROM = 8


def pii_values(landing: Path) -> set[str]:
    """Every value of every PII column (contract.md) the generator wrote to the landing zone."""
    values: set[str] = set()
    with duckdb.connect() as con:
        for feed in FEEDS.values():
            pii = [c.name for c in feed.columns if c.pii]
            files = sorted(str(p) for p in (landing / feed.name).glob(f"{feed.name}_*.csv*"))
            if not pii or not files:
                continue
            for column in pii:
                rows = con.execute(
                    f'SELECT DISTINCT trim("{column}") AS v FROM read_csv($files, header = true, '
                    "all_varchar = true, union_by_name = true) WHERE nullif(v, '') IS NOT NULL",
                    {"files": files},
                ).fetchall()
                values |= {r[0] for r in rows}
    return values


def warehouse_hits(
    warehouse: Path, values: set[str], schemas: tuple[str, ...] = SCANNED_SCHEMAS
) -> list[str]:
    """``schema.table.column`` holding a PII value (equal, or containing a long one)."""
    hits = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("CREATE TEMP TABLE pii (value VARCHAR)")
        con.executemany("INSERT INTO pii VALUES (?)", [[v] for v in values])
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema IN $schemas AND data_type = 'VARCHAR'",
            {"schemas": list(schemas)},
        ).fetchall()
        for schema, table, column in columns:
            n = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" AS t JOIN pii ON t."{column}" = pii.value '
                f'OR (length(pii.value) >= {SUBSTRING_FROM} AND contains(t."{column}", pii.value))'
            ).fetchone()[0]
            if n:
                hits.append(f"{schema}.{table}.{column}: {n} rows")
    return hits


def text_hits(texts: dict[str, str], values: set[str]) -> list[str]:
    long = [v for v in values if len(v) >= SUBSTRING_FROM]
    short = {v for v in values if len(v) < SUBSTRING_FROM}
    hits = []
    for where, text in texts.items():
        found = [v for v in long if v in text]
        # short values (names) count when they stand alone: a JSON string or a table cell
        found += [v for v in short if f'"{v}"' in text or f">{v}<" in text or f"'{v}'" in text]
        if found:
            hits.append(f"{where}: {found[:3]}")
    return hits


def event_texts(instance: dg.DagsterInstance) -> dict[str, str]:
    """Every event message and metadata value of every run of the instance."""
    texts = {}
    for run in instance.get_runs():
        parts = []
        for record in instance.all_logs(run.run_id):
            parts.append(record.user_message or "")
            event = record.dagster_event
            data = getattr(event, "event_specific_data", None) if event else None
            for attribute in ("materialization", "asset_check_evaluation", "metadata"):
                holder = getattr(data, attribute, None)
                metadata = getattr(holder, "metadata", holder)
                if isinstance(metadata, dict):
                    parts += [f"{k}={getattr(v, 'value', v)!r}" for k, v in metadata.items()]
        texts[f"run {run.run_id[:8]}"] = "\n".join(parts)
    return texts


def file_texts(folder: Path, patterns: tuple[str, ...]) -> dict[str, str]:
    return {
        str(path): path.read_text(encoding="utf-8", errors="replace")
        for pattern in patterns
        for path in folder.rglob(pattern)
        if path.is_file()
    }
