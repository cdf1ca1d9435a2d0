"""Schedules in the bank's time zone: a daily provisional refresh and the monthly publication."""

from __future__ import annotations

import dagster as dg

from dagster_project.jobs import publish_job, refresh_job
from dagster_project.partitions import month_partition, previous_month_partition
from dagster_project.settings import LOCAL_TIMEZONE


@dg.schedule(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule="0 6 * * *",
    execution_timezone=LOCAL_TIMEZONE,
    description="06:00 Asia/Shanghai: load what landed and refresh the current month's provisional scores.",
)
def daily_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    partition = month_partition(context.scheduled_execution_time)
    return dg.RunRequest(
        run_key=f"daily-{context.scheduled_execution_time:%Y-%m-%d}", partition_key=partition
    )


@dg.schedule(
    name="monthly_publication",
    job=publish_job,
    cron_schedule="0 6 3 * *",
    execution_timezone=LOCAL_TIMEZONE,
    description="06:00 on the 3rd, Asia/Shanghai: finalise and publish the previous month if its gates pass.",
)
def monthly_publication(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    partition = previous_month_partition(context.scheduled_execution_time)
    return dg.RunRequest(run_key=f"publish-{partition[:7]}", partition_key=partition)


SCHEDULES = [daily_refresh, monthly_publication]
