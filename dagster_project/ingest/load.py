"""Load landing files into schema ``raw``: check each row against its feed, quarantine, ledger.

One file is one unit of work, one unit of writes of the run's table store (``stores/``: one
transaction in the DuckDB file; in the lake, files renamed into place with the ledger row last):

* the file is read whole first (hash, size, encoding). UTF-8 (with or without BOM) loads as is;
  a file that is valid GB18030/GBK is transcoded and loaded (the ledger records the encoding);
  anything else, a truncated gzip, an unreadable Parquet file or a missing contract column
  rejects the file whole, with a message naming file and reason, and nothing of it is loaded;
* every row is parsed with DuckDB's own readers into the contract's types; a row that breaks
  a rule (missing key or value, unparseable value, unknown enum, negative amount, out of range,
  unknown hard foreign key, malformed CSV line) goes to ``raw._quarantine`` with file, line,
  rules and raw text, and the rest of the file loads;
* a re-delivered file (same name) replaces that file's earlier rows and quarantine entries;
  an unchanged file (same name and hash) is skipped, so re-running a load changes nothing.
  Which delivery of a business key wins is decided in staging (latest file date, then line);
* every file in a feed's folder is accounted for: a file whose name breaks the naming rule is
  rejected like an unreadable one, never skipped. Each ledger row names the months the file
  points to (``attributed_months``: its file date's month; for a misnamed file, a date in its
  name or else the months of its rows' business time; none when nothing points anywhere, and
  then its rejection holds back every month gated). A rejection holds until the file is
  re-delivered readable or removed from the landing zone (then the ledger records it
  ``withdrawn``).

Line numbers count the header as line 1; they equal physical lines unless an earlier quoted
field spans lines. Quarantined raw text is the row's fields as a JSON object (or the CSV line
itself when the parser could not split it).
"""

from __future__ import annotations

import codecs
import gzip
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from dagster_project.failpoints import failpoint
from dagster_project.ingest.discovery import LandingFile, file_sha256, landing_files
from dagster_project.ingest.feeds import DUCKDB_TYPES, FEEDS, Column, Feed
from dagster_project.settings import LOCAL_TIMEZONE
from dagster_project.sql import query
from dagster_project.stores import WAREHOUSE_FILE, TableStore, Writes

META_COLUMNS = (
    ("_file_name", "VARCHAR"),
    ("_file_date", "DATE"),
    ("_line_number", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
)
_CHUNK = 1 << 20


class RejectedFile(Exception):
    """The file cannot be read as its feed: it is rejected whole."""


@dataclass(frozen=True)
class FileResult:
    file: str
    status: str  # loaded | rejected | unchanged | withdrawn | in_flight
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    months: tuple[str, ...] = ()  # YYYY-MM the file points to; () for none
    rows_read: int = 0  # rows (and unreadable lines) the reader found: loaded + quarantined
    rows_superseded: int = 0  # rows of the file's earlier delivery this one replaced


# --------------------------------------------------------------------------- DDL


def _create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for feed in FEEDS.values():
        cols = [f"{c.name} {DUCKDB_TYPES[c.type]}" for c in feed.columns]
        cols += [f"{name} {type_}" for name, type_ in META_COLUMNS]
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{feed.name} ({', '.join(cols)})")
    con.execute(query("load/create_ledger_and_quarantine"))


def ensure_raw_schema(con: duckdb.DuckDBPyConnection, store: TableStore = WAREHOUSE_FILE) -> None:
    """Create schema ``raw``, one typed table per feed, the ledger and the quarantine in ``store``,
    and the accounting view (``raw._row_accounting``) over them."""
    store.define(con, _create_raw_tables)
    every_raw_row = " UNION ALL ".join(
        f"SELECT _file_name, _file_date FROM raw.{feed.name}" for feed in FEEDS.values()
    )
    con.execute(f"CREATE OR REPLACE VIEW raw._raw_file_rows AS {every_raw_row}")
    con.execute(query("load/create_row_accounting"))


# --------------------------------------------------------------------------- reading


def _byte_chunks(path: Path) -> Iterator[bytes]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


@dataclass(frozen=True)
class TextShape:
    """What one pass over a CSV file's bytes found: its encoding, and whether its lines end
    both ways (``\\n`` and ``\\r\\n``), which DuckDB's strict CSV reader cannot split."""

    encoding: str
    mixed_line_endings: bool


def _scan(path: Path, encoding: str) -> TextShape | None:
    """Decode the whole file strictly and count its line endings; None if it does not decode."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    crlf = bare_lf = 0
    previous_cr = False
    try:
        for chunk in _byte_chunks(path):
            decoder.decode(chunk)
            # \r and \n are single bytes in UTF-8 and GB18030 and never part of another character
            pairs = chunk.count(b"\r\n") + (previous_cr and chunk.startswith(b"\n"))
            crlf += pairs
            bare_lf += chunk.count(b"\n") - pairs
            previous_cr = chunk.endswith(b"\r")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return TextShape(encoding, crlf > 0 and bare_lf > 0)


def detect_encoding(path: Path) -> TextShape:
    """``utf-8`` or ``gb18030`` and the line endings; raise :class:`RejectedFile` for anything else."""
    try:
        if path.stat().st_size == 0:
            raise RejectedFile("empty file (0 bytes): not even a header")
        for encoding, name in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
            if shape := _scan(path, encoding):
                return TextShape(name, shape.mixed_line_endings)
    except (EOFError, OSError, zlib.error) as exc:
        raise RejectedFile(f"cannot decompress: {exc}") from exc
    raise RejectedFile("not valid UTF-8 and not decodable as GBK/GB18030 either")


def _normalised_copy(path: Path, shape: TextShape, folder: Path) -> Path:
    """A UTF-8 copy of the file with every line ending ``\\n`` (quoted fields' too)."""
    target = folder / "normalised.csv"
    decoder = codecs.getincrementaldecoder("utf-8-sig" if shape.encoding == "utf-8" else shape.encoding)(
        errors="strict"
    )
    carry = ""
    with target.open("w", encoding="utf-8", newline="") as out:
        for chunk in _byte_chunks(path):
            text = carry + decoder.decode(chunk)
            carry = "\r" if text.endswith("\r") else ""
            out.write((text[:-1] if carry else text).replace("\r\n", "\n"))
        out.write((carry + decoder.decode(b"", final=True)).replace("\r\n", "\n"))
    return target


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _stage_file(con: duckdb.DuckDBPyConnection, path: Path, csv_path: Path) -> None:
    """Read the file into temp table ``_stage`` (all VARCHAR, ``_line``) and ``_stage_rejects``."""
    for table in ("_stage", "_stage_rejects", "_rej_errors", "_rej_scans"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    if path.name.endswith(".parquet"):
        try:
            con.execute(
                f"CREATE TEMP TABLE _stage AS SELECT COLUMNS(*)::VARCHAR, "
                f"row_number() OVER () AS _line FROM read_parquet({_sql_str(str(path))})"
            )
        except duckdb.Error as exc:
            raise RejectedFile(f"unreadable Parquet file: {exc}") from exc
        con.execute("CREATE TEMP TABLE _stage_rejects (line BIGINT, rule VARCHAR, raw_text VARCHAR)")
        return
    try:
        con.execute(
            f"""CREATE TEMP TABLE _stage AS
            SELECT *, row_number() OVER () AS _row FROM read_csv(
                {_sql_str(str(csv_path))}, header = true, all_varchar = true, delim = ',',
                quote = '"', escape = '"', compression = 'auto', ignore_errors = true,
                store_rejects = true, rejects_table = '_rej_errors', rejects_scan = '_rej_scans',
                null_padding = false)"""
        )
    except duckdb.Error as exc:
        raise RejectedFile(f"unreadable CSV: {exc}") from exc
    con.execute(query("load/stage_csv_rejects"))
    n_rows = con.execute("SELECT count(*) FROM _stage").fetchone()[0]
    n_rej = con.execute("SELECT count(*) FROM _stage_rejects").fetchone()[0]
    con.execute(query("load/number_stage_lines"), {"last_line": n_rows + n_rej + 1})


# --------------------------------------------------------------------------- validation SQL


def _parsed(col: Column, src: str) -> str:
    """SQL that turns the VARCHAR ``src`` into the column's contract type (NULL if it cannot).

    An empty cell of an optional text column is kept as ``''``: the file has the column, so the
    empty cell is a value (it clears what earlier rows said), while a file without the column
    loads NULL, no value (scorecard.md, "Readings settled for v2": ``staff_manager_id``).
    """
    text = f"nullif(trim({src}), '')"
    if col.type == "text":
        return f"coalesce(trim({src}), '')" if col.optional else text
    if col.type == "timestamp":
        # the session time zone is Asia/Shanghai: naive strings are local, offsets convert
        return f"timezone('{LOCAL_TIMEZONE}', try_cast({text} AS TIMESTAMPTZ))"
    return f"try_cast({text} AS {DUCKDB_TYPES[col.type]})"


def rule_checks(feed: Feed, present: Iterable[str]) -> list[tuple[str, str]]:
    """``(rule, SQL condition that is true when the row breaks it)`` for every column rule.

    Reads ``_stage``'s VARCHAR column ``c`` and its parsed value ``p__c``.
    """
    present = set(present)
    checks: list[tuple[str, str]] = []
    for col in feed.columns:
        if col.name not in present:
            continue
        raw, val = f'"{col.name}"', f"p__{col.name}"
        is_blank = f"nullif(trim({raw}), '') IS NULL"
        if col.name in feed.key:
            checks.append((f"missing_key:{col.name}", is_blank))
        elif not col.nullable:
            checks.append((f"missing_value:{col.name}", is_blank))
        if col.type != "text":
            checks.append((f"unparseable_{col.type}:{col.name}", f"NOT {is_blank} AND {val} IS NULL"))
        if col.type == "decimal":
            # CNY has two decimals: 12.345 would be rounded to 12.35 by the cast, so it is refused
            exact = f"try_cast(nullif(trim({raw}), '') AS DECIMAL(38, 10))"
            checks.append((f"more_than_2_decimals:{col.name}", f"{exact} <> {val}"))
        if col.enum:
            allowed = ", ".join(_sql_str(v) for v in col.enum)
            checks.append((f"unknown_enum:{col.name}", f"{val} NOT IN ({allowed})"))
        if col.non_negative:
            checks.append((f"negative_value:{col.name}", f"{val} < 0"))
        if col.value_range:
            low, high = col.value_range
            checks.append((f"out_of_range:{col.name}", f"{val} NOT BETWEEN {low} AND {high}"))
        if col.name in feed.hard_fks:
            target, target_col = feed.hard_fks[col.name]
            checks.append(
                (
                    f"unknown_foreign_key:{col.name}",
                    f"{val} IS NOT NULL AND {val} NOT IN "
                    f"(SELECT {target_col} FROM raw.{target} WHERE {target_col} IS NOT NULL)",
                )
            )
    return checks


def _checked_sql(feed: Feed, present: list[str]) -> str:
    parsed = [
        f"{_parsed(c, chr(34) + c.name + chr(34))} AS p__{c.name}"
        if c.name in present
        else f"CAST(NULL AS {DUCKDB_TYPES[c.type]}) AS p__{c.name}"
        for c in feed.columns
    ]
    rules = [
        f"CASE WHEN coalesce({cond}, false) THEN '{rule}' END" for rule, cond in rule_checks(feed, present)
    ]
    raw_json = "to_json(struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in present) + "))"
    return f"""
        SELECT *,
            concat_ws('; ', {", ".join(rules) or "NULL"}) AS _rules,
            CAST({raw_json} AS VARCHAR) AS _raw_text
        FROM (SELECT *, {", ".join(parsed)} FROM _stage)"""


# --------------------------------------------------------------------------- loading


def _latest_ledger(con: duckdb.DuckDBPyConnection, file_name: str) -> tuple[str, str, datetime] | None:
    """The file's latest ledger row: hash, status and when."""
    return con.execute(query("load/latest_ledger_entry"), {"file_name": file_name}).fetchone()


def _awaits_parents(con: duckdb.DuckDBPyConnection, feed: Feed, file_name: str, since: datetime) -> bool:
    """True when rows of the file sit in quarantine for an unknown hard foreign key and a table
    they point to was loaded since: the file is re-evaluated (late master data, contract.md)."""
    targets = sorted({target for target, _ in feed.hard_fks.values()})
    if not targets:
        return False
    waiting = con.execute(query("load/rows_awaiting_parents"), {"file_name": file_name}).fetchone()[0]
    if not waiting:
        return False
    newest = " UNION ALL ".join(f"SELECT max(_loaded_at) AS newest FROM raw.{t}" for t in targets)
    latest = con.execute(f"SELECT max(newest) FROM ({newest})").fetchone()[0]
    return latest is not None and latest > since


def _record(
    writes: Writes,
    lf: LandingFile,
    size: int | None,
    sha: str | None,
    encoding: str | None,
    result: FileResult,
    now: datetime,
) -> None:
    """The ledger row of one attempt (the commit record of a load: written last)."""
    writes.append(
        "raw._file_ledger",
        query("load/ledger_entry"),
        [
            lf.feed,
            lf.name,
            lf.file_date,
            size,
            sha,
            encoding,
            result.status,
            result.rows_loaded,
            result.rows_quarantined,
            result.message,
            now,
            ",".join(result.months) or None,
            result.rows_read,
            result.rows_superseded,
        ],
    )


def content_months(con: duckdb.DuckDBPyConnection, lf: LandingFile) -> tuple[str, ...]:
    """``YYYY-MM`` of the business time of a file's rows, read as leniently as possible.

    For a rejected file whose name points to no month: the months its content points to. Empty
    when the feed has no business time (master data) or nothing of the file can be read.
    """
    column = FEEDS[lf.feed].business_time
    if column is None:
        return ()
    path = _sql_str(str(lf.path))
    reader = (
        f"read_parquet({path})"
        if lf.path.name.endswith(".parquet")
        else f"read_csv({path}, header = true, all_varchar = true, ignore_errors = true)"
    )
    try:
        rows = con.execute(
            f"SELECT DISTINCT strftime(timezone('{LOCAL_TIMEZONE}', try_cast(\"{column}\" AS TIMESTAMPTZ)), "
            f"'%Y-%m') AS month FROM {reader} WHERE month IS NOT NULL ORDER BY month"
        ).fetchall()
    except duckdb.Error:
        return ()
    return tuple(r[0] for r in rows)


def _stat(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _missing_columns_message(present: list[str], missing: list[str]) -> str:
    message = f"missing contract column(s): {', '.join(missing)}"
    header = [c for c in present if c != "_line"]
    if len(header) == 1:
        delimiter = next((d for d in (";", "\t", "|") if d in header[0]), None)
        if delimiter:
            message += (
                f" (the header is one column: is the file {delimiter!r}-delimited? the contract's is ',')"
            )
    return message


def load_file(
    con: duckdb.DuckDBPyConnection, lf: LandingFile, force: bool = False, store: TableStore = WAREHOUSE_FILE
) -> FileResult:
    """Load one delivery (see the module docstring); never raises for bad content."""
    feed = FEEDS[lf.feed]
    now = datetime.now()
    if lf.refusal:
        previous = _latest_ledger(con, lf.name)
        if previous and previous[1] == "rejected" and previous[0] is None and not force:
            return FileResult(lf.name, "unchanged")  # refused before, recorded then
        result = FileResult(
            lf.name,
            "rejected",
            message=f"{lf.path}: {lf.refusal}",
            months=tuple(filter(None, [lf.named_month])),
        )
        with store.writing(con) as writes:
            _record(writes, lf, None, None, None, result, now)
        return result
    before = _stat(lf.path)
    size, sha = before[0], file_sha256(lf.path)
    previous = _latest_ledger(con, lf.name)
    reevaluate = False
    if previous and previous[0] == sha and previous[1] not in ("withdrawn", "in_flight") and not force:
        reevaluate = previous[1] == "loaded" and _awaits_parents(con, feed, lf.name, previous[2])
        if not reevaluate:
            return FileResult(lf.name, "unchanged")
    encoding: str | None = None
    con.execute(f"SET TimeZone = '{LOCAL_TIMEZONE}'")
    with tempfile.TemporaryDirectory(prefix="scorecard-load-") as tmp:
        try:
            if lf.file_date is None:
                raise RejectedFile(f"file name does not match {feed.name}_<YYYY-MM-DD>.csv[.gz]|.parquet")
            csv_path = lf.path
            if not lf.path.name.endswith(".parquet"):
                shape = detect_encoding(lf.path)
                encoding = shape.encoding
                if encoding != "utf-8" or shape.mixed_line_endings:
                    csv_path = _normalised_copy(lf.path, shape, Path(tmp))
                    if shape.mixed_line_endings:
                        encoding += ", mixed line endings normalised"
            _stage_file(con, lf.path, csv_path)
            present = [r[0] for r in con.execute("DESCRIBE _stage").fetchall()]
            missing = [c for c in feed.required_columns if c not in present]
            if missing:
                raise RejectedFile(_missing_columns_message(present, missing))
        except RejectedFile as exc:
            months = (lf.named_month,) if lf.named_month else content_months(con, lf)
            result = FileResult(lf.name, "rejected", message=f"{lf.path}: {exc}", months=months)
            with store.writing(con) as writes:
                _record(writes, lf, size, sha, encoding, result, now)
            return result

        con.execute(f"CREATE OR REPLACE TEMP TABLE _checked AS {_checked_sql(feed, present)}")
        loaded, quarantined = con.execute(query("load/count_checked_rows")).fetchone()
        if _stat(lf.path) != before:
            result = FileResult(
                lf.name,
                "in_flight",
                message=f"{lf.path}: changed while it was read (still being "
                "written?); not loaded, the next load takes it once it is complete",
            )
            with store.writing(con) as writes:
                _record(writes, lf, size, sha, encoding, result, now)
            return result
        message = f"loaded {loaded} rows ({encoding or 'parquet'})"
        if quarantined:
            message += f", quarantined {quarantined}"
        if reevaluate:
            message = "re-evaluated after its parents were loaded: " + message
        months = (lf.named_month,) if lf.named_month else ()
        result = FileResult(
            lf.name,
            "loaded",
            loaded,
            quarantined,
            message,
            months,
            loaded + quarantined,
            store.rows_of(con, f"raw.{feed.name}", "_file_name", lf.name)
            + store.rows_of(con, "raw._quarantine", "file_name", lf.name),
        )
        rows = ", ".join(f"p__{c} AS {c}" for c in feed.column_names)
        with store.writing(con) as writes:
            writes.replace(
                f"raw.{feed.name}",
                "_file_name",
                lf.name,
                f"""SELECT {rows}, CAST($1 AS VARCHAR) AS _file_name, CAST($2 AS DATE) AS _file_date,
                    _line AS _line_number, CAST($3 AS TIMESTAMP) AS _loaded_at
                FROM _checked WHERE _rules = '' ORDER BY _line""",
                [lf.name, lf.file_date, now],
            )
            writes.replace(
                "raw._quarantine",
                "file_name",
                lf.name,
                query("load/quarantined_rows"),
                [feed.name, lf.name, lf.file_date, now],
            )
            _record(writes, lf, size, sha, encoding, result, now)
            failpoint("load.before_commit")
    return result


def withdraw_missing(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, feed: str, store: TableStore = WAREHOUSE_FILE
) -> list[FileResult]:
    """Record as ``withdrawn`` every rejected file of ``feed`` that left the landing zone.

    A rejection holds back its months until it is resolved: by a readable re-delivery under the
    same name (then the file is ``loaded``) or by removing the file (then it is ``withdrawn``).
    """
    rejected = con.execute(query("load/rejected_files_of_feed"), {"feed": feed}).fetchall()
    results = []
    now = datetime.now()
    for file_name, file_date in rejected:
        path = landing_dir / file_name
        if path.exists():
            continue
        result = FileResult(file_name, "withdrawn", message=f"{path}: no longer in the landing zone")
        with store.writing(con) as writes:
            folder = file_name.rpartition("/")[0]  # a stray folder's files keep their own name
            _record(writes, LandingFile(feed, path, file_date, folder=folder), None, None, None, result, now)
        results.append(result)
    return results


def load_feed(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    feed: str,
    start: date | None = None,
    end: date | None = None,
    force: bool = False,
    store: TableStore = WAREHOUSE_FILE,
) -> list[FileResult]:
    """Load every delivery of ``feed`` with a file date in [start, end) (all when both None), and
    every misnamed file of its folder (rejected), into ``store``; record rejected files that
    were removed."""
    ensure_raw_schema(con, store)
    results = [load_file(con, lf, force, store) for lf in landing_files(landing_dir, feed, start, end)]
    return results + withdraw_missing(con, landing_dir, feed, store)
