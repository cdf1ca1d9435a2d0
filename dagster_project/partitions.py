"""Partitions: calendar months (Asia/Shanghai) for every event-like asset."""

from __future__ import annotations

import dagster as dg

from dagster_project.settings import LOCAL_TIMEZONE, load_settings


def monthly_partitions(first_partition: str) -> dg.MonthlyPartitionsDefinition:
    """Months from ``first_partition`` to the current (month-to-date, provisional) month."""
    return dg.MonthlyPartitionsDefinition(start_date=first_partition, timezone=LOCAL_TIMEZONE, end_offset=1)


MONTHLY = monthly_partitions(load_settings().first_partition)
