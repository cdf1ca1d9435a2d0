"""One Dagster asset per landing feed, built from the contract in ``feeds.py``, with the
quality checks of its suites (``quality/assets.py``) run in the same step."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from dagster_project.ingest.feeds import FEEDS, Feed
from dagster_project.ingest.load import FileResult, load_feed
from dagster_project.keys import OWNERS
from dagster_project.partitions import window_months
from dagster_project.quality.assets import feed_check_results, feed_check_specs, master_data_months
from dagster_project.resources import WAREHOUSE_WRITER_POOL, LandingZone, Warehouse
from dagster_project.settings import local_today


def _result_metadata(
    results: list[FileResult], table_rows: int, outside: list[str]
) -> dict[str, dg.MetadataValue]:
    status = Counter(r.status for r in results)
    rejected = [r.message for r in results if r.status == "rejected"]
    in_flight = [r.message for r in results if r.status == "in_flight"]
    return {
        "files_loaded": dg.MetadataValue.int(status["loaded"]),
        "files_unchanged": dg.MetadataValue.int(status["unchanged"]),
        "files_rejected": dg.MetadataValue.int(status["rejected"]),
        "files_withdrawn": dg.MetadataValue.int(status["withdrawn"]),
        "files_still_being_written": dg.MetadataValue.md("\n".join(f"- {m}" for m in in_flight) or "none"),
        "files_loaded_outside_the_run_months": dg.MetadataValue.md(
            "\n".join(f"- {name}" for name in outside) or "none"
        ),
        "rows_loaded": dg.MetadataValue.int(sum(r.rows_loaded for r in results)),
        "rows_quarantined": dg.MetadataValue.int(sum(r.rows_quarantined for r in results)),
        "rows_read": dg.MetadataValue.int(sum(r.rows_read for r in results)),
        "rows_superseded": dg.MetadataValue.int(sum(r.rows_superseded for r in results)),
        "rejected_files": dg.MetadataValue.md("\n".join(f"- {m}" for m in rejected) or "none"),
        "dagster/row_count": dg.MetadataValue.int(table_rows),
    }


def _column_schema(feed: Feed) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                c.name,
                c.type,
                description=("PII: dropped or hashed in staging. " if c.pii else "")
                + (f"One of {', '.join(c.enum)}." if c.enum else ""),
                constraints=dg.TableColumnConstraints(nullable=c.nullable, unique=False),
            )
            for c in feed.columns
        ]
    )


def landing_spec(feed: Feed) -> dg.AssetSpec:
    """The feed's landing folder: files delivered by the source system, not built here.

    An external asset, so the lineage starts at the files; the landing sensor watches them.
    """
    return dg.AssetSpec(
        key=["landing", feed.name],
        group_name="landing",
        description=f"Deliveries of {feed.name} from the {feed.system} system: "
        f"`<landing>/{feed.name}/{feed.name}_<YYYY-MM-DD>.csv[.gz]|.parquet` (contract.md). "
        "Written by the source system; watched by the `landing_zone` sensor.",
        kinds={"csv"},
        owners=OWNERS,
        tags={"system": feed.system},
    )


def build_feed_asset(feed: Feed, partitions_def: dg.TimeWindowPartitionsDefinition) -> dg.AssetsDefinition:
    """The asset that loads ``feed``'s deliveries into ``raw`` (monthly feeds on ``partitions_def``).

    Its checks validate the months of its partitions (a master-data feed: see
    ``quality.assets.master_data_months``).
    """
    key = dg.AssetKey(["raw", feed.name])

    @dg.multi_asset(
        name=f"raw__{feed.name}",
        specs=[
            dg.AssetSpec(
                key,
                group_name="raw",
                description=f"{feed.description} Loaded from `<landing>/{feed.name}/` "
                f"into `raw.{feed.name}`; "
                "bad rows go to `raw._quarantine`, every file to `raw._file_ledger`. "
                "Every run loads every delivered file (new or changed), whatever its partitions: a "
                "month's rules read later deliveries (answers, decisions, disbursements, snapshots) and "
                "earlier ones (cohorts, delinquency), so a month scores the same however its run was "
                "started. Its checks (GX suites) run after the load; a failure holds back the month's "
                "publication.",
                deps=[
                    dg.AssetKey(["landing", feed.name]),
                    # loaded first: this feed's hard keys are checked, its soft links reported, against them
                    *(dg.AssetKey(["raw", upstream]) for upstream in feed.upstream_feeds),
                ],
                kinds={"duckdb", "csv"},
                owners=OWNERS,
                tags={"system": feed.system},
                metadata={
                    "dagster/column_schema": _column_schema(feed),
                    "dagster/table_name": f"raw.{feed.name}",
                    "business_key": ", ".join(feed.key),
                },
            )
        ],
        check_specs=feed_check_specs(key),
        can_subset=True,  # a run may leave the checks out (or run only them, without a load)
        partitions_def=partitions_def if feed.partitioned else None,
        backfill_policy=dg.BackfillPolicy.single_run() if feed.partitioned else None,
        pool=WAREHOUSE_WRITER_POOL,
    )
    def _load(
        context: dg.AssetExecutionContext, warehouse: Warehouse, landing: LandingZone
    ) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
        load = key in context.selected_asset_keys
        with warehouse.connect() as con:
            results, table_rows = [], 0
            if load:
                results = load_feed(con, landing.root, feed.name, store=warehouse.tables)
                ((table_rows,),) = con.execute(f"SELECT count(*) FROM raw.{feed.name}").fetchall()
            if feed.partitioned:
                months = window_months(context.partition_time_window)
            else:
                first = partitions_def.start.date()
                months = master_data_months(con, key, context.run.tags, first, local_today(), results)
            checks = feed_check_results(
                con, context.selected_asset_check_keys, key, months, Path(warehouse.path), context.run.run_id
            )
        outside: list[str] = []
        if feed.partitioned:
            first, last = months[0].key, months[-1].key
            outside = [
                r.file
                for r in results
                if r.status == "loaded" and r.months and not first <= r.months[0] <= last
            ]
            if outside:
                context.log.info(
                    f"loaded {len(outside)} file(s) dated outside {first}..{last}: their rules read them"
                )
        for result in results:
            if result.status == "rejected":
                context.log.error(f"rejected {result.message}")
        if load:
            yield dg.MaterializeResult(asset_key=key, metadata=_result_metadata(results, table_rows, outside))
        yield from checks

    return _load


LANDING_SPECS: list[dg.AssetSpec] = [landing_spec(feed) for feed in FEEDS.values()]


def build_feed_assets(partitions_def: dg.TimeWindowPartitionsDefinition) -> list[dg.AssetsDefinition]:
    """One ``raw/<feed>`` asset per feed of the contract."""
    return [build_feed_asset(feed, partitions_def) for feed in FEEDS.values()]
