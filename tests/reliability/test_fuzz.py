"""Property-based fuzzing (hypothesis) of landing files, loaded by the real loader into DuckDB.

Rows: any values in any column (valid ones, and text with quotes, delimiters, line breaks, emoji,
blanks), written as a standard CSV: every record Python's own CSV reader finds is loaded or
quarantined, and the ledger's accounting adds up. Whole files: a valid delivery mangled
(truncated, bytes inserted, line endings mixed, a BOM, GB18030, gzip cut short): the loader
never raises; it loads with the accounting intact, or rejects the file naming it.
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.ingest.discovery import LandingFile
from dagster_project.ingest.load import ensure_raw_schema, load_file
from tests.reliability.catalogue import LEAD_COLUMNS, csv_text, lead

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.sampled_from(
    ['"', ",", "\n", "\r\n", "\r", ";", "'", " ", "\t", "👍", "社群", "\ufeff", "\\", "NULL"]
)
VALUES = {
    "created_at": st.sampled_from(
        ["2025-06-03T10:00:00", "2025-06-03T10:00:00Z", "2025/06/03 10:00", "03/06/2025"]
    ),
    "source_channel": st.sampled_from(["community", "branch", "referral", "online", "other", "COMMUNITY"]),
    "product": st.sampled_from(["term_loan", "green_loan", "mortgage"]),
    "requested_amount": st.sampled_from(["100", "100.5", "1,000.00", "-1", "12.345", "1e3", "0"]),
}


def cell(column: str) -> st.SearchStrategy[str]:
    free = st.lists(st.one_of(NASTY, st.text(max_size=6)), max_size=4).map("".join)
    return st.one_of(VALUES.get(column, free), free, st.just(""))


ROWS = st.lists(st.fixed_dictionaries({c: cell(c) for c in LEAD_COLUMNS}), max_size=25)


def _load(root: Path, name: str, data: bytes) -> tuple[duckdb.DuckDBPyConnection, object]:
    folder = root / "leads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    con = duckdb.connect()
    ensure_raw_schema(con)
    return con, load_file(con, LandingFile("leads", path, date(2025, 6, 3)))


def _held(con: duckdb.DuckDBPyConnection, file_name: str) -> int:
    return con.execute(
        "SELECT (SELECT count(*) FROM raw.leads WHERE _file_name = $f) "
        "+ (SELECT count(*) FROM raw._quarantine WHERE file_name = $f)",
        {"f": file_name},
    ).fetchone()[0]


@FUZZ
@given(rows=ROWS, newline=st.sampled_from(["\n", "\r\n"]))
def test_every_row_read_is_loaded_or_quarantined(
    rows: list[dict[str, str]], newline: str, tmp_path: Path, tally: object
) -> None:
    text = csv_text(LEAD_COLUMNS, rows, newline=newline)
    records = sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1
    con, result = _load(tmp_path, "leads_2025-06-03.csv", text.encode("utf-8"))
    held = _held(con, result.file)
    (unaccounted,) = con.execute(
        "SELECT coalesce(sum(rows_unaccounted), 0) FROM raw._row_accounting"
    ).fetchone()
    tally("bad_input", rows_lost=abs(records - held) + abs(unaccounted))
    assert result.status == "loaded", result.message
    assert result.rows_loaded + result.rows_quarantined == records == held
    assert result.rows_read == records and unaccounted == 0


def _mangle(data: bytes, how: str, where: float, junk: bytes) -> tuple[str, bytes]:
    cut = int(len(data) * where)
    if how == "truncate":
        return "leads_2025-06-03.csv", data[:cut]
    if how == "insert":
        return "leads_2025-06-03.csv", data[:cut] + junk + data[cut:]
    if how == "mixed_endings":
        lines = data.split(b"\n")
        return "leads_2025-06-03.csv", b"".join(
            line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(lines) if line or i < len(lines) - 1
        )
    if how == "bom":
        return "leads_2025-06-03.csv", b"\xef\xbb\xbf" + data
    if how == "gb18030":
        return "leads_2025-06-03.csv", data.decode("utf-8").encode("gb18030")
    if how == "gzip_cut":
        packed = gzip.compress(data)
        return "leads_2025-06-03.csv.gz", packed[: max(cut, 1)]
    return "leads_2025-06-03.csv.gz", gzip.compress(data)


@FUZZ
@given(
    how=st.sampled_from(["truncate", "insert", "mixed_endings", "bom", "gb18030", "gzip_cut", "gzip"]),
    where=st.floats(0, 1),
    junk=st.binary(max_size=12),
    n=st.integers(0, 12),
)
def test_a_mangled_file_loads_with_its_accounting_or_is_rejected_by_name(
    how: str, where: float, junk: bytes, n: int, tmp_path: Path, tally: object
) -> None:
    rows = [lead(f"F{i}", "2025-06-03", source_community_id="社群") for i in range(n)]
    name, data = _mangle(csv_text(LEAD_COLUMNS, rows).encode("utf-8"), how, where, junk)
    con, result = _load(tmp_path, name, data)
    tally("bad_input")
    assert result.status in ("loaded", "rejected"), result
    if result.status == "rejected":
        assert name in result.message and result.message.split(": ", 1)[1]
        assert _held(con, result.file) == 0
    else:
        assert result.rows_read == result.rows_loaded + result.rows_quarantined == _held(con, result.file)
        if how in ("bom", "gb18030", "mixed_endings", "gzip"):
            assert (result.rows_loaded, result.rows_quarantined) == (n, 0), result.message
    (unaccounted,) = con.execute(
        "SELECT coalesce(sum(rows_unaccounted), 0) FROM raw._row_accounting"
    ).fetchone()
    assert unaccounted == 0
