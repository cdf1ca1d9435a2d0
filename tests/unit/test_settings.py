"""The settings: read once from the environment, validated with messages naming the variable."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from dagster_project.resources import Warehouse
from dagster_project.settings import (
    DBT_PROJECT_DIR,
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DEFAULT_TEMPLATES_DIR,
    SettingsError,
    load_settings,
)


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.first_partition == "2025-01-01"
    assert settings.warehouse.name == "warehouse.duckdb" and settings.warehouse.is_absolute()
    assert settings.templates_dir == DEFAULT_TEMPLATES_DIR
    assert settings.column_lineage is True
    assert settings.duckdb_memory_limit == DEFAULT_DUCKDB_MEMORY_LIMIT == "10%"


@pytest.mark.parametrize(
    ("value", "expected"), [("false", False), ("0", False), ("OFF", False), ("true", True)]
)
def test_column_lineage_is_a_flag(value: str, expected: bool) -> None:
    assert load_settings({"SCORECARD_COLUMN_LINEAGE": value}).column_lineage is expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SCORECARD_COLUMN_LINEAGE", "sometimes"),
        ("SCORECARD_FIRST_MONTH", "2025-13"),
        ("SCORECARD_DUCKDB_MEMORY_LIMIT", "lots"),
        ("SCORECARD_DUCKDB_MEMORY_LIMIT", "4 parsecs"),
    ],
)
def test_a_malformed_setting_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


@pytest.mark.parametrize("value", ["4GB", "2GiB", "512 MB", "25%"])
def test_the_duckdb_memory_limit_is_a_size_or_a_share(value: str) -> None:
    assert load_settings({"SCORECARD_DUCKDB_MEMORY_LIMIT": value}).duckdb_memory_limit == value


def test_every_warehouse_connection_and_dbt_get_the_memory_limit(tmp_path: Path) -> None:
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"), memory_limit="1GiB")
    with warehouse.connect() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "1.0 GiB"
    with warehouse.connect(read_only=True) as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "1.0 GiB"
    # dbt run by hand: the profile's default is the settings' default
    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    limit = profile["community_scorecard"]["outputs"]["duckdb"]["settings"]["memory_limit"]
    assert limit == f"{{{{ env_var('SCORECARD_DUCKDB_MEMORY_LIMIT', '{DEFAULT_DUCKDB_MEMORY_LIMIT}') }}}}"
    with duckdb.connect() as con:  # the default is a share DuckDB understands
        con.execute("SET memory_limit = $l", {"l": DEFAULT_DUCKDB_MEMORY_LIMIT})


def test_the_dbt_target_is_duckdb_or_spark_and_spark_builds_without_column_lineage() -> None:
    assert load_settings({}).on_spark is False
    spark = load_settings({"SCORECARD_DBT_TARGET": "spark", "SCORECARD_SPARK_WAREHOUSE": "/lake/spark"})
    assert spark.on_spark and spark.column_lineage is False
    assert spark.spark_warehouse == Path("/lake/spark")
    with pytest.raises(SettingsError, match="SCORECARD_DBT_TARGET"):
        load_settings({"SCORECARD_DBT_TARGET": "snowflake"})
    with pytest.raises(SettingsError, match="SCORECARD_COLUMN_LINEAGE=true needs the duckdb target"):
        load_settings({"SCORECARD_DBT_TARGET": "spark", "SCORECARD_COLUMN_LINEAGE": "true"})


def test_an_empty_pii_key_is_refused_naming_the_variable_not_replaced_by_the_env_files(
    tmp_path: Path,
) -> None:
    import os
    import subprocess
    import sys

    from dagster_project.settings import pii_key

    with pytest.raises(SettingsError, match="SCORECARD_PII_KEY is set but empty"):
        pii_key({"SCORECARD_PII_KEY": ""})
    # the CLI says the same, without a traceback, although the project's .env holds a key
    env = {**os.environ, "SCORECARD_PII_KEY": "", "SCORECARD_WAREHOUSE": str(tmp_path / "w.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "SCORECARD_PII_KEY is set but empty" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
