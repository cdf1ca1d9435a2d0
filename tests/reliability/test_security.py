"""PII and the HMAC key: the generator's PII values appear nowhere past ``raw`` (the demo
warehouse built twice, its Dagster events and metadata, the GX Data Docs, the reports), the key
appears nowhere, and a run without a usable key refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.ingest.feeds import FEEDS
from dagster_project.quality.gates import gx_root_for
from dagster_project.settings import load_settings

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

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


def test_no_pii_value_and_no_key_past_raw(demo_runs: dict, tally: object) -> None:
    warehouse, landing = demo_runs["warehouse"], demo_runs["landing"]
    values = pii_values(landing)
    assert len(values) > 100  # the scan looks for something real
    key = os.environ["SCORECARD_PII_KEY"]
    texts = {
        **event_texts(demo_runs["instance"]),
        **file_texts(gx_root_for(warehouse), ("*.html", "*.json")),
        **file_texts(warehouse.parent / "reports", ("*.html",)),
    }
    assert any("data_docs" in where for where in texts) and any(".html" in w for w in texts)
    # the scan finds PII where it is allowed (raw), so finding none past raw means something
    assert len(warehouse_hits(warehouse, values, ("raw",))) >= 5
    assert text_hits(file_texts(landing / "surveys", ("*.csv",)), values)
    hits = warehouse_hits(warehouse, values) + text_hits(texts, values)
    key_hits = [where for where, text in texts.items() if key in text]
    tally("security", rows_lost=0, pii_hits=len(hits) + len(key_hits))
    assert hits == [] and key_hits == []


def test_a_run_without_a_usable_key_refuses_to_start(tmp_path: Path, tally: object) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**os.environ, "SCORECARD_PII_KEY": "too-short", "SCORECARD_WAREHOUSE": str(warehouse)}
    env.pop("DAGSTER_HOME", None)
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run", "--landing", str(tmp_path)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    tally("security")
    assert done.returncode == 1 and "SCORECARD_PII_KEY" in done.stdout, done.stdout + done.stderr
    assert not warehouse.exists()
    assert load_settings({}).warehouse  # the settings need no key: only what hashes does
