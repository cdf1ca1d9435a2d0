"""dbt layers read one way: staging reads sources, intermediate reads staging and intermediate,
marts read intermediate, marts (and staging, as in jaffle-shop); reference seeds may be read by
any layer. Checked on the project's manifest, and shown to catch a backwards read on a copy."""

from __future__ import annotations

import copy
import json
from typing import Any

from dagster_project.transform import prepare_manifest

#: layer of a model → the layers it may read
ALLOWED = {
    "staging": {"source", "seed"},
    "intermediate": {"staging", "intermediate", "seed"},
    "marts": {"staging", "intermediate", "marts", "seed"},
}


def _layer(manifest: dict[str, Any], unique_id: str) -> str:
    if unique_id.startswith("source."):
        return "source"
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
