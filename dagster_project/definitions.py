"""The one place where assets, checks, jobs, schedules, sensors, resources and the executor meet.

Importing this module does nothing but define :func:`defs`: Dagster's loader (``dagster dev
-m dagster_project.definitions``) calls it, which reads the settings once, prepares the dbt
manifest if the project changed, and builds every definition from those values. The CLI and
the tests call :func:`build_definitions` with settings of their own.
"""

from __future__ import annotations

import dagster as dg

from dagster_project.ingest.assets import LANDING_SPECS, build_feed_assets
from dagster_project.jobs import publish_job, refresh_job
from dagster_project.partitions import monthly_partitions
from dagster_project.publish.assets import RELEASE_TABLE_SPECS, build_published_scorecard
from dagster_project.quality.assets import build_gate_results, marts_suites
from dagster_project.resources import LandingZone, ReportFolder, TemplateFolder, Warehouse
from dagster_project.schedules import SCHEDULES
from dagster_project.sensors import build_landing_sensor
from dagster_project.serve.assets import build_scorecard_report
from dagster_project.settings import Settings, load_settings
from dagster_project.template.assets import scorecard_template
from dagster_project.transform.assets import build_dbt_assets
from dagster_project.transform.manifest import prepare_manifest
from dagster_project.transform.resource import dbt_resource


def build_definitions(settings: Settings) -> dg.Definitions:
    """Every definition of the code location, for ``settings``.

    Every step runs in one process, one after the other: DuckDB allows a single writer.
    """
    monthly = monthly_partitions(settings.first_partition)
    return dg.Definitions(
        assets=[
            *LANDING_SPECS,
            *RELEASE_TABLE_SPECS,
            *build_feed_assets(monthly),
            scorecard_template,
            *build_dbt_assets(
                monthly,
                prepare_manifest(),
                settings.column_lineage,
                settings.spark_warehouse if settings.on_spark else None,
            ),
            build_gate_results(monthly),
            build_published_scorecard(monthly, settings.spark_warehouse if settings.on_spark else None),
            build_scorecard_report(monthly),
        ],
        asset_checks=[marts_suites],
        jobs=[refresh_job, publish_job],
        schedules=SCHEDULES,
        sensors=[build_landing_sensor(monthly)],
        resources={
            "warehouse": Warehouse(
                path=str(settings.warehouse),
                memory_limit=settings.duckdb_memory_limit,
                lake=str(settings.lake or ""),
            ),
            "landing": LandingZone(path=str(settings.landing_dir)),
            "templates": TemplateFolder(path=str(settings.templates_dir)),
            "reports": ReportFolder(path=str(settings.reports)),
            "dbt": dbt_resource(settings.dbt_target),
        },
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location: the settings of the process environment (``dagster dev`` reads ``.env``)."""
    return build_definitions(load_settings())
