"""Warehouses shared by the integration modules.

* ``scored``: the hand-made zone of tests/scoring_zone.py, built and scored (test_scorecard,
  test_roles).
* ``demo_runs``: the demo backfill shared by the end-to-end modules: six generated months, built
  twice. One day of June is held back (``LATE_FILE``, kept in ``later/``): the incremental tests
  deliver it late, on a copy of the warehouse, to show that only June is rebuilt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.demo.generate import generate
from dagster_project.keys import PUBLISHED
from dagster_project.pipeline import materialize_all
from dagster_project.template import SECTIONS
from tests.conftest import query
from tests.scoring_zone import write_scoring_zone, write_test_templates

LATE_FILE = "engagement_events_2025-06-15.csv"
#: publication and what reads the releases (the analytics views, the report)
PUBLICATION_AND_AFTER = dg.AssetSelection.assets(PUBLISHED).downstream()
#: the template and everything downstream of it up to the marts: what a change of the template
#: rescores (publication is tested in tests/integration/test_publication.py)
TEMPLATE_AND_SCORES = (
    dg.AssetSelection.assets(
        *(dg.AssetKey(["reference", f"template_{section.name}"]) for section in SECTIONS)
    ).downstream()
    - PUBLICATION_AND_AFTER
)
#: build and score, without the GX checks and publication
SCORING_ONLY = (dg.AssetSelection.all() - PUBLICATION_AND_AFTER).without_checks()


def table_counts(warehouse: Path) -> dict[str, int]:
    """Rows per table, but the logs that grow with every run (file ledger, gate results)."""
    tables = query(
        warehouse,
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema <> 'quality' AND table_name NOT IN ('_file_ledger')",
    )
    return {f"{s}.{t}": query(warehouse, f'SELECT count(*) FROM "{s}"."{t}"')[0][0] for s, t in tables}


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A six-month demo landing zone, backfilled in one run, then backfilled again."""
    root = tmp_path_factory.mktemp("demo")
    landing, warehouse, later = root / "landing", root / "warehouse.duckdb", root / "later"
    generate(landing, scale=0.01, start="2025-01", months=6, seed=3, show_progress=False)
    later.mkdir()
    shutil.move(landing / "engagement_events" / LATE_FILE, later / LATE_FILE)
    instance = dg.DagsterInstance.ephemeral()
    first = materialize_all(landing, warehouse, "2025-01", "2025-06", instance=instance)
    counts_first = table_counts(warehouse)
    ledger_first = query(warehouse, "SELECT count(*) FROM raw._file_ledger")[0][0]
    releases_first = query(warehouse, "SELECT release_id, content_hash FROM published.scorecard_release")
    second = materialize_all(landing, warehouse, "2025-01", "2025-06", instance=instance)
    return {
        "instance": instance,
        "releases_first": releases_first,
        "warehouse": warehouse,
        "landing": landing,
        "later": later,
        "first": first,
        "second": second,
        "counts_first": counts_first,
        "ledger_first": ledger_first,
    }


@pytest.fixture(scope="session")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scoring")
    landing, warehouse, templates = root / "landing", root / "warehouse.duckdb", root / "templates"
    write_scoring_zone(landing)
    write_test_templates(templates)
    # the hand-made zone has no daily event files, so it could never pass the freshness gate
    result = materialize_all(
        landing,
        warehouse,
        "2025-01",
        "2025-05",
        selection=SCORING_ONLY,
        templates_dir=templates,
        column_lineage=False,
    )
    assert result.success
    return {"root": root, "landing": landing, "warehouse": warehouse, "templates": templates}
