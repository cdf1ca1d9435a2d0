"""The suites in ``expectations/``: GX 1.x suite JSON plus what the pipeline needs to run them.

Each file is a Great Expectations suite (``name``, ``expectations`` with ``type`` and
``kwargs``) whose ``meta`` also says which assets the suite guards (``guards``: Dagster asset
keys as ``raw/leads``; the suite runs as an asset check of each), which table it reads
(``reads``), the key columns used to show failing rows, and the SQL file that produces
the month's batch (``batch_sql``, under ``expectations/batches/``, linted by sqlfluff; its
placeholders ``$month_start``, ``$month_end``, ``$month_closed``, ``$feed_rows`` and ``$table``
(the table the suite reads) are filled in from the code, never from input). Every
expectation carries ``meta.severity``: ``ERROR`` (a gate: it stops publication) or ``WARN``
(an advisory). A suite that guards several assets from one batch names the batch column that
says which asset a row belongs to (``split_by``): each asset's check validates its own rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from dagster_project.ingest.feeds import FEEDS
from dagster_project.settings import PROJECT_ROOT

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SEVERITIES = ("ERROR", "WARN")


class SuiteError(ValueError):
    """A suite file is malformed; the message names the file."""


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    guards: tuple[str, ...]
    split_by: str | None
    reads: tuple[str, ...]
    key_columns: tuple[str, ...]
    batch_query: str
    definition: dict[str, Any]

    def batch_sql(self, month_start: date, month_end: date, month_closed: bool) -> str:
        feed_rows = ", ".join(f"('{f.name}', {str(f.daily).lower()})" for f in FEEDS.values())
        return Template(self.batch_query).substitute(
            table=".".join(self.reads),
            month_start=f"DATE '{month_start.isoformat()}'",
            month_end=f"DATE '{month_end.isoformat()}'",
            month_closed=str(month_closed).lower(),
            feed_rows=feed_rows,
        )

    def split_value(self, guard: str) -> str:
        """The ``split_by`` value of the rows that belong to the asset ``guard`` (its last name)."""
        return guard.rsplit("/", 1)[-1]


def _load(path: Path) -> Suite:
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
        meta = definition["meta"]
        for i, expectation in enumerate(definition["expectations"]):
            severity = expectation.get("meta", {}).get("severity")
            if severity not in SEVERITIES:
                raise SuiteError(
                    f"expectation {i} ({expectation.get('type')}) needs meta.severity ERROR or WARN"
                )
        guards = meta["guards"]
        if not guards or not all(isinstance(g, str) and "/" in g for g in guards):
            raise SuiteError("meta.guards must list asset keys such as raw/leads")
        if len(guards) > 1 and not meta.get("split_by"):
            raise SuiteError("a suite that guards several assets needs meta.split_by")
        return Suite(
            name=definition["name"],
            path=path,
            guards=tuple(meta["guards"]),
            split_by=meta.get("split_by"),
            reads=tuple(meta["reads"]),
            key_columns=tuple(meta["key_columns"]),
            batch_query=(path.parent / meta["batch_sql"]).read_text(encoding="utf-8"),
            definition=definition,
        )
    except (KeyError, TypeError, OSError, json.JSONDecodeError, SuiteError) as exc:
        raise SuiteError(f"{path}: not a usable suite: {exc}") from exc


@cache
def load_suites(folder: Path = EXPECTATIONS_DIR) -> tuple[Suite, ...]:
    """Every suite file, sorted by name."""
    return tuple(_load(p) for p in sorted(folder.glob("*.json")))


def suites_guarding(asset: str) -> list[Suite]:
    """The suites that run as checks of ``asset`` (a key as ``raw/leads``)."""
    return [s for s in load_suites() if asset in s.guards]


def gate_name(guard: str, suite: str) -> str:
    """One gate: a suite on one asset it guards (``raw/leads:ingestion_health``)."""
    return f"{guard}:{suite}"


def expected_gates(suites: tuple[Suite, ...] | list[Suite]) -> list[str]:
    """Every gate a month must pass to publish: each suite on each asset it guards."""
    return [gate_name(guard, s.name) for s in suites for guard in s.guards]
