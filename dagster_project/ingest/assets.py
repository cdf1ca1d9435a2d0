"""One Dagster asset per landing feed, built from the contract in ``feeds.py``."""

from collections import Counter
from datetime import timedelta

import dagster as dg

from dagster_project.ingest.feeds import FEEDS, Feed
from dagster_project.ingest.load import FileResult, load_feed
from dagster_project.keys import OWNERS
from dagster_project.resources import WAREHOUSE_WRITER_POOL, LandingZone, Warehouse


def _result_metadata(
    results: list[FileResult], table_rows: int, outside: list[str]
) -> dict[str, dg.MetadataValue]:
    status = Counter(r.status for r in results)
    rejected = [r.message for r in results if r.status == "rejected"]
    return {
        "files_loaded": dg.MetadataValue.int(status["loaded"]),
        "files_unchanged": dg.MetadataValue.int(status["unchanged"]),
        "files_rejected": dg.MetadataValue.int(status["rejected"]),
        "files_withdrawn": dg.MetadataValue.int(status["withdrawn"]),
        "files_loaded_outside_the_run_months": dg.MetadataValue.md(
            "\n".join(f"- {name}" for name in outside) or "none"
        ),
        "rows_loaded": dg.MetadataValue.int(sum(r.rows_loaded for r in results)),
        "rows_quarantined": dg.MetadataValue.int(sum(r.rows_quarantined for r in results)),
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


def build_feed_asset(feed: Feed, partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The asset that loads ``feed``'s deliveries into ``raw`` (monthly feeds on ``partitions_def``)."""

    @dg.asset(
        name=feed.name,
        key_prefix=["raw"],
        group_name="raw",
        description=f"{feed.description} Loaded from `<landing>/{feed.name}/` "
        f"into `raw.{feed.name}`; "
        "bad rows go to `raw._quarantine`, every file to `raw._file_ledger`. "
        "Every run loads every delivered file (new or changed), whatever its partitions: a month's "
        "rules read later deliveries (answers, decisions, disbursements, snapshots) and earlier "
        "ones (cohorts, delinquency), so a month scores the same however its run was started.",
        partitions_def=partitions_def if feed.partitioned else None,
        backfill_policy=dg.BackfillPolicy.single_run() if feed.partitioned else None,
        deps=[
            dg.AssetKey(["landing", feed.name]),
            *(dg.AssetKey(["raw", upstream]) for upstream in feed.upstream_feeds),
        ],
        kinds={"duckdb", "csv"},
        pool=WAREHOUSE_WRITER_POOL,
        owners=OWNERS,
        tags={"system": feed.system},
        metadata={
            "dagster/column_schema": _column_schema(feed),
            "dagster/table_name": f"raw.{feed.name}",
            "business_key": ", ".join(feed.key),
        },
    )
    def _load(
        context: dg.AssetExecutionContext, warehouse: Warehouse, landing: LandingZone
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            results = load_feed(con, landing.root, feed.name)
            table_rows = con.execute(f"SELECT count(*) FROM raw.{feed.name}").fetchone()[0]
        outside: list[str] = []
        if feed.partitioned:
            window = context.partition_time_window
            first, last = window.start.strftime("%Y-%m"), (window.end - timedelta(days=1)).strftime("%Y-%m")
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
        return dg.MaterializeResult(metadata=_result_metadata(results, table_rows, outside))

    return _load


LANDING_SPECS: list[dg.AssetSpec] = [landing_spec(feed) for feed in FEEDS.values()]


def build_feed_assets(partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    """One ``raw/<feed>`` asset per feed of the contract."""
    return [build_feed_asset(feed, partitions_def) for feed in FEEDS.values()]
