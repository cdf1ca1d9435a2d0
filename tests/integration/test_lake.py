"""The Spark target's hand-over, on files laid out as Spark writes them (real DuckDB, no Spark):
Spark's tables mirrored into the warehouse as views (the lake's own tables: ``test_stores.py``)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.transform.spark import mirror_spark_tables, spark_table_files


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
