"""The settings: read once from the environment, validated with messages naming the variable."""

from __future__ import annotations

import pytest

from dagster_project.settings import DEFAULT_TEMPLATES_DIR, SettingsError, load_settings


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.first_partition == "2025-01-01"
    assert settings.warehouse.name == "warehouse.duckdb" and settings.warehouse.is_absolute()
    assert settings.templates_dir == DEFAULT_TEMPLATES_DIR
    assert settings.column_lineage is True


@pytest.mark.parametrize(
    ("value", "expected"), [("false", False), ("0", False), ("OFF", False), ("true", True)]
)
def test_column_lineage_is_a_flag(value: str, expected: bool) -> None:
    assert load_settings({"SCORECARD_COLUMN_LINEAGE": value}).column_lineage is expected


@pytest.mark.parametrize(
    ("name", "value"), [("SCORECARD_COLUMN_LINEAGE", "sometimes"), ("SCORECARD_FIRST_MONTH", "2025-13")]
)
def test_a_malformed_setting_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})
