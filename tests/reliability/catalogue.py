"""The bad-input catalogue: landing files as real feeds break them, each with its expected outcome.

Every case writes its own file(s) into one landing zone (its own feed and day, its own business
keys, so that cases never touch each other) and says what the loader must make of them:
``Loaded`` (rows loaded and quarantined, with the rules broken) or ``Rejected`` (the file refused
whole, the message naming file and reason). ``tests/reliability/README.md`` lists every case.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.ingest.feeds import FEEDS

LEAD_COLUMNS = FEEDS["leads"].column_names


@dataclass(frozen=True)
class Loaded:
    loaded: int
    quarantined: int = 0
    rules: frozenset[str] = frozenset()  # every rule named in the file's quarantine


@dataclass(frozen=True)
class Rejected:
    reason: str  # a phrase the ledger's message must hold (beside the file's path)


@dataclass(frozen=True)
class Case:
    id: str
    what: str
    file: str  # the landing file the outcome is about (feed/name)
    write: Callable[[Path], None]
    outcome: Loaded | Rejected
    #: extra assertions on the warehouse after the load: (name, SQL returning one row, expected row)
    checks: tuple[tuple[str, str, tuple], ...] = field(default_factory=tuple)


def lead(lead_id: str, day: str, **changes: object) -> dict[str, object]:
    row = {
        "lead_id": lead_id,
        "client_id": "C1",
        "created_at": f"{day}T10:00:00",
        "source_channel": "community",
        "source_community_id": "K1",
        "manager_id": "M1",
        "product": "term_loan",
        "requested_amount": "100.00",
    }
    return {**row, **changes}


def csv_text(
    columns: list[str], rows: list[dict[str, object]], delimiter: str = ",", newline: str = "\n"
) -> str:
    """CSV as the bank's systems write it: fields quoted when they hold a delimiter, quote or newline."""

    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(columns)] + [delimiter.join(cell(r.get(c)) for c in columns) for r in rows]
    return newline.join(lines) + newline


def _put(landing: Path, feed: str, name: str, data: bytes) -> None:
    folder = landing / feed
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def _leads_file(
    day: str, rows: list[dict], columns: list[str] | None = None, **fmt: str
) -> Callable[[Path], None]:
    text = csv_text(columns or LEAD_COLUMNS, rows, **fmt)
    return lambda landing: _put(landing, "leads", f"leads_{day}.csv", text.encode("utf-8"))


def _text_file(
    feed: str, day: str, rows: list[dict], encoding: str, newline: str = "\n"
) -> Callable[[Path], None]:
    text = csv_text(FEEDS[feed].column_names, rows, newline=newline)
    return lambda landing: _put(landing, feed, f"{feed}_{day}.csv", text.encode(encoding))


def content(content_id: str, day: str, title: str) -> dict[str, object]:
    return {
        "content_id": content_id,
        "community_id": "K1",
        "author_manager_id": "M1",
        "content_type": "industry_news",
        "published_at": f"{day}T09:00:00",
        "title": title,
    }


def survey(response_id: str, day: str, comment: str) -> dict[str, object]:
    return {
        "response_id": response_id,
        "community_id": "K1",
        "member_id": "U1",
        "submitted_at": f"{day}T12:00:00",
        "score": 9,
        "comment": comment,
    }


def _gzip_truncated(landing: Path) -> None:
    whole = gzip.compress(csv_text(LEAD_COLUMNS, [lead("GZ1", "2025-06-09")]).encode())
    _put(landing, "leads", "leads_2025-06-09.csv.gz", whole[: len(whole) // 2])


def _mixed_line_endings(landing: Path) -> None:
    rows = [lead(f"MX{i}", "2025-06-14") for i in range(1, 5)]
    lines = csv_text(LEAD_COLUMNS, rows).splitlines()
    endings = ["\r\n", "\n", "\r\n", "\n", "\n"]
    _put(
        landing,
        "leads",
        "leads_2025-06-14.csv",
        "".join(a + b for a, b in zip(lines, endings, strict=True)).encode(),
    )


def _duplicates_across_files(landing: Path) -> None:
    _leads_file("2025-06-23", [lead("DUPX", "2025-06-23", requested_amount="1.00")])(landing)
    _leads_file("2025-06-24", [lead("DUPX", "2025-06-23", requested_amount="2.00")])(landing)


def _symlink_out(landing: Path) -> None:
    outside = landing.parent / "outside_the_zone.csv"
    outside.write_text(csv_text(LEAD_COLUMNS, [lead("OUTSIDE1", "2025-06-26")]), encoding="utf-8")
    (landing / "leads").mkdir(parents=True, exist_ok=True)
    (landing / "leads" / "leads_2025-06-26.csv").symlink_to(outside)


def _traversal_name(landing: Path) -> None:
    # a name carrying "../" as backslashes (legal in a POSIX file name): not the contract's name
    _put(
        landing,
        "leads",
        "leads..\\..\\2025-06-27.csv",
        csv_text(LEAD_COLUMNS, [lead("TRAV1", "2025-06-27")]).encode(),
    )


def _late_child(landing: Path) -> None:
    row = {
        "application_id": "APLATE",
        "lead_id": "LLATE",  # delivered later (tests/reliability/test_bad_inputs.py)
        "client_id": "C1",
        "submitted_at": "2025-06-20T10:00:00",
        "amount": "500.00",
        "product": "term_loan",
        "decision": "approved",
        "decided_at": "2025-06-21T10:00:00",
        "approved_amount": "500.00",
    }
    _text_file("applications", "2025-06-20", [row], "utf-8")(landing)


QUOTED_TITLE = '他说"社群, 很好"\n第二行'
EMOJI_COMMENT = "服务很好 👍🏻 ✨ 下次再来"
GBK_TITLE = "绿色信贷政策解读"
GB18030_COMMENT = "满意 😀 𠀀"  # an emoji and a CJK Extension B character: GB18030, not GBK

CASES: tuple[Case, ...] = (
    Case(
        "wrong_delimiter",
        "';' instead of ','",
        "leads/leads_2025-06-01.csv",
        _leads_file("2025-06-01", [lead("DL1", "2025-06-01")], delimiter=";"),
        Rejected("';'-delimited"),
    ),
    Case(
        "missing_column",
        "a contract column absent",
        "leads/leads_2025-06-02.csv",
        _leads_file("2025-06-02", [lead("MC1", "2025-06-02")], [c for c in LEAD_COLUMNS if c != "product"]),
        Rejected("missing contract column(s): product"),
    ),
    Case(
        "extra_column",
        "a column the contract does not know",
        "leads/leads_2025-06-03.csv",
        _leads_file("2025-06-03", [{**lead("EC1", "2025-06-03"), "note": "x"}], [*LEAD_COLUMNS, "note"]),
        Loaded(1),
    ),
    Case(
        "reordered_columns",
        "the contract's columns in another order",
        "leads/leads_2025-06-04.csv",
        _leads_file("2025-06-04", [lead("RO1", "2025-06-04", requested_amount="77.00")], LEAD_COLUMNS[::-1]),
        Loaded(1),
        (("amount read by name", "SELECT requested_amount FROM raw.leads WHERE lead_id = 'RO1'", (77,)),),
    ),
    Case(
        "renamed_column",
        "manager_id delivered as manager",
        "leads/leads_2025-06-05.csv",
        _leads_file(
            "2025-06-05",
            [{**lead("RN1", "2025-06-05"), "manager": "M1"}],
            [("manager" if c == "manager_id" else c) for c in LEAD_COLUMNS],
        ),
        Rejected("missing contract column(s): manager_id"),
    ),
    Case(
        "empty_file",
        "0 bytes",
        "leads/leads_2025-06-06.csv",
        lambda landing: _put(landing, "leads", "leads_2025-06-06.csv", b""),
        Rejected("empty file"),
    ),
    Case(
        "header_only",
        "the header and no row",
        "leads/leads_2025-06-07.csv",
        _leads_file("2025-06-07", []),
        Loaded(0),
    ),
    Case(
        "truncated_gzip",
        "a .csv.gz cut in half",
        "leads/leads_2025-06-09.csv.gz",
        _gzip_truncated,
        Rejected("cannot decompress"),
    ),
    Case(
        "gbk",
        "GBK-encoded Chinese text",
        "content/content_2025-06-10.csv",
        _text_file("content", "2025-06-10", [content("CTGBK", "2025-06-10", GBK_TITLE)], "gbk"),
        Loaded(1),
        (
            (
                "decoded, not mojibake",
                "SELECT title FROM raw.content WHERE content_id = 'CTGBK'",
                (GBK_TITLE,),
            ),
        ),
    ),
    Case(
        "gb18030",
        "GB18030 with characters GBK lacks",
        "surveys/surveys_2025-06-10.csv",
        _text_file("surveys", "2025-06-10", [survey("SVGB", "2025-06-10", GB18030_COMMENT)], "gb18030"),
        Loaded(1),
        (("decoded", "SELECT comment FROM raw.surveys WHERE response_id = 'SVGB'", (GB18030_COMMENT,)),),
    ),
    Case(
        "utf8_bom",
        "UTF-8 with a byte-order mark",
        "leads/leads_2025-06-11.csv",
        lambda landing: _put(
            landing,
            "leads",
            "leads_2025-06-11.csv",
            b"\xef\xbb\xbf" + csv_text(LEAD_COLUMNS, [lead("BOM1", "2025-06-11")]).encode(),
        ),
        Loaded(1),
        (("first column named lead_id", "SELECT count(*) FROM raw.leads WHERE lead_id = 'BOM1'", (1,)),),
    ),
    Case(
        "windows_line_endings",
        "\\r\\n on every line",
        "leads/leads_2025-06-12.csv",
        _leads_file("2025-06-12", [lead("CR1", "2025-06-12"), lead("CR2", "2025-06-12")], newline="\r\n"),
        Loaded(2),
        (
            (
                "no \\r kept",
                "SELECT count(*) FROM raw.leads WHERE lead_id LIKE 'CR%' AND requested_amount = 100",
                (2,),
            ),
        ),
    ),
    Case(
        "mixed_line_endings",
        "\\n and \\r\\n in one file",
        "leads/leads_2025-06-14.csv",
        _mixed_line_endings,
        Loaded(4),
    ),
    Case(
        "quotes_and_newlines",
        "a quoted field holding quotes, a comma and a newline",
        "content/content_2025-06-15.csv",
        _text_file("content", "2025-06-15", [content("CTQ", "2025-06-15", QUOTED_TITLE)], "utf-8"),
        Loaded(1),
        (("kept exactly", "SELECT title FROM raw.content WHERE content_id = 'CTQ'", (QUOTED_TITLE,)),),
    ),
    Case(
        "chinese_and_emoji",
        "Chinese text and emoji in free text",
        "surveys/surveys_2025-06-15.csv",
        _text_file("surveys", "2025-06-15", [survey("SVEMO", "2025-06-15", EMOJI_COMMENT)], "utf-8"),
        Loaded(1),
        (("kept exactly", "SELECT comment FROM raw.surveys WHERE response_id = 'SVEMO'", (EMOJI_COMMENT,)),),
    ),
    Case(
        "thousands_separator",
        "an amount written 1,234.50",
        "leads/leads_2025-06-16.csv",
        _leads_file(
            "2025-06-16", [lead("TS1", "2025-06-16", requested_amount="1,234.50"), lead("TS2", "2025-06-16")]
        ),
        Loaded(1, 1, frozenset({"unparseable_decimal:requested_amount"})),
    ),
    Case(
        "more_than_2_decimals",
        "an amount of 12.345 CNY (the cast would round it)",
        "leads/leads_2025-06-17.csv",
        _leads_file(
            "2025-06-17", [lead("DEC1", "2025-06-17", requested_amount="12.345"), lead("DEC2", "2025-06-17")]
        ),
        Loaded(1, 1, frozenset({"more_than_2_decimals:requested_amount"})),
    ),
    Case(
        "other_date_formats",
        "15/06/2025 and 20250615 (ambiguous or compact: quarantined); 2025/06/18 10:00:00 (Y/M/D: read)",
        "leads/leads_2025-06-18.csv",
        _leads_file(
            "2025-06-18",
            [
                lead("DF1", "2025-06-18", created_at="18/06/2025 10:00"),
                lead("DF2", "2025-06-18", created_at="20250618"),
                lead("DF3", "2025-06-18", created_at="2025/06/18 10:00:00"),
            ],
        ),
        Loaded(1, 2, frozenset({"unparseable_timestamp:created_at"})),
    ),
    Case(
        "timestamp_offsets",
        "Z, +08:00 and naive timestamps (naive is local; offsets convert to Asia/Shanghai)",
        "leads/leads_2025-06-19.csv",
        _leads_file(
            "2025-06-19",
            [
                lead("TZ1", "2025-06-19", created_at="2025-06-30T20:00:00Z"),
                lead("TZ2", "2025-06-19", created_at="2025-06-19T10:00:00+08:00"),
                lead("TZ3", "2025-06-19", created_at="2025-06-19T10:00:00"),
            ],
        ),
        Loaded(3),
        (
            (
                "local times",
                "SELECT list(strftime(created_at, '%Y-%m-%d %H:%M') ORDER BY lead_id) FROM raw.leads "
                "WHERE lead_id LIKE 'TZ%'",
                (["2025-07-01 04:00", "2025-06-19 10:00", "2025-06-19 10:00"],),
            ),
        ),
    ),
    Case(
        "row_rules",
        "missing key, unknown enum, negative amount in one file beside a good row",
        "leads/leads_2025-06-21.csv",
        _leads_file(
            "2025-06-21",
            [
                lead("", "2025-06-21"),
                lead("RR2", "2025-06-21", product="mortgage"),
                lead("RR3", "2025-06-21", requested_amount="-5.00"),
                lead("RR4", "2025-06-21"),
            ],
        ),
        Loaded(
            1,
            3,
            frozenset({"missing_key:lead_id", "unknown_enum:product", "negative_value:requested_amount"}),
        ),
    ),
    Case(
        "duplicate_key_in_file",
        "one lead twice in a file: both lines kept in raw, staging keeps the later line",
        "leads/leads_2025-06-22.csv",
        _leads_file(
            "2025-06-22",
            [
                lead("DUP1", "2025-06-22", requested_amount="1.00"),
                lead("DUP1", "2025-06-22", requested_amount="2.00"),
            ],
        ),
        Loaded(2),
        (
            (
                "the later line wins",
                "SELECT requested_amount FROM staging.stg_leads WHERE lead_id = 'DUP1'",
                (2,),
            ),
        ),
    ),
    Case(
        "duplicate_key_across_files",
        "one lead in two files: staging keeps the later file's row",
        "leads/leads_2025-06-24.csv",
        _duplicates_across_files,
        Loaded(1),
        (
            (
                "the later file wins",
                "SELECT requested_amount FROM staging.stg_leads WHERE lead_id = 'DUPX'",
                (2,),
            ),
        ),
    ),
    Case(
        "child_before_parent",
        "an application whose lead arrives later: quarantined, then re-evaluated and loaded",
        "applications/applications_2025-06-20.csv",
        _late_child,
        Loaded(0, 1, frozenset({"unknown_foreign_key:lead_id"})),
    ),
    Case(
        "future_month",
        "a file dated 2099-01-01",
        "leads/leads_2099-01-01.csv",
        _leads_file("2099-01-01", [lead("FUT1", "2099-01-01")]),
        Rejected("is after today"),
    ),
    Case(
        "symlink_out_of_zone",
        "a delivery that is a link to a file outside the landing zone",
        "leads/leads_2025-06-26.csv",
        _symlink_out,
        Rejected("links outside the landing zone"),
        (("nothing of it read", "SELECT count(*) FROM raw.leads WHERE lead_id = 'OUTSIDE1'", (0,)),),
    ),
    Case(
        "traversal_name",
        "a file named leads..\\..\\2025-06-27.csv",
        "leads/leads..\\..\\2025-06-27.csv",
        _traversal_name,
        Rejected("file name does not match"),
    ),
)
