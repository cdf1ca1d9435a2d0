"""Who may use the warehouse file, and what people are told when they cannot.

DuckDB lets one process write a file, and no reader in while it does. Two fences:

* :func:`run_lock`: one pipeline run per warehouse at a time (``<warehouse>.run.lock``, an OS
  file lock that dies with its process, so a killed run never leaves a stale lock). A second run
  waits up to its ``wait_seconds`` and then fails naming the run that holds the warehouse.
  (Runs the Dagster daemon launches are serialised by the instance's run queue, see
  ``dagster_home/dagster.yaml``.)
* :func:`connect_waiting`: a connection that waits while another process holds DuckDB's own
  lock, then fails naming that process.

Every connection to the warehouse (:func:`connect`) attaches the file under one catalog name,
:data:`CATALOG`, whatever the file is called: DuckDB names a database after its file, and a file
named after a schema (``marts.duckdb``) made ``marts.scorecard`` ambiguous.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>\S+) \(PID (?P<pid>\d+)\)")
#: Below this much free space at the warehouse's folder a run does not start.
MIN_FREE_BYTES = 64 * 1024 * 1024


#: The catalog name of the warehouse file in every connection the pipeline opens.
CATALOG = "scorecard"


def connect(warehouse: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file, attached as :data:`CATALOG` and in use, so that two-part
    names (``marts.scorecard``) mean a schema's table whatever the file's name."""
    con = duckdb.connect()
    try:
        path = str(warehouse).replace("'", "''")
        con.execute(f"ATTACH '{path}' AS {CATALOG}" + (" (READ_ONLY)" if read_only else ""))
        con.execute(f"USE {CATALOG}")
    except BaseException:
        con.close()
        raise
    return con


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be used now (busy, read-only, full); the message says why and what to do."""


def _holder_file(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".run.json")


def _holder(warehouse: Path) -> str:
    try:
        info = json.loads(_holder_file(warehouse).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another run"
    return f"the run of PID {info['pid']} started {info['started']} ({info['command']})"


def check_writable(warehouse: Path) -> None:
    """Refuse to start a run that cannot write: a read-only or (nearly) full disk."""
    folder = warehouse.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseUnavailable(f"cannot create the warehouse's folder {folder}: {exc.strerror}") from None
    if not os.access(folder, os.W_OK) or (warehouse.exists() and not os.access(warehouse, os.W_OK)):
        raise WarehouseUnavailable(
            f"the warehouse {warehouse} is not writable (read-only file system or permissions): "
            "point SCORECARD_WAREHOUSE at a writable disk"
        )
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        raise WarehouseUnavailable(
            f"the disk of {warehouse} is full ({free / 2**20:.1f} MiB free, a run needs at least "
            f"{MIN_FREE_BYTES / 2**20:.0f} MiB): free space or move SCORECARD_WAREHOUSE"
        )


@contextmanager
def run_lock(warehouse: Path, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the warehouse for one pipeline run; wait up to ``wait_seconds`` for another to end."""
    check_writable(warehouse)
    lock = FileLock(warehouse.with_name(warehouse.name + ".run.lock"))
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise WarehouseUnavailable(
            f"the warehouse {warehouse} is in use by {_holder(warehouse)}; "
            + (f"waited {wait_seconds:g} s. " if wait_seconds else "")
            + "Try again when it ends (scorecard run --wait SECONDS waits for it)."
        ) from None
    holder = _holder_file(warehouse)
    try:
        holder.write_text(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "started": f"{datetime.now():%Y-%m-%d %H:%M:%S}",
                    "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
                }
            ),
            encoding="utf-8",
        )
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()


def connect_waiting(warehouse: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection, waiting up to ``wait_seconds`` while another process holds the file."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return connect(warehouse, read_only=read_only)
        except duckdb.IOException as exc:
            holder = _LOCK_HOLDER.search(str(exc))
            if holder is None:
                raise WarehouseUnavailable(f"cannot open {warehouse}: {exc}") from None
            if time.monotonic() >= deadline:
                raise WarehouseUnavailable(
                    f"the warehouse {warehouse} is being written by another process "
                    f"({holder['program']}, PID {holder['pid']}: a pipeline run) and DuckDB lets no "
                    f"one else in while it writes; waited {wait_seconds:g} s"
                ) from None
            time.sleep(0.5)
