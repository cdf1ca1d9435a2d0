"""Whether the master-data dbt step has anything to rebuild.

The master data (dimensions, histories, reference seeds) is rebuilt whole, from the unpartitioned
feeds, the seeds and the SQL only; a run whose landing zone delivered none of those files, on an
unchanged project and day, would rebuild the same tables (a dbt process: ~15-25 s). The step
records what each successful build was built from (``raw._dbt_builds``) and skips the next when it
is the same: its assets are reported as not rebuilt, with the run that built them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import duckdb

from dagster_project.ingest.feeds import FEEDS
from dagster_project.settings import pii_key
from dagster_project.sql import query, table_exists

STEP = "dbt_master_data"


def master_data_fingerprint(con: duckdb.DuckDBPyConnection, manifest: Mapping[str, Any], today: date) -> str:
    """The project's code (every node's and macro's SQL, the seeds' content: dbt's checksums), the
    loader's ledger of the unpartitioned feeds, the local day (``as_of_date``) and the PII key
    (staging hashes with it), keyed so that the record does not reveal the key."""
    feeds = [name for name, feed in FEEDS.items() if not feed.partitioned]
    ledger = (
        con.execute(query("transform/ledger_state"), {"feeds": feeds}).fetchone()
        if table_exists(con, "raw", "_file_ledger")
        else None
    )
    code = sorted((uid, node["checksum"]["checksum"]) for uid, node in manifest["nodes"].items())
    macros = sorted((uid, macro["macro_sql"]) for uid, macro in manifest["macros"].items())
    blob = json.dumps([code, macros, [str(v) for v in ledger or ()], today.isoformat()])
    return hmac.new(pii_key(), blob.encode(), hashlib.sha256).hexdigest()


def last_build(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(fingerprint, run id) of the last successful master-data build, if any."""
    if not table_exists(con, "raw", "_dbt_builds"):
        return None
    row = con.execute(query("transform/last_dbt_build"), {"step": STEP}).fetchone()
    return (row[0], row[1]) if row else None


def record_build(con: duckdb.DuckDBPyConnection, fingerprint: str, run_id: str) -> None:
    con.execute(query("transform/create_dbt_builds"))
    con.execute(
        query("transform/insert_dbt_build"), {"step": STEP, "fingerprint": fingerprint, "run_id": run_id}
    )
