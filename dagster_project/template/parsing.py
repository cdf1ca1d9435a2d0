"""Reading a version folder: CSV rows parsed by field kind, problems collected with file, row
and field (as a spreadsheet counts rows: the header is row 1)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT
from dagster_project.template.schema import MONTH, Field, Section


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
        return str(path.relative_to(PROJECT_ROOT))
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
        if not MONTH.match(value):
            raise ValueError("expected a month like 2025-01")
        return f"{value}-01"
    return value


def read_section(folder: Path, section: Section, problems: Problems) -> list[Row]:
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
