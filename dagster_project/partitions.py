"""Calendar months (Asia/Shanghai): the monthly partitions and every month helper.

Pure functions; the first partition is a setting (``SCORECARD_FIRST_MONTH``), so the
partitions definition is built by the entry point from its settings, not at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dagster as dg

from dagster_project.settings import LOCAL_TIMEZONE


def monthly_partitions(first_partition: str) -> dg.MonthlyPartitionsDefinition:
    """Months from ``first_partition`` to the current (month-to-date, provisional) month."""
    return dg.MonthlyPartitionsDefinition(start_date=first_partition, timezone=LOCAL_TIMEZONE, end_offset=1)


@dataclass(frozen=True)
class Month:
    start: date
    end: date  # first day of the next month

    @property
    def key(self) -> str:
        return self.start.strftime("%Y-%m")

    def closed_on(self, today: date) -> bool:
        return today >= self.end


def months_between(start: date, end: date) -> list[Month]:
    """Calendar months [start, end)."""
    months, current = [], date(start.year, start.month, 1)
    while current < end:
        following = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        months.append(Month(current, following))
        current = following
    return months


def window_months(window: dg.TimeWindow) -> list[Month]:
    """The months of a run's partition window."""
    return months_between(window.start.date(), window.end.date())


def month_partition(moment: date | datetime) -> str:
    """The monthly partition key of the month ``moment`` falls in (local time)."""
    return moment.strftime("%Y-%m-01")


def previous_month_partition(moment: date | datetime) -> str:
    """The monthly partition key of the month before ``moment``'s month."""
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    return f"{year:04d}-{month:02d}-01"


#: Run tags of a run over a range of monthly partitions (a single-run backfill).
RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")
#: Run tag of a run of one partition.
PARTITION_TAG = "dagster/partition"


def run_months(tags: dict[str, str]) -> list[Month] | None:
    """The months a run is about, read from its tags: the range of a ranged run (a single-run
    backfill), the month of a run of one partition; None for a run without partitions."""
    start = tags.get(RANGE_TAGS[0]) or tags.get(PARTITION_TAG)
    end = tags.get(RANGE_TAGS[1]) or tags.get(PARTITION_TAG)
    if not (start and end):
        return None
    return months_between(date.fromisoformat(start), date.fromisoformat(end) + timedelta(days=1))
