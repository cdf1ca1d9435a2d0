"""The code location loads, and its asset graph has no orphan or mystery asset."""

from __future__ import annotations

import dagster as dg

from dagster_project.ingest.feeds import FEEDS
from dagster_project.keys import GATE_RESULTS, OWNERS, PUBLISHED, SCORECARD, SCORECARD_INDICATOR
from dagster_project.publish.assets import MONTHS_PUBLISHED_CHECK
from dagster_project.quality.suites import load_suites
from dagster_project.resources import WAREHOUSE_WRITER_POOL


def test_definitions_load_and_every_dbt_source_is_an_ingestion_asset(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    materializable = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    landing = {dg.AssetKey(["landing", feed]) for feed in FEEDS}
    # written by a step, not by a step of their own: the gate results (by the checks), the other
    # tables of a release (by publication, which they depend on)
    written_alongside = {
        dg.AssetKey(["published", "scorecard_release"]),
        dg.AssetKey(["published", "scorecard_indicator"]),
    }
    assert graph.get(dg.AssetKey(["published", "scorecard_release"])).parent_keys == {
        dg.AssetKey(["published", "scorecard"])
    }
    for feed in FEEDS:
        assert dg.AssetKey(["raw", feed]) in materializable
        assert dg.AssetKey(["landing", feed]) in graph.get(dg.AssetKey(["raw", feed])).parent_keys
    # every upstream of every asset is an asset we build or a landing folder (no mystery source)
    for key in materializable:
        assert graph.get(key).parent_keys <= materializable | landing | written_alongside, key
    assert (
        not (landing | written_alongside) & materializable
    )  # the source systems write the landing files, not us


def test_groups_follow_the_layers(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    groups = {key.path[0]: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == {
        layer: layer
        for layer in (
            "landing",
            "raw",
            "reference",
            "staging",
            "intermediate",
            "marts",
            "published",
            "quality",
            "analytics",
            "reports",
        )
    }


def test_event_feeds_are_monthly_partitioned_and_master_data_is_not(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    for feed in FEEDS.values():
        partitions = graph.get(dg.AssetKey(["raw", feed.name])).partitions_def
        assert (partitions is not None) == feed.partitioned, feed.name


def test_dbt_models_of_monthly_feeds_are_partitioned_and_backfill_in_one_run(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    for key in (["marts", "scorecard"], ["marts", "fct_engagement_daily"], ["staging", "stg_leads"]):
        node = graph.get(dg.AssetKey(key))
        assert node.partitions_def is not None, key
        assert node.backfill_policy == dg.BackfillPolicy.single_run(), key
    for key in (["marts", "dim_manager"], ["intermediate", "int_community_owner_history"]):
        assert graph.get(dg.AssetKey(key)).partitions_def is None, key


def test_each_dbt_set_is_one_step_of_the_jobs(defs: dg.Definitions) -> None:
    """No master-data model depends on a monthly one, so Dagster need not split a dbt set into
    several steps (each a dbt invocation) to order them."""
    for job in ("refresh_job", "publish_job"):
        steps = [node.name for node in defs.resolve_job_def(job).graph.nodes]
        assert steps.count("dbt_master_data") == 1 and steps.count("dbt_monthly") == 1, steps


def test_every_asset_has_the_owners_and_every_step_the_writer_pool(defs: dg.Definitions) -> None:
    """Owners and the warehouse writer pool are written once (keys.py, resources.py) and reach
    every asset and every step: DuckDB allows one writer, and dagster.yaml limits each pool to 1."""
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert list(graph.get(key).owners) == OWNERS, key
    steps = [*graph.assets_defs, *(defs.asset_checks or [])]
    pools = {a.node_def.name: a.node_def.pool for a in steps if a.is_executable}
    assert pools and set(pools.values()) == {WAREHOUSE_WRITER_POOL}, pools


def test_every_feed_carries_its_checks_non_blocking_and_upstream_of_publication(defs: dg.Definitions) -> None:
    """The raw feeds' suites are checks of the feed they test, run in its load step, and not
    blocking (the provisional marts are built from the rows that loaded, contract.md); every feed
    is upstream of publication, so a run records its gate results before publication reads them."""
    graph = defs.resolve_asset_graph()
    ancestors = graph.get_ancestor_asset_keys(PUBLISHED)
    for name, feed in FEEDS.items():
        key = dg.AssetKey(["raw", name])
        specs = [graph.get_check_spec(check) for check in graph.get(key).check_keys]
        expected = {f"raw_{name}", "ingestion_health"} | ({"raw_soft_links"} if feed.soft_links else set())
        assert {spec.name for spec in specs} == expected, name
        assert not any(spec.blocking for spec in specs), name
        assert key in ancestors, name


def test_every_job_resolves(defs: dg.Definitions) -> None:
    """What `dagster dev` does when it loads the code location: a job selecting an asset that is
    not materializable (a spec written by another asset) fails here, not in the UI."""
    for job in (j.name for j in defs.jobs or []):
        assert defs.resolve_job_def(job).name == job
    final = defs.resolve_job_def("publish_job").asset_layer.selected_asset_keys
    assert {PUBLISHED, GATE_RESULTS, dg.AssetKey(["reports", "scorecard_report"])} <= final
    assert PUBLISHED not in defs.resolve_job_def("refresh_job").asset_layer.selected_asset_keys


def test_no_check_blocks_and_publication_follows_the_gate_step(defs: dg.Definitions) -> None:
    """One run, one policy: nothing blocks (a failed gate holds its month back, never the run's
    other months), and publication reads the gate step's outcome, so it runs after it; the marts'
    suites are checks of the marts, run after the gate step whose results they report."""
    graph = defs.resolve_asset_graph()
    gx_suites = {suite.name for suite in load_suites()} | {MONTHS_PUBLISHED_CHECK}
    checks = [graph.get_check_spec(key) for key in graph.asset_check_keys if key.name in gx_suites]
    assert checks and not [spec.key for spec in checks if spec.blocking]
    assert GATE_RESULTS in graph.get(PUBLISHED).parent_keys
    assert {SCORECARD, SCORECARD_INDICATOR} <= graph.get(GATE_RESULTS).parent_keys
    marts = {spec.key.asset_key: spec for spec in checks if spec.name.startswith("marts_")}
    assert set(marts) == {SCORECARD, SCORECARD_INDICATOR}
    assert all(GATE_RESULTS in {dep.asset_key for dep in spec.additional_deps} for spec in marts.values())
