"""The Spark target's hand-over, on files laid out as Spark writes them (real DuckDB, no Spark):
the loader's tables to the lake, and Spark's tables mirrored into the warehouse as views."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.lake import (
    RELEASE_LAKE_TABLES,
    SOURCE_TABLES,
    export_releases,
    export_sources,
    mirror_spark_tables,
    spark_table_files,
)


def _node(name: str, materialized: str, columns: list[tuple[str, str]], contract: bool) -> dict:
    return {
        "unique_id": f"model.community_scorecard.{name}",
        "resource_type": "model",
        "name": name,
        "alias": name,
        "schema": "marts",
        "config": {"materialized": materialized},
        "contract": {"enforced": contract},
        "columns": {c: {"name": c, "data_type": t} for c, t in columns},
    }


def test_spark_tables_become_views_in_the_contracts_column_order_and_types(tmp_path: Path) -> None:
    spark = tmp_path / "spark"
    # a partitioned incremental table: Spark puts the partition column last, in the folder names
    scorecard = spark_table_files(spark, "marts", "scorecard")
    for month, score in (("2025-05-01", 70.5), ("2025-06-01", 81.25)):
        folder = scorecard / f"period_month={month}"
        folder.mkdir(parents=True)
        duckdb.sql(
            f"SELECT 'T0005' AS entity_id, {score}::DOUBLE AS final_score, 3::INTEGER AS rank"
        ).write_parquet(str(folder / "part-00000-c000.snappy.parquet"))
    # a table built empty: Spark may write no Parquet file at all
    spark_table_files(spark, "marts", "scorecard_adjustment").mkdir(parents=True)
    manifest = {
        "nodes": {
            n["unique_id"]: n
            for n in (
                _node(
                    "scorecard",
                    "incremental",
                    [
                        ("period_month", "date"),
                        ("entity_id", "string"),
                        ("final_score", "double"),
                        ("rank", "bigint"),
                    ],
                    contract=True,
                ),
                _node(
                    "scorecard_adjustment", "table", [("entity_id", "string"), ("penalty", "double")], True
                ),
                _node("stg_leads", "view", [("lead_id", "string")], False),  # a view has no files
            )
        }
    }
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.scorecard AS SELECT 1 AS stale")  # built by an earlier DuckDB run

    assert mirror_spark_tables(con, spark, manifest) == ["marts.scorecard", "marts.scorecard_adjustment"]
    assert con.execute("DESCRIBE marts.scorecard").fetchall() == [
        ("period_month", "DATE", "YES", None, None, None),
        ("entity_id", "VARCHAR", "YES", None, None, None),
        ("final_score", "DOUBLE", "YES", None, None, None),
        ("rank", "BIGINT", "YES", None, None, None),
    ]
    assert con.execute(
        "SELECT period_month::VARCHAR, final_score FROM marts.scorecard ORDER BY 1"
    ).fetchall() == [
        ("2025-05-01", 70.5),
        ("2025-06-01", 81.25),
    ]
    assert con.execute("SELECT count(*) FROM marts.scorecard_adjustment").fetchone()[0] == 0
    assert [c[0] for c in con.execute("DESCRIBE marts.scorecard_adjustment").fetchall()] == [
        "entity_id",
        "penalty",
    ]
    # mirroring again (the next run) replaces the views
    assert len(mirror_spark_tables(con, spark, manifest)) == 2


def test_the_loaders_tables_go_to_the_lake_one_folder_each(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    for schema, table in SOURCE_TABLES:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute(f"CREATE TABLE {schema}.{table} AS SELECT 1 AS x")
    lake = tmp_path / "lake"
    assert export_sources(con, lake) == len(SOURCE_TABLES)
    assert export_sources(con, lake) == len(SOURCE_TABLES)  # a second export replaces the first
    for schema, table in SOURCE_TABLES:
        assert [p.name for p in (lake / schema / table).iterdir()] == ["part-0.parquet"]
        assert duckdb.sql(f"SELECT x FROM '{lake / schema / table / 'part-0.parquet'}'").fetchall() == [(1,)]


def test_each_release_is_appended_to_the_lake_once(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA published")
    for table in RELEASE_LAKE_TABLES:
        con.execute(f"CREATE TABLE published.{table} AS SELECT 1::BIGINT AS release_id, 'a' AS payload")
    lake = tmp_path / "lake"
    assert export_releases(con, lake) == [1]
    assert export_releases(con, lake) == []  # already there: nothing rewritten
    for table in RELEASE_LAKE_TABLES:
        con.execute(f"INSERT INTO published.{table} VALUES (2, 'b')")
    assert export_releases(con, lake) == [2]
    for table in RELEASE_LAKE_TABLES:
        files = sorted(p.name for p in (lake / "published" / table).iterdir())
        assert files == ["release-000001.parquet", "release-000002.parquet"]
        assert duckdb.sql(
            f"SELECT payload FROM '{lake / 'published' / table}/*.parquet' ORDER BY 1"
        ).fetchall() == [
            ("a",),
            ("b",),
        ]
