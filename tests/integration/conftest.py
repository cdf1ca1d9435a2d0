"""Warehouses shared by the integration modules.

* ``scored``: the hand-made zone of tests/scoring_zone.py, built and scored (test_scorecard,
  test_roles).
* ``demo_runs`` (in tests/conftest.py: the reliability suite reads it too).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from dagster_project.keys import PUBLISHED
from dagster_project.pipeline import materialize_all, run_settings
from dagster_project.template import SECTIONS
from tests.scoring_zone import write_scoring_zone, write_test_templates

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


@pytest.fixture(scope="session")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scoring")
    landing, warehouse, templates = root / "landing", root / "warehouse.duckdb", root / "templates"
    write_scoring_zone(landing)
    write_test_templates(templates)
    # the hand-made zone has no daily event files, so it could never pass the freshness gate
    result = materialize_all(
        run_settings(landing, warehouse, "2025-01", templates_dir=templates, column_lineage=False),
        "2025-01",
        "2025-05",
        selection=SCORING_ONLY,
    )
    assert result.success
    return {
        "root": root,
        "landing": landing,
        "warehouse": warehouse,
        "templates": templates,
        "result": result,
    }
