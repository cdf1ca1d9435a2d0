"""Asset keys ``<layer>/<name>``, one group per layer, and the owners of dbt's assets."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from dagster_project.keys import GATE_RESULTS, OWNERS


def dbt_layer(dbt_resource_props: Mapping[str, Any]) -> str:
    """The warehouse layer of a dbt node: its folder under models/, or 'reference' for seeds."""
    resource_type = dbt_resource_props["resource_type"]
    if resource_type == "source":
        return dbt_resource_props["source_name"]
    if resource_type == "seed":
        return "reference"
    fqn = dbt_resource_props.get("fqn", [])
    return fqn[1] if len(fqn) > 2 else "marts"


class ScorecardTranslator(DagsterDbtTranslator):
    """Keys ``<layer>/<name>`` and one group per layer; the sources map onto the assets that
    write them (the template's tables, the releases, the gate results)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            source = dbt_resource_props["source_name"]
            if source == "template":
                return dg.AssetKey(["reference", dbt_resource_props["name"]])
            if source == "quality":
                return GATE_RESULTS
        return dg.AssetKey([dbt_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_layer(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS


TRANSLATOR = ScorecardTranslator(settings=DagsterDbtTranslatorSettings(enable_code_references=True))
