"""Facts written in more than one place agree with the one that owns them.

The data contract (`ingest/feeds.py`) owns columns, keys, not-nulls, enums and amount ranges;
the raw-feed GX suites in `expectations/` restate them as reviewable files for auditors, and the
staging YAML tests the role enum. Each check below is shown to catch a deliberately broken copy.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from dagster_project.ingest.feeds import FEEDS, ROLES, Feed
from dagster_project.ingest.load import META_COLUMNS
from dagster_project.quality.suites import EXPECTATIONS_DIR
from dagster_project.settings import DBT_PROJECT_DIR
from dagster_project.template.schema import ROLES as TEMPLATE_ROLES


def suite_drift(feed: Feed, suite: dict[str, Any]) -> list[str]:
    """Where a raw-feed suite disagrees with the contract of its feed."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for expectation in suite["expectations"]:
        by_type.setdefault(expectation["type"], []).append(expectation["kwargs"])
    (columns,) = by_type["expect_table_columns_to_match_set"]
    found = {
        "columns": columns["column_set"],
        "not null": sorted(k["column"] for k in by_type.get("expect_column_values_to_not_be_null", [])),
        "enums": {k["column"]: k["value_set"] for k in by_type.get("expect_column_values_to_be_in_set", [])},
        "keys": sorted(
            sorted(k["column_list"]) for k in by_type.get("expect_compound_columns_to_be_unique", [])
        ),
    }
    wanted = {
        "columns": feed.column_names + [name for name, _ in META_COLUMNS],
        "not null": sorted(c.name for c in feed.columns if not c.nullable),
        "enums": {c.name: list(c.enum) for c in feed.columns if c.enum},
        "keys": [sorted([*feed.key, "_file_name"])],
    }
    for kwargs in by_type.get("expect_column_values_to_be_between", []):
        column = next(c for c in feed.columns if c.name == kwargs["column"])
        low, high = column.value_range or (0, None)
        if not (column.non_negative or column.value_range) or (
            kwargs.get("min_value"),
            kwargs.get("max_value"),
        ) != (
            low,
            high,
        ):
            found.setdefault("ranges", []).append(kwargs["column"])
    return [
        f"{suite['name']}: {fact} {found[fact]} != contract {wanted.get(fact)}"
        for fact in found
        if found[fact] != wanted.get(fact, [])
    ]


def _suite(feed: str) -> dict[str, Any]:
    return json.loads((EXPECTATIONS_DIR / f"raw_{feed}.json").read_text(encoding="utf-8"))


def test_every_raw_suite_restates_its_feeds_contract() -> None:
    assert [problem for name, feed in FEEDS.items() for problem in suite_drift(feed, _suite(name))] == []


def test_a_suite_that_drifted_from_the_contract_is_caught() -> None:
    broken = copy.deepcopy(_suite("managers"))
    for expectation in broken["expectations"]:
        if expectation["type"] == "expect_column_values_to_be_in_set":
            expectation["kwargs"]["value_set"] = expectation["kwargs"]["value_set"][:-1]  # a role lost
        if expectation["kwargs"].get("column") == "team_id" and "not_be_null" in expectation["type"]:
            expectation["kwargs"]["column"] = "team"
    problems = suite_drift(FEEDS["managers"], broken)
    assert len(problems) == 2 and problems[0].startswith("raw_managers: not null")
    assert "relationship_manager" in problems[1]


def staging_roles(staging_yml: Path) -> list[str]:
    """The accepted values of stg_managers.role in the staging YAML."""
    models = yaml.safe_load(staging_yml.read_text(encoding="utf-8"))["models"]
    managers = next(m for m in models if m["name"] == "stg_managers")
    role = next(c for c in managers["columns"] if c["name"] == "role")
    (test,) = [t["accepted_values"] for t in role["data_tests"] if "accepted_values" in t]
    return test["arguments"]["values"]


def test_the_roles_are_the_contracts_everywhere(tmp_path: Path) -> None:
    staging_yml = DBT_PROJECT_DIR / "models" / "staging" / "_staging.yml"
    assert TEMPLATE_ROLES is ROLES  # the template validator takes the contract's list itself
    assert staging_roles(staging_yml) == list(ROLES)
    broken = tmp_path / "_staging.yml"
    broken.write_text(staging_yml.read_text(encoding="utf-8").replace("data_analyst, ", ""), encoding="utf-8")
    assert staging_roles(broken) != list(ROLES)


def soft_link_drift(batch_sql: str, suite: dict[str, Any]) -> list[str]:
    """Where the soft-links batch or the suite's guarded assets disagree with ``Feed.soft_links``."""
    wanted = {f"{feed.name}.{column}" for feed in FEEDS.values() for column in feed.soft_links}
    found = set(re.findall(r"'(\w+\.\w+)' as link", batch_sql))
    problems = [f"batch links {sorted(found)} != contract {sorted(wanted)}"] if found != wanted else []
    guarded = {f"raw/{feed.name}" for feed in FEEDS.values() if feed.soft_links}
    if set(suite["meta"]["guards"]) != guarded:
        problems.append(f"guards {suite['meta']['guards']} != feeds with soft links {sorted(guarded)}")
    return problems


def test_the_soft_links_checked_are_the_contracts() -> None:
    batch = (EXPECTATIONS_DIR / "batches" / "raw_soft_links.sql").read_text(encoding="utf-8")
    suite = json.loads((EXPECTATIONS_DIR / "raw_soft_links.json").read_text(encoding="utf-8"))
    assert soft_link_drift(batch, suite) == []
    dropped = batch.replace("'leads.source_community_id' as link", "'leads.other' as link")
    assert soft_link_drift(dropped, {"meta": {"guards": ["raw/leads"]}}) != []


def test_every_feed_is_guarded_by_its_contract_suite_and_by_ingestion_health() -> None:
    health = json.loads((EXPECTATIONS_DIR / "ingestion_health.json").read_text(encoding="utf-8"))
    assert health["meta"]["guards"] == [f"raw/{name}" for name in FEEDS]
    for name in FEEDS:
        assert _suite(name)["meta"]["guards"] == [f"raw/{name}"], name
