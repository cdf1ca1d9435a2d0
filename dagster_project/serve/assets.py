"""``reports/scorecard_report`` (monthly): the month's report, after publication, so that an
auditor reaches it from the lineage (its path and release are in the materialization)."""

import dagster as dg

from dagster_project.keys import SCORECARD_REPORT
from dagster_project.partitions import window_months
from dagster_project.resources import ReportFolder, Warehouse, monthly_step
from dagster_project.serve.report import write_report
from dagster_project.serve.report_data import load_report_data

#: the analytics views the report reads (dbt models: their keys are ``analytics/<model>``)
REPORT_INPUTS = [
    dg.AssetKey(["analytics", name])
    for name in (
        "published_scorecard_history",
        "published_indicator_history",
        "published_scorecard",
        "provisional_scorecard",
        "provisional_indicators",
        "penalties_and_vetoes",
        "data_quality_status",
    )
]


def build_scorecard_report(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The report asset on the code location's monthly partitions."""

    @dg.asset(
        key=SCORECARD_REPORT,
        group_name="reports",
        description="The month's scorecard report for branch heads, HR and reviewers: a self-contained "
        "HTML file and PNG charts (dagster_project/serve/report.py), from the month's latest release, "
        "or stamped PROVISIONAL from the marts when it has none.",
        **monthly_step(partitions_def),
        deps=REPORT_INPUTS,
        kinds={"html"},
    )
    def scorecard_report(
        context: dg.AssetExecutionContext, warehouse: Warehouse, reports: ReportFolder
    ) -> dg.MaterializeResult:
        built = []
        with warehouse.connect(read_only=True) as con:
            for month in window_months(context.partition_time_window):
                data = load_report_data(con, month.key)
                source = "PROVISIONAL" if data.release is None else f"release {data.release['release_id']}"
                built.append((month.key, source, write_report(data, reports.root / month.key)))
        for key, source, files in built:
            context.log.info(f"{key} ({source}): report {files.html}")
        last_key, _, last = built[-1]
        return dg.MaterializeResult(
            metadata={
                "reports": dg.MetadataValue.md(
                    "\n".join(
                        f"- {key} ({source}): [{files.html.name}]({files.html.as_uri()})"
                        for key, source, files in built
                    )
                ),
                "path": dg.MetadataValue.path(str(last.html)),
                "url": dg.MetadataValue.url(last.html.as_uri()),
                "charts": dg.MetadataValue.json({name: str(p) for name, p in last.charts.items()}),
                "month": dg.MetadataValue.text(last_key),
            }
        )

    return scorecard_report
