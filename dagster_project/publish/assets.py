"""``published/scorecard`` (monthly): releases each closed month whose gates all passed.

The gates of a month are the latest results in ``quality.gate_results`` of every suite on every
asset it guards, decided upstream by the step ``quality/gate_results`` of the same run. A month
held back is reported by the check ``closed_months_published`` (an ERROR, the run itself goes on:
the analytics views and the report still follow for the months released).
"""

from pathlib import Path

import dagster as dg

from dagster_project.keys import (
    GATE_RESULTS,
    OWNERS,
    PUBLISHED,
    RELEASE_NOTE_TAG,
    SCORECARD,
    SCORECARD_INDICATOR,
)
from dagster_project.partitions import window_months
from dagster_project.publish.releases import PublishError, publish_month
from dagster_project.quality.gates import month_gate_status
from dagster_project.resources import Warehouse, monthly_step
from dagster_project.settings import local_today
from dagster_project.transform.spark import register_in_spark

#: The other two tables of a release, written by ``published/scorecard`` in the same transaction:
#: in the lineage so that what reads them (the analytics views) shows where they come from.
RELEASE_TABLE_SPECS = [
    dg.AssetSpec(
        key=dg.AssetKey(["published", table]),
        deps=[PUBLISHED],
        group_name="published",
        description=f"`published.{table}`: {what}, written by `published/scorecard` with each release "
        "(append-only).",
        kinds={"duckdb"},
        owners=OWNERS,
    )
    for table, what in (
        ("scorecard_release", "one row per release (month, template version, content hash, gates, reason)"),
        ("scorecard_indicator", "the indicators of each release"),
    )
]


#: The check of publication that fails when a closed month of the run was held back.
MONTHS_PUBLISHED_CHECK = "closed_months_published"


def build_published_scorecard(
    partitions_def: dg.PartitionsDefinition, spark_warehouse: Path | None = None
) -> dg.AssetsDefinition:
    """The publication asset on the code location's monthly partitions; with ``spark_warehouse``
    (the Spark target), releases go to the lake (the warehouse resource's store) and are
    registered in Spark after each new one."""

    @dg.asset(
        key=PUBLISHED,
        group_name="published",
        description="Final, append-only releases of each closed month whose gates passed: "
        "`published.scorecard_release`, `published.scorecard`, `published.scorecard_indicator` "
        "(see dagster_project/publish/releases.py). Republishing adds a release; nothing is ever "
        "rewritten.",
        **monthly_step(partitions_def),
        deps=[SCORECARD, SCORECARD_INDICATOR, GATE_RESULTS],
        check_specs=[
            dg.AssetCheckSpec(
                MONTHS_PUBLISHED_CHECK,
                asset=PUBLISHED,
                description="Every closed month of the run was released (or was unchanged since its "
                "release); fails, naming each month and gate, when a gate held a month back.",
            )
        ],
        kinds={"duckdb"},
    )
    def published_scorecard(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        today = local_today()
        published, skipped, refused, created = [], [], [], []
        with warehouse.connect() as con:
            for month in window_months(context.partition_time_window):
                if not month.closed_on(today):
                    skipped.append(f"{month.key}: still open (provisional)")
                    continue
                status = month_gate_status(con, month.start)
                not_passed = [name for name, ok in status.items() if ok is not True]
                if not_passed:
                    refused.append(f"{month.key}: gates not passed: {', '.join(not_passed)}")
                    continue
                try:
                    release = publish_month(
                        con,
                        month.start,
                        context.run.run_id,
                        status,
                        context.run.tags.get(RELEASE_NOTE_TAG),
                        warehouse.tables,
                    )
                except PublishError as exc:
                    skipped.append(f"{month.key}: {exc}")
                    continue
                verb = "released" if release.created else "unchanged since"
                published.append(
                    f"{month.key}: {verb} release {release.release_id} ({release.content_hash[:12]}…)"
                )
                if release.created:
                    created.append(release.release_id)
        if spark_warehouse is not None and created:
            register_in_spark(spark_warehouse, ["published"], spark_warehouse / "register")
            context.log.info(f"releases {', '.join(map(str, created))} in the lake, registered in Spark")
        for line in [*published, *skipped, *refused]:
            context.log.info(line)
        held_back = dg.MetadataValue.md("\n".join(f"- {r}" for r in refused) or "none")
        return dg.MaterializeResult(
            metadata={
                "releases": dg.MetadataValue.md("\n".join(f"- {p}" for p in published) or "none"),
                "skipped": dg.MetadataValue.md("\n".join(f"- {s}" for s in skipped) or "none"),
                "held_back": held_back,
                "run_id": dg.MetadataValue.text(context.run.run_id),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=MONTHS_PUBLISHED_CHECK,
                    passed=not refused,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={"held_back": held_back},
                    description=f"not published: {'; '.join(refused)}" if refused else None,
                )
            ],
        )

    return published_scorecard
