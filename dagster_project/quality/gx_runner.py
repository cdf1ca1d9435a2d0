"""Run a suite on a DataFrame with Great Expectations 1.x, and build its Data Docs.

GX is imported inside these functions only (it takes ~10 s to import), never when the code
location loads. Batches are pandas DataFrames read from DuckDB one month at a time: GX's own
SQL route is broken on DuckDB (shared/STACK.md), and a month keeps memory bounded.
The GX project (suites, validation results, Data Docs) lives in a folder beside the
warehouse, so an auditor can open ``<folder>/uncommitted/data_docs/local_site/index.html``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster_project.quality.suites import Suite

if TYPE_CHECKING:  # pandas takes ~2 s to import: only the processes that validate pay for it
    import pandas as pd

SAMPLE_ROWS = 5


@dataclass
class FailedExpectation:
    expectation: str
    column: str | None
    severity: str
    unexpected_count: int
    sample_keys: list[dict[str, Any]]
    why: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "column": self.column,
            "severity": self.severity,
            "unexpected_count": self.unexpected_count,
            "sample_keys": self.sample_keys,
            "why": self.why,
        }


@dataclass
class Outcome:
    suite: str
    rows: int
    evaluated: int
    failures: list[FailedExpectation] = field(default_factory=list)
    result_id: Any = None  # GX's ValidationResultIdentifier: its Data Docs page

    @property
    def passed(self) -> bool:
        """True when no ERROR-level expectation failed (warnings do not stop a gate)."""
        return not any(f.severity == "ERROR" for f in self.failures)


@cache
def _context(root: str) -> Any:
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="file", project_root_dir=root)
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    context.variables.save()
    return context


@cache
def _source(root: str) -> Any:
    """The pandas data source ``warehouse`` of the GX project, (re)created once per process.

    Replacing it later would drop the assets of the checkpoints registered since (GX then
    refuses to run them as stale); fetching a stored one with ``data_sources.get`` gives a
    source without its data context (GX 1.x), so the one created here is kept."""
    return _context(root).data_sources.add_or_update_pandas("warehouse")


#: GX checkpoints already registered in this process, per (project folder, suite): registering
#: one writes the suite, validation definition and checkpoint files (~0.2 s, half a validation).
_CHECKPOINTS: dict[tuple[str, str], Any] = {}


def _checkpoint(context: Any, suite: Suite, root: str) -> Any:
    """The suite's checkpoint, registered once per process (the suites are read once per process
    too: ``suites.load_suites`` is cached)."""
    key = (root, suite.name)
    if key not in _CHECKPOINTS:
        _CHECKPOINTS[key] = _register_checkpoint(context, suite, root)
    return _CHECKPOINTS[key]


def _register_checkpoint(context: Any, suite: Suite, root: str) -> Any:
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite

    source = _source(root)
    asset = next((a for a in source.assets if a.name == suite.name), None) or source.add_dataframe_asset(
        suite.name
    )
    batch = next(iter(asset.batch_definitions), None) or asset.add_batch_definition_whole_dataframe("month")
    definition = {k: v for k, v in suite.definition.items() if k in ("name", "expectations", "meta")}
    expectation_suite = context.suites.add_or_update(ExpectationSuite(**definition))
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=expectation_suite)
    )
    return context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=suite.name,
            validation_definitions=[validation],
            actions=[],
            result_format={"result_format": "COMPLETE"},
        )
    )


def sample_keys(frame: pd.DataFrame, indexes: list[Any], keys: list[str]) -> list[dict[str, str | None]]:
    """The key columns of the first failing rows, as text; a missing value is None (``null`` in
    the messages people read, never ``NaN``)."""
    import pandas as pd

    if not keys:
        return []
    rows = frame.loc[[i for i in indexes[:SAMPLE_ROWS] if isinstance(i, int)], keys]
    return [
        {column: None if pd.isna(value) else str(value) for column, value in record.items()}
        for record in rows.to_dict(orient="records")
    ]


def validate(frame: pd.DataFrame, suite: Suite, gx_root: Path, run_name: str) -> Outcome:
    """Validate ``frame`` against ``suite``; failing rows are sampled by the suite's key columns."""
    from great_expectations.core.run_identifier import RunIdentifier

    context = _context(str(gx_root))
    frame = frame.reset_index(drop=True)
    result = _checkpoint(context, suite, str(gx_root)).run(
        batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name)
    )
    outcome = Outcome(suite.name, rows=len(frame), evaluated=0, result_id=next(iter(result.run_results)))
    for validation in result.run_results.values():
        for item in validation.results:
            outcome.evaluated += 1
            if item.success:
                continue
            config = item.expectation_config
            meta = config.meta or {}
            indexes = (item.result or {}).get("unexpected_index_list") or []
            keys = [c for c in suite.key_columns if c in frame.columns]
            sample = sample_keys(frame, indexes, keys)
            outcome.failures.append(
                FailedExpectation(
                    expectation=config.type,
                    column=config.kwargs.get("column") or config.kwargs.get("column_B"),
                    severity=meta.get("severity", "ERROR"),
                    unexpected_count=int((item.result or {}).get("unexpected_count") or 0),
                    sample_keys=sample,
                    why=meta.get("why", ""),
                )
            )
    return outcome


def data_docs_index(gx_root: Path) -> Path | None:
    """The Data Docs site's index page, if it has been built."""
    index = gx_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    return index if index.exists() else None


def build_data_docs(gx_root: Path, result_ids: list[Any] | None = None, refresh_index: bool = True) -> Path:
    """Render the Data Docs pages of the validation results given (all stored ones when None)
    and, when asked or missing, the site's index; return the index page. Rendering only the new
    results keeps a step's cost independent of the history kept (the index's is not)."""
    context = _context(str(gx_root))
    index = gx_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    context.build_data_docs(resource_identifiers=result_ids, build_index=refresh_index or not index.exists())
    return index
