"""Calendar months (Asia/Shanghai): the monthly partitions and every month helper.

Pure functions; the first partition is a setting (``SCORECARD_FIRST_MONTH``), so the
partitions definition is built by the entry point from its settings, not at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

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


def local_today() -> date:
    """Today in the bank's time zone."""
    return datetime.now(ZoneInfo(LOCAL_TIMEZONE)).date()


def month_partition(moment: date | datetime) -> str:
    """The monthly partition key of the month ``moment`` falls in (local time)."""
    return moment.strftime("%Y-%m-01")


def previous_month_partition(moment: date | datetime) -> str:
    """The monthly partition key of the month before ``moment``'s month."""
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    return f"{year:04d}-{month:02d}-01"
