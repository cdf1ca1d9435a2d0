"""The one place where assets, checks, jobs, schedules, sensors, resources and the executor meet."""

from __future__ import annotations

import dagster as dg

from dagster_project.ingest.assets import FEED_ASSETS, LANDING_SPECS
from dagster_project.jobs import publication_job, publish_job, refresh_job
from dagster_project.quality.assets import MARTS_CHECKS, ingestion_gate, published_scorecard
from dagster_project.resources import LandingZone, Warehouse
from dagster_project.schedules import SCHEDULES
from dagster_project.sensors import SENSORS
from dagster_project.settings import load_settings
from dagster_project.template_assets import scorecard_template
from dagster_project.transform import dbt_master_data, dbt_monthly, dbt_resource

SETTINGS = load_settings()

#: Every step runs in one process, one after the other: DuckDB allows a single writer.
defs = dg.Definitions(
    assets=[
        *LANDING_SPECS,
        *FEED_ASSETS,
        scorecard_template,
        dbt_master_data,
        dbt_monthly,
        ingestion_gate,
        published_scorecard,
    ],
    asset_checks=MARTS_CHECKS,
    jobs=[refresh_job, publish_job, publication_job],
    schedules=SCHEDULES,
    sensors=SENSORS,
    resources={
        "warehouse": Warehouse(path=str(SETTINGS.warehouse)),
        "landing": LandingZone(path=str(SETTINGS.landing_dir)),
        "dbt": dbt_resource(),
    },
    executor=dg.in_process_executor,
)
