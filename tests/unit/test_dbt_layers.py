"""dbt layers read one way: staging reads sources, intermediate reads staging and intermediate,
marts read intermediate, marts (and staging, as in jaffle-shop), analytics reads marts and what
the pipeline writes after them (the releases, the gate results: sources `published`, `quality`);
reference seeds may be read by any layer. Checked on the project's manifest, and shown to catch a
backwards read on a copy.
Every model imports its inputs in CTEs at the top (jaffle-shop style)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.transform.manifest import prepare_manifest

#: layer of a model → the layers it may read
ALLOWED = {
    "staging": {"source", "seed"},
    "intermediate": {"staging", "intermediate", "seed"},
    "marts": {"staging", "intermediate", "marts", "seed"},
    "analytics": {"marts", "published", "analytics", "seed"},
}
#: sources written after the marts (publication, quality gates), not inputs of the pipeline
PUBLISHED_SOURCES = {"published", "quality"}


def _layer(manifest: dict[str, Any], unique_id: str) -> str:
    if unique_id.startswith("source."):
        return "published" if manifest["sources"][unique_id]["source_name"] in PUBLISHED_SOURCES else "source"
    node = manifest["nodes"][unique_id]
    return "seed" if node["resource_type"] == "seed" else node["fqn"][1]


def layer_violations(manifest: dict[str, Any]) -> list[str]:
    """``model (layer) reads parent (layer)`` for every read against the direction of the layers."""
    violations = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        layer = _layer(manifest, unique_id)
        for parent in node["depends_on"]["nodes"]:
            if _layer(manifest, parent) not in ALLOWED[layer]:
                violations.append(
                    f"{node['name']} ({layer}) reads {parent.split('.')[-1]} ({_layer(manifest, parent)})"
                )
    return sorted(violations)


def _manifest() -> dict[str, Any]:
    return json.loads(prepare_manifest().read_text(encoding="utf-8"))


def test_every_model_reads_its_own_layer_or_the_ones_before() -> None:
    assert layer_violations(_manifest()) == []


def test_a_backwards_read_is_caught() -> None:
    broken = copy.deepcopy(_manifest())
    risk = next(uid for uid in broken["nodes"] if uid.endswith(".int_indicators_risk"))
    mart = next(uid for uid in broken["nodes"] if uid.endswith(".fct_loan_month_end"))
    source = next(uid for uid in broken["sources"] if uid.endswith(".template_grades"))
    broken["nodes"][risk]["depends_on"]["nodes"] += [mart, source]
    assert layer_violations(broken) == [
        "int_indicators_risk (intermediate) reads fct_loan_month_end (marts)",
        "int_indicators_risk (intermediate) reads template_grades (source)",
    ]


#: An import CTE at the top of a model: ``name as (select * from {{ ref('x') }} [where ...])``.
IMPORT_CTE = re.compile(r"\w+ as \(\s*select \* from \{\{ (?:ref|source)\([^)]*\) \}\}")


def refs_outside_import_ctes(sql: str) -> list[str]:
    """The ``ref()``/``source()`` calls of a model that are not an import CTE (jaffle-shop style)."""
    return re.findall(r"(?:ref|source)\([^)]*\)", IMPORT_CTE.sub("", sql))


def test_every_model_imports_its_inputs_in_ctes_at_the_top() -> None:
    models = sorted((DBT_PROJECT_DIR / "models").rglob("*.sql"))
    assert models
    inline = {p.name: refs_outside_import_ctes(p.read_text(encoding="utf-8")) for p in models}
    assert {name: calls for name, calls in inline.items() if calls} == {}


def test_a_ref_inside_a_join_is_caught() -> None:
    sql = (
        "with leads as (\n    select * from {{ ref('stg_leads') }}\n)\n\n"
        "select * from leads inner join {{ ref('int_lead_attribution') }} as a on a.lead_id = leads.lead_id"
    )
    assert refs_outside_import_ctes(sql) == ["ref('int_lead_attribution')"]
