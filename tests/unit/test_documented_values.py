"""The analysts' column comments name the values a column holds, and only those: each documented
enumeration is an `accepted_values` test (dbt checks the data against it in every build), and
every accepted value must appear in the comment people read."""

from __future__ import annotations

import re

import yaml

from dagster_project.settings import DBT_PROJECT_DIR


def _enumerated_columns() -> list[tuple[str, str, str, list[str]]]:
    spec = yaml.safe_load((DBT_PROJECT_DIR / "models" / "analytics" / "_analytics.yml").read_text("utf-8"))
    found = []
    for model in spec["models"]:
        for column in model.get("columns", []):
            for test in column.get("data_tests", []):
                if isinstance(test, dict) and "accepted_values" in test:
                    values = test["accepted_values"]["arguments"]["values"]
                    found.append((model["name"], column["name"], column["description"], values))
    return found


def test_enumerated_columns_are_tested_against_their_documented_values() -> None:
    columns = {(model, column) for model, column, _, _ in _enumerated_columns()}
    # the columns whose comments enumerate values (a drifted comment once said scored/na for ok/n/a)
    for expected in [
        ("published_indicators", "status"),
        ("provisional_indicators", "status"),
        ("published_scorecard", "role"),
        ("published_scorecard", "scoring_status"),
        ("published_scorecard", "entity_level"),
        ("provisional_scorecard", "publication_status"),
        ("penalties_and_vetoes", "source"),
    ]:
        assert expected in columns, expected


def test_every_accepted_value_is_named_in_the_comment() -> None:
    for model, column, description, values in _enumerated_columns():
        for value in values:
            assert re.search(rf"(?<!\w){re.escape(value)}(?!\w)", description), (model, column, value)
