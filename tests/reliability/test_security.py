"""PII and the HMAC key: the generator's PII values appear nowhere past ``raw`` (the demo
warehouse built twice, its Dagster events and metadata, the GX Data Docs, the reports), the key
appears nowhere, and a run without a usable key refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dagster_project.quality.gates import gx_root_for
from dagster_project.settings import load_settings
from tests.reliability.pii_scan import event_texts, file_texts, pii_values, text_hits, warehouse_hits

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


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
