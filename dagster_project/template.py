"""The scorecard template (考核细则) as data: load, validate, and write it to the warehouse.

A template version is a folder ``seeds/templates/<version>/`` of CSV files (one per section,
listed in :data:`SECTIONS`). Adding a version is adding a folder; nothing in the code
changes. Every rule a template must satisfy is checked here before anything is scored; a
broken template raises :class:`TemplateError`, whose message names the file, the row (as a
spreadsheet counts it: the header is row 1) and the field of every problem.

The validated rows are written to ``reference.template_<section>`` tables (all versions,
with a ``template_version`` column), which the dbt scoring models read as sources.
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.ingest.feeds import ROLES
from dagster_project.settings import SEEDS_DIR

DEFAULT_TEMPLATES_DIR = SEEDS_DIR / "templates"


def templates_dir() -> Path:
    """Where template versions live; SCORECARD_TEMPLATES_DIR points elsewhere (tests, drafts)."""
    return Path(os.environ.get("SCORECARD_TEMPLATES_DIR", DEFAULT_TEMPLATES_DIR))


METHODS = {
    "ratio_to_target": {"cap"},
    "inverse_ratio": {"cap"},
    "banded": set(),
    "inverse_banded": set(),
    "threshold": {"threshold"},
    "log_capped": set(),
    "percentile": set(),
}
OPTIONAL_PARAMS = {"red_line"}
DIMENSIONS = ("acquisition", "activity", "conversion", "risk", "brand", "data")
ENTITY_LEVELS = ("manager", "team", "branch")
SEVERITIES = ("minor", "major", "critical")
REQUIRED_PARAMETERS = {
    "anti_gaming_daily_event_limit": "number",
    "anti_gaming_excluded_share": "number",
    "anti_gaming_penalty_severity": "severity",
    "first_response_cap_minutes": "number",
}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text | number | bool | month
    required: bool = True
    choices: tuple[str, ...] | None = None
    #: value of a blank cell; a column with a default may also be left out of the header
    default: str | None = None


#: Rows of method_params.csv and bands.csv apply to every entity unless they name one (spec:
#: "targets, bands and red lines ... may be overridden per entity").
ENTITY_SCOPE = (
    Field("entity_level", required=False, choices=(*ENTITY_LEVELS, "*"), default="*"),
    Field("entity_id", required=False, default="*"),
)


@dataclass(frozen=True)
class Section:
    name: str
    fields: tuple[Field, ...]
    sql_types: dict[str, str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


SECTIONS: tuple[Section, ...] = (
    Section(
        "template",
        (
            Field("template_version"),
            Field("effective_from", "month"),
            Field("status", choices=("active", "candidate")),
            Field("description", required=False),
        ),
    ),
    Section(
        "indicators",
        (
            Field("role", choices=ROLES),
            Field("indicator_code"),
            Field("dimension", choices=DIMENSIONS),
            Field("name_zh"),
            Field("name_en"),
            Field("direction", choices=("higher", "lower")),
            Field("method", choices=tuple(METHODS)),
            Field("weight", "number"),
        ),
    ),
    Section(
        "method_params", (Field("indicator_code"), Field("param"), Field("value", "number"), *ENTITY_SCOPE)
    ),
    Section(
        "bands",
        (Field("indicator_code"), Field("threshold", "number"), Field("fraction", "number"), *ENTITY_SCOPE),
    ),
    Section(
        "targets",
        (
            Field("indicator_code"),
            Field("entity_level", choices=ENTITY_LEVELS),
            Field("entity_id"),
            Field("target", "number"),
        ),
    ),
    Section(
        "grades",
        (Field("grade"), Field("min_score", "number"), Field("incentive_multiplier", "number")),
    ),
    Section(
        "penalties",
        (
            Field("severity", choices=SEVERITIES),
            Field("manager_points", "number"),
            Field("team_points", "number"),
            Field("branch_points", "number"),
            Field("vetoes_manager", "bool"),
            Field("vetoes_team", "bool"),
            Field("vetoes_branch", "bool"),
        ),
    ),
    Section(
        "peer_groups",
        (
            Field("entity_level", choices=ENTITY_LEVELS),
            Field("grouping", choices=("branch", "size_band")),
            Field("band_code", required=False),
            Field("min_members", "number", required=False),
            Field("max_members", "number", required=False),
        ),
    ),
    Section("parameters", (Field("parameter"), Field("value"))),
)
SQL_TYPES = {"text": "VARCHAR", "number": "DOUBLE", "bool": "BOOLEAN", "month": "DATE"}


@dataclass(frozen=True)
class Row:
    """One CSV row, parsed, with where it came from."""

    path: Path
    number: int  # spreadsheet row number: the header is row 1
    values: dict[str, object]

    def __getitem__(self, key: str) -> object:
        return self.values[key]


@dataclass
class Problems:
    messages: list[str] = field(default_factory=list)

    def add(self, path: Path, row: int | None, fld: str | None, message: str) -> None:
        where = (
            _display(path) + (f", row {row}" if row is not None else "") + (f", field {fld}" if fld else "")
        )
        self.messages.append(f"{where}: {message}")


class TemplateError(ValueError):
    """The template cannot be used; the message lists every problem with file, row and field."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("invalid scorecard template:\n  " + "\n  ".join(messages))


@dataclass
class TemplateVersion:
    version: str
    folder: Path
    sections: dict[str, list[Row]]

    @property
    def effective_from(self) -> str:
        return str(self.sections["template"][0]["effective_from"])

    @property
    def status(self) -> str:
        return str(self.sections["template"][0]["status"])


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(SEEDS_DIR.parent))
    except ValueError:
        return str(path)


def _parse(value: str, fld: Field) -> object:
    if fld.kind == "number":
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        return number
    if fld.kind == "bool":
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise ValueError("expected true or false")
        return lowered == "true"
    if fld.kind == "month":
        if not _MONTH.match(value):
            raise ValueError("expected a month like 2025-01")
        return f"{value}-01"
    return value


def _read_section(folder: Path, section: Section, problems: Problems) -> list[Row]:
    path = folder / section.file_name
    if not path.exists():
        problems.add(path, None, None, "file is missing")
        return []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [f.name for f in section.fields if f.name not in header and f.default is None]
            for name in missing:
                problems.add(path, 1, name, "column is missing from the header")
            if missing:
                return []
            rows = []
            for number, raw in enumerate(reader, start=2):
                values: dict[str, object] = {}
                for fld in section.fields:
                    text = (raw.get(fld.name) or "").strip() or (fld.default or "")
                    if not text:
                        if fld.required:
                            problems.add(path, number, fld.name, "value is missing")
                        values[fld.name] = None
                        continue
                    if fld.choices and text not in fld.choices:
                        problems.add(
                            path,
                            number,
                            fld.name,
                            f"{text!r} is not one of {', '.join(fld.choices)}",
                        )
                    try:
                        values[fld.name] = _parse(text, fld)
                    except ValueError as exc:
                        problems.add(path, number, fld.name, f"{text!r}: {exc}")
                        values[fld.name] = None
                rows.append(Row(path, number, values))
            return rows
    except UnicodeDecodeError as exc:
        problems.add(path, None, None, f"not UTF-8: {exc}")
        return []


def _check_version(tv: TemplateVersion, problems: Problems, known_indicators: set[str] | None) -> None:
    s = tv.sections
    head = s["template"]
    if len(head) != 1:
        problems.add(
            tv.folder / "template.csv",
            None,
            None,
            f"must hold exactly one row, holds {len(head)}",
        )
        return
    if head[0]["template_version"] != tv.version:
        problems.add(
            head[0].path,
            head[0].number,
            "template_version",
            f"{head[0]['template_version']!r} does not match the folder name {tv.version!r}",
        )

    indicators = {}
    weights: dict[str, float] = defaultdict(float)
    for row in s["indicators"]:
        code = row["indicator_code"]
        if known_indicators is not None and code not in known_indicators:
            problems.add(
                row.path,
                row.number,
                "indicator_code",
                f"{code!r} is not an indicator the models compute",
            )
        if (row["role"], code) in indicators:
            problems.add(
                row.path,
                row.number,
                "indicator_code",
                f"{code!r} appears twice for role {row['role']}",
            )
        indicators[(row["role"], code)] = row
        if isinstance(row["weight"], float):
            if row["weight"] < 0:
                problems.add(row.path, row.number, "weight", "must not be negative")
            weights[str(row["role"])] += row["weight"]
    for role, total in weights.items():
        if abs(total - 100) > 1e-9:
            last = [r for r in s["indicators"] if r["role"] == role][-1]
            problems.add(
                last.path,
                last.number,
                "weight",
                f"weights of role {role} add up to {total:g}, not 100",
            )
    codes = {code for _, code in indicators}
    methods = {code: row["method"] for (_, code), row in indicators.items()}

    params: dict[str, dict[str, float]] = defaultdict(dict)
    seen_params: set[tuple[object, ...]] = set()
    for row in s["method_params"]:
        code, param = row["indicator_code"], row["param"]
        if code not in codes:
            _unknown_indicator(row, problems)
            continue
        _check_entity_scope(row, problems)
        if param == "bonus":
            problems.add(
                row.path,
                row.number,
                "param",
                "'bonus' is not a parameter: an indicator earns bonus when its fraction exceeds 1, "
                "which its cap allows (spec, Bonus)",
            )
            continue
        allowed = METHODS.get(str(methods[code]), set()) | OPTIONAL_PARAMS
        if param not in allowed:
            problems.add(
                row.path,
                row.number,
                "param",
                f"{param!r} is not a parameter of method {methods[code]} "
                f"(allowed: {', '.join(sorted(allowed))})",
            )
        scope = (code, param, row["entity_level"], row["entity_id"])
        if scope in seen_params:
            problems.add(
                row.path, row.number, "param", f"{param!r} of {code} is given twice for {_scope(row)}"
            )
        seen_params.add(scope)
        if row["entity_id"] == "*":
            params[str(code)][str(param)] = row["value"]  # type: ignore[assignment]
        if param == "cap" and isinstance(row["value"], float) and row["value"] <= 0:
            problems.add(row.path, row.number, "value", "a cap must be positive")

    bands: dict[str, list[Row]] = defaultdict(list)
    own_bands: dict[tuple[object, ...], list[Row]] = defaultdict(list)
    for row in s["bands"]:
        if row["indicator_code"] not in codes:
            _unknown_indicator(row, problems)
            continue
        _check_entity_scope(row, problems)
        if row["entity_id"] == "*":
            bands[str(row["indicator_code"])].append(row)
        else:
            own_bands[(row["indicator_code"], row["entity_level"], row["entity_id"])].append(row)
        if isinstance(row["fraction"], float) and not 0 <= row["fraction"] <= 1:
            problems.add(row.path, row.number, "fraction", "must be between 0 and 1")
    for (code, _level, _entity), rows in own_bands.items():
        method = str(methods[code])
        if method not in ("banded", "inverse_banded"):
            problems.add(rows[0].path, rows[0].number, "indicator_code", f"{code} ({method}) has no bands")
            continue
        _check_band_order(method, rows, problems)

    for (_role, code), row in indicators.items():
        method = str(row["method"])
        for needed in sorted(METHODS.get(method, set()) - set(params[str(code)])):
            problems.add(
                row.path,
                row.number,
                "method",
                f"method {method} of {code} needs parameter {needed!r} in method_params.csv",
            )
        if method in ("banded", "inverse_banded"):
            rows = bands.get(str(code), [])
            if not rows:
                problems.add(
                    row.path,
                    row.number,
                    "method",
                    f"method {method} of {code} needs rows in bands.csv",
                )
            _check_band_order(method, rows, problems)

    targets = {(r["indicator_code"], r["entity_level"], r["entity_id"]): r for r in s["targets"]}
    for row in s["targets"]:
        if row["indicator_code"] not in codes:
            _unknown_indicator(row, problems)
        if isinstance(row["target"], float) and row["target"] <= 0:
            problems.add(row.path, row.number, "target", "must be positive")
    target_file = tv.folder / "targets.csv"
    for code in sorted(codes):
        for level in ENTITY_LEVELS:
            if (code, level, "*") not in targets:
                problems.add(
                    target_file,
                    None,
                    "target",
                    f"{code} has no default target (entity_id *) for level {level}",
                )

    grades = s["grades"]
    scores = [g["min_score"] for g in grades]
    if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
        problems.add(
            tv.folder / "grades.csv",
            None,
            "min_score",
            "grade bands must be listed from the highest min_score down, without repeats",
        )
    if grades and grades[-1]["min_score"] != 0:
        problems.add(grades[-1].path, grades[-1].number, "min_score", "the lowest grade must start at 0")
    if not any(g["grade"] == "D" for g in grades):
        problems.add(
            tv.folder / "grades.csv",
            None,
            "grade",
            "grade D (used under veto) is missing",
        )

    severities = {r["severity"] for r in s["penalties"]}
    for missing in sorted(set(SEVERITIES) - severities):
        problems.add(tv.folder / "penalties.csv", None, "severity", f"no row for {missing}")

    levels = defaultdict(list)
    for row in s["peer_groups"]:
        levels[row["entity_level"]].append(row)
        if row["grouping"] == "size_band" and (row["band_code"] is None or row["min_members"] is None):
            problems.add(row.path, row.number, "band_code", "a size band needs band_code and min_members")
    for level in ENTITY_LEVELS:
        if level not in levels:
            problems.add(
                tv.folder / "peer_groups.csv",
                None,
                "entity_level",
                f"no peer grouping for {level}",
            )
    _check_size_bands(levels.get("branch", []), problems)

    given = {r["parameter"]: r for r in s["parameters"]}
    for name, kind in REQUIRED_PARAMETERS.items():
        if name not in given:
            problems.add(
                tv.folder / "parameters.csv",
                None,
                "parameter",
                f"{name} is missing",
            )
            continue
        value = str(given[name]["value"])
        ok = value in SEVERITIES if kind == "severity" else _is_number(value)
        if not ok:
            problems.add(
                given[name].path,
                given[name].number,
                "value",
                f"{name} must be a {kind}, got {value!r}",
            )


def _scope(row: Row) -> str:
    return "every entity" if row["entity_id"] == "*" else f"{row['entity_level']} {row['entity_id']}"


def _check_entity_scope(row: Row, problems: Problems) -> None:
    """A default row names no entity (``*``, ``*``); an override names its level and its id."""
    level, entity = row["entity_level"], row["entity_id"]
    if entity == "*" and level != "*":
        problems.add(row.path, row.number, "entity_level", "a default row (entity_id *) has entity_level *")
    if entity != "*" and level == "*":
        problems.add(
            row.path, row.number, "entity_level", f"the override for {entity} must name its entity_level"
        )


def _unknown_indicator(row: Row, problems: Problems) -> None:
    problems.add(
        row.path,
        row.number,
        "indicator_code",
        f"{row['indicator_code']!r} is not an indicator of this version",
    )


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _check_band_order(method: str, rows: list[Row], problems: Problems) -> None:
    thresholds = [r["threshold"] for r in rows]
    if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
        problems.add(
            rows[0].path,
            rows[0].number,
            "threshold",
            f"bands of {rows[0]['indicator_code']} must be listed by increasing threshold, without repeats",
        )
        return
    fractions = [r["fraction"] for r in rows]
    expected = sorted(fractions) if method == "banded" else sorted(fractions, reverse=True)
    if fractions != expected:
        problems.add(
            rows[0].path,
            rows[0].number,
            "fraction",
            f"fractions of {method} {rows[0]['indicator_code']} must "
            + ("rise" if method == "banded" else "fall")
            + " with the threshold",
        )


def _check_size_bands(rows: list[Row], problems: Problems) -> None:
    bands = [r for r in rows if r["grouping"] == "size_band" and r["min_members"] is not None]
    bands.sort(key=lambda r: r["min_members"])
    for before, after in zip(bands, bands[1:], strict=False):
        if before["max_members"] is None or before["max_members"] + 1 != after["min_members"]:
            problems.add(
                after.path,
                after.number,
                "min_members",
                "size bands must be ordered and adjacent (min_members = previous max_members + 1)",
            )


def indicator_catalog() -> set[str]:
    """Indicator codes the dbt models compute (``seeds/reference/indicator_catalog.csv``)."""
    with (SEEDS_DIR / "reference" / "indicator_catalog.csv").open(encoding="utf-8") as handle:
        return {row["indicator_code"] for row in csv.DictReader(handle)}


def load_templates(folder: Path | None = None) -> dict[str, TemplateVersion]:
    """Every template version under ``folder`` (default :func:`templates_dir`), validated.

    Raise :class:`TemplateError` naming file, row and field of every problem if any is broken.
    """
    root = folder or templates_dir()
    problems = Problems()
    versions: dict[str, TemplateVersion] = {}
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if not folders:
        problems.add(root, None, None, "no template version folder found")
    known = indicator_catalog()
    for folder in folders:
        sections = {section.name: _read_section(folder, section, problems) for section in SECTIONS}
        tv = TemplateVersion(folder.name, folder, sections)
        if sections["template"]:
            _check_version(tv, problems, known)
        versions[folder.name] = tv
    active = [tv for tv in versions.values() if tv.sections["template"] and tv.status == "active"]
    months = defaultdict(list)
    for tv in active:
        months[tv.effective_from].append(tv.version)
    for month, names in months.items():
        if len(names) > 1:
            problems.add(
                root,
                None,
                "effective_from",
                f"active versions {', '.join(names)} take effect in the same month {month[:7]}",
            )
    if not active and folders:
        problems.add(root, None, "status", "no active template version")
    if problems.messages:
        raise TemplateError(problems.messages)
    return versions


def write_templates(con: duckdb.DuckDBPyConnection, versions: dict[str, TemplateVersion]) -> dict[str, int]:
    """Replace ``reference.template_<section>`` with the validated rows, in one transaction."""
    con.execute("CREATE SCHEMA IF NOT EXISTS reference")
    counts = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for section in SECTIONS:
            table = f"reference.template_{section.name}"
            columns = ["template_version VARCHAR"] + [
                f"{f.name} {SQL_TYPES[f.kind]}" for f in section.fields if f.name != "template_version"
            ]
            con.execute(f"CREATE OR REPLACE TABLE {table} ({', '.join(columns)})")
            names = [f.name for f in section.fields if f.name != "template_version"]
            rows = [
                [tv.version, *[row.values[n] for n in names]]
                for tv in versions.values()
                for row in tv.sections[section.name]
            ]
            if rows:
                placeholders = ", ".join("?" for _ in range(len(names) + 1))
                con.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)
            counts[section.name] = len(rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return counts
