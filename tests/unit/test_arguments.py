"""Pure functions: month ranges, run tags, file naming, rules, hashing, dbt layers."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
import typer

from dagster_project.cli import parse_month_range
from dagster_project.ingest.discovery import landing_files
from dagster_project.ingest.feeds import FEEDS
from dagster_project.ingest.load import rule_checks
from dagster_project.pii import hmac_sha256
from dagster_project.pipeline import partition_range_tags, run_config
from dagster_project.progress import phase_of
from dagster_project.transform.arguments import (
    dbt_build_args,
    dbt_env,
    dbt_window_env,
    environment,
    partial_parse_file,
)
from dagster_project.transform.resource import dbt_resource
from dagster_project.transform.translator import dbt_layer


def test_month_ranges() -> None:
    assert parse_month_range("2025-01:2025-06") == ("2025-01", "2025-06")
    assert parse_month_range("2025-03") == ("2025-03", "2025-03")
    with pytest.raises(typer.BadParameter):
        parse_month_range("2025-06:2025-01")
    with pytest.raises(typer.BadParameter):
        parse_month_range("2025/01")


def test_partition_range_tags_cover_first_to_last_month() -> None:
    assert partition_range_tags("2025-01", "2025-06") == {
        "dagster/asset_partition_range_start": "2025-01-01",
        "dagster/asset_partition_range_end": "2025-06-01",
    }


def test_landing_files_filter_by_file_date_window(tmp_path: Path) -> None:
    folder = tmp_path / "leads"
    folder.mkdir()
    for name in (
        "leads_2025-01-31.csv",
        "leads_2025-02-01.csv.gz",
        "leads_2025-03-01.parquet",
        "other.csv",
    ):
        (folder / name).write_text("x")
    feb = landing_files(tmp_path, "leads", date(2025, 2, 1), date(2025, 3, 1))
    # a misnamed file is listed whatever the window, to be recorded as rejected, never skipped
    assert [f.path.name for f in feb] == ["other.csv", "leads_2025-02-01.csv.gz"]
    everything = landing_files(tmp_path, "leads")
    assert [f.file_date for f in everything][0] is None
    assert len(everything) == 4


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("leads_2025-02-01.csv", "2025-02"),
        ("leads_20250615.csv", "2025-06"),
        ("leads_2025_06.csv", "2025-06"),
        ("leads_2025-02-30.csv", "2025-02"),  # no such day, but the month is plain
        ("leads_latest.csv", None),
        ("leads_120250615.csv", None),  # digits run on: no date
    ],
)
def test_the_month_a_file_name_points_to(tmp_path: Path, name: str, month: str | None) -> None:
    (tmp_path / "leads").mkdir()
    (tmp_path / "leads" / name).write_text("x")
    (found,) = landing_files(tmp_path, "leads")
    assert found.named_month == month


def test_rules_cover_keys_enums_amounts_ranges_and_hard_foreign_keys() -> None:
    rules = {rule for rule, _ in rule_checks(FEEDS["applications"], FEEDS["applications"].column_names)}
    assert {
        "missing_key:application_id",
        "unknown_enum:decision",
        "negative_value:amount",
        "unparseable_timestamp:submitted_at",
        "unknown_foreign_key:lead_id",
    } <= rules
    surveys = {rule for rule, _ in rule_checks(FEEDS["surveys"], FEEDS["surveys"].column_names)}
    assert "out_of_range:score" in surveys
    # soft links are never rules
    assert not any("member_id" in r for r in surveys if r.startswith("unknown_foreign_key"))


def test_hmac_is_keyed_and_stable() -> None:
    assert hmac_sha256(b"k1", "13800000000") == hmac_sha256(b"k1", "13800000000")
    assert hmac_sha256(b"k1", "13800000000") != hmac_sha256(b"k2", "13800000000")
    assert hmac_sha256(b"k1", None) is None
    assert len(hmac_sha256(b"k1", "x")) == 64


@pytest.mark.parametrize(
    ("props", "layer"),
    [
        ({"resource_type": "source", "source_name": "raw", "name": "leads"}, "raw"),
        (
            {"resource_type": "seed", "name": "client_tiers", "fqn": ["p", "client_tiers"]},
            "reference",
        ),
        (
            {"resource_type": "model", "name": "stg_leads", "fqn": ["p", "staging", "stg_leads"]},
            "staging",
        ),
        (
            {"resource_type": "model", "name": "dim_client", "fqn": ["p", "marts", "dim_client"]},
            "marts",
        ),
    ],
)
def test_dbt_layer(props: dict, layer: str) -> None:
    assert dbt_layer(props) == layer


def test_dbt_build_args_name_the_warehouse_and_its_parsed_project() -> None:
    warehouse = "/data/april.duckdb"
    first = [
        *("build", "--exclude-resource-type", "unit_test", "--target", "duckdb"),
        *("--vars", '{"warehouse": "/data/april.duckdb"}'),
    ]
    assert dbt_build_args(warehouse) == first
    assert dbt_build_args(warehouse, target="spark")[3:5] == ["--target", "spark"]
    parsed = partial_parse_file(warehouse)
    assert dbt_build_args(warehouse, partial_parse=parsed) == [
        *first,
        "--partial-parse-file-path",
        str(parsed),
    ]
    assert dbt_build_args(warehouse, full_refresh=True)[-1] == "--full-refresh"
    # one parsed project per warehouse: the profile (its path) is part of what dbt parsed
    assert partial_parse_file(warehouse) != partial_parse_file("/data/may.duckdb")
    assert partial_parse_file(warehouse) == partial_parse_file("/data/../data/april.duckdb")
    # and the target: a Spark run does not make the next DuckDB run parse everything again
    assert partial_parse_file(warehouse, "spark") != partial_parse_file(warehouse)


def test_the_partition_window_reaches_dbt_as_local_dates_in_its_environment() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    window = dg.TimeWindow(datetime(2025, 1, 1, tzinfo=shanghai), datetime(2025, 7, 1, tzinfo=shanghai))
    assert dbt_window_env(window) == {
        "SCORECARD_PARTITION_START": "2025-01-01",
        "SCORECARD_PARTITION_END": "2025-07-01",
    }
    # a run without partitions unsets them: an inherited window must not narrow a full rebuild
    assert dbt_window_env(None) == {"SCORECARD_PARTITION_START": None, "SCORECARD_PARTITION_END": None}
    # and DuckDB's memory budget of the run's warehouse (profiles.yml reads it)
    assert dbt_env(window, "3GB") == {**dbt_window_env(window), "SCORECARD_DUCKDB_MEMORY_LIMIT": "3GB"}
    # on Spark, its warehouse and the lake, absolute (dbt runs in dbt_project/)
    spark = dbt_env(window, "3GB", Path("data/spark"))
    assert spark["SCORECARD_SPARK_WAREHOUSE"] == str(Path("data/spark").resolve())
    assert spark["SCORECARD_LAKE"] == str(Path("data/spark").resolve() / "lake")


def test_environment_sets_unsets_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORECARD_PARTITION_START", "2024-01-01")
    monkeypatch.delenv("SCORECARD_PARTITION_END", raising=False)
    with environment({"SCORECARD_PARTITION_START": None, "SCORECARD_PARTITION_END": "2025-07-01"}):
        assert "SCORECARD_PARTITION_START" not in os.environ
        assert os.environ["SCORECARD_PARTITION_END"] == "2025-07-01"
    assert os.environ["SCORECARD_PARTITION_START"] == "2024-01-01"
    assert "SCORECARD_PARTITION_END" not in os.environ


def test_a_full_refresh_reaches_both_dbt_steps_and_is_valid_job_config(defs: dg.Definitions) -> None:
    config = run_config(full_refresh=True)
    assert config["ops"] == {
        "dbt_master_data": {"config": {"full_refresh": True}},
        "dbt_monthly": {"config": {"full_refresh": True}},
    }
    for job in ("refresh_job", "publish_job"):
        dg.validate_run_config(defs.resolve_job_def(job), config)


def test_every_model_and_source_of_the_manifest_lives_in_the_warehouse_catalog() -> None:
    """dbt's profile attaches the warehouse as catalog ``scorecard`` whatever the file is called,
    like every connection of the pipeline: the manifest, parsed once, names that catalog, so
    dagster-dbt finds the columns of a run on any file (column schemas and lineage)."""
    from dagster_project.locking import CATALOG
    from dagster_project.transform.manifest import prepare_manifest

    manifest = json.loads(prepare_manifest().read_text(encoding="utf-8"))
    databases = {
        p["database"]
        for section in ("nodes", "sources")
        for p in manifest[section].values()
        if p.get("database")
    }
    assert databases == {CATALOG}


@pytest.mark.parametrize(
    ("step", "phase"),
    [
        ("raw__leads", "ingestion: leads"),
        ("dbt_monthly", "dbt: monthly models"),
        ("quality__gate_results", "quality gates: the marts, each month's outcome"),
        ("marts_suites", "quality gates: the marts' checks"),
        ("published__scorecard", "publication"),
        ("reports__scorecard_report", "report"),
        ("something_new", "something_new"),
    ],
)
def test_the_progress_display_names_each_step_for_people(step: str, phase: str) -> None:
    assert phase_of(step) == phase


def test_no_in_process_dbt_adapter_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """The column metadata comes from the warehouse (transform/metadata.py), on either target:
    dagster-dbt's adapter cost ~7 s a dbt step (and on Spark, dbt-spark is not installed here)."""
    resource = dbt_resource()
    for target in ("duckdb", "spark"):
        monkeypatch.setenv("SCORECARD_DBT_TARGET", target)
        assert resource._initialize_dbt_core_adapter(["build", "--target", target]) is None  # noqa: SLF001
