"""Whether ``scorecard run`` has anything to do: the record of the last complete run.

A run over every month of the landing zone that finished (its gates may have held months back:
that outcome is the data's, and a rerun would reach it again) records what it was built from:

* the **build fingerprint**: every file the scores depend on besides the data (the dbt project,
  the template versions, the reference seeds, the GX suites, the pipeline's code and SQL, the
  locked dependencies) and the PII key (keyed, so the record does not reveal it);
* the **landing fingerprint**: the name, size and modification time of every file in the landing
  zone (no file is read: a file touched but unchanged costs one run that loads nothing);
* the **local day**: an open month is scored as of today, so a new day rescores it.

When all three are the same and the months are the same, the rerun has nothing to do
(:func:`nothing_to_do`). Anything else (one new file, an edited model, a new day while a month is
open) runs every month as before: a month's rules read earlier and later deliveries, so a file
can change months other than its own, and the loader skips the files it has already loaded.
The landing-zone sensor is the incremental path: it runs only the months of the files that
changed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from dagster_project.ingest.discovery import landing_files
from dagster_project.ingest.feeds import FEEDS
from dagster_project.locking import connect_waiting
from dagster_project.partitions import months_between
from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, SEEDS_DIR, pii_key
from dagster_project.sql import query, table_exists

#: What the scores are built from besides the data: folders (every file under them) and files.
BUILD_INPUTS: tuple[Path, ...] = (
    DBT_PROJECT_DIR / "dbt_project.yml",
    DBT_PROJECT_DIR / "profiles.yml",
    DBT_PROJECT_DIR / "models",
    DBT_PROJECT_DIR / "macros",
    DBT_PROJECT_DIR / "tests",
    SEEDS_DIR,
    PROJECT_ROOT / "expectations",
    PROJECT_ROOT / "dagster_project",
    PROJECT_ROOT / "requirements.lock",
)
_SOURCE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv", ".json", ".j2", ".lock", ".md"}


def _files_under(paths: Iterable[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and p.suffix in _SOURCE_SUFFIXES]
    return sorted(set(found))


def build_fingerprint(templates_dir: Path, dbt_target: str = "duckdb") -> str:
    """A digest of every file the scores depend on besides the data, of the PII key, and of the
    engine that builds them (a run on another target builds everything again)."""
    digest = hmac.new(pii_key(), digestmod=hashlib.sha256)
    if dbt_target != "duckdb":  # the digests recorded before there was a choice stay valid
        digest.update(f"dbt target {dbt_target}".encode())
    for path in _files_under([*BUILD_INPUTS, templates_dir]):
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def landing_fingerprint(landing: Path) -> str:
    """A digest of the landing zone's files: name, size and modification time (none is read)."""
    digest = hashlib.sha256()
    for feed in FEEDS:
        for lf in landing_files(landing, feed):
            stat = lf.path.lstat()
            digest.update(f"{lf.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class RunState:
    """What a run over ``first_month``..``last_month`` is (or was) built from."""

    first_month: str
    last_month: str
    build_fingerprint: str
    landing_fingerprint: str
    local_day: date

    @classmethod
    def now(
        cls,
        landing: Path,
        templates_dir: Path,
        first: str,
        last: str,
        today: date,
        dbt_target: str = "duckdb",
    ) -> RunState:
        return cls(
            first, last, build_fingerprint(templates_dir, dbt_target), landing_fingerprint(landing), today
        )


def last_completed(con: duckdb.DuckDBPyConnection) -> tuple[str, RunState] | None:
    """The run id and state of the latest complete run recorded in the warehouse, if any."""
    if not table_exists(con, "raw", "_completed_runs"):
        return None
    row = con.execute(query("run_state/last_completed_run")).fetchone()
    if row is None:
        return None
    run_id, first, last, build, landing, day, _ = row
    return run_id, RunState(first, last, build, landing, day)


def nothing_to_do(previous: RunState | None, current: RunState) -> bool:
    """The months, the build and the landing zone are those of the last complete run, and no month
    of it is open, or the day has not changed (an open month is scored as of today)."""
    if previous is None:
        return False
    same_inputs = (
        previous.first_month,
        previous.last_month,
        previous.build_fingerprint,
        previous.landing_fingerprint,
    ) == (current.first_month, current.last_month, current.build_fingerprint, current.landing_fingerprint)
    last = date.fromisoformat(f"{current.last_month}-01")
    open_then = not months_between(last, last + timedelta(days=1))[0].closed_on(previous.local_day)
    return same_inputs and (previous.local_day == current.local_day or not open_then)


def record_completed(con: duckdb.DuckDBPyConnection, run_id: str, state: RunState) -> None:
    con.execute(query("run_state/create_completed_runs"))
    con.execute(
        query("run_state/insert_completed_run"),
        {
            "run_id": run_id,
            "first_month": state.first_month,
            "last_month": state.last_month,
            "build_fingerprint": state.build_fingerprint,
            "landing_fingerprint": state.landing_fingerprint,
            "local_day": state.local_day,
        },
    )


def last_completed_run(warehouse: Path) -> tuple[str, RunState] | None:
    """:func:`last_completed` of the warehouse file (None for a file that does not exist yet)."""
    if not warehouse.exists():
        return None
    with connect_waiting(warehouse, read_only=True, wait_seconds=120) as con:
        return last_completed(con)


def record_completed_run(warehouse: Path, run_id: str, state: RunState) -> None:
    """Record that ``run_id`` finished over every month of the landing zone, built from ``state``."""
    with connect_waiting(warehouse, read_only=False, wait_seconds=120) as con:
        record_completed(con, run_id, state)
