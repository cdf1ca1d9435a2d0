"""The landing-zone sensor: new and re-delivered files request runs for the months they touch.

The cursor remembers every file's size, modification time and SHA-256, so a file is hashed only
when its size or time changed, and a file whose content is unchanged never triggers again
(no rescan that re-triggers forever). A file still being written is not loaded half: a file
whose size or time changed within the last ``SETTLE_SECONDS`` waits until a later tick sees it
unchanged. A delivery of an event-like feed touches the month of
its file date; master data touches the current month. A change to a month that was already
published does not touch the release: the month is rescored (provisional) and the run is
tagged for republication, which the monthly publication (or a manual publish run) performs.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from dagster_project.ingest.discovery import LandingFile, file_sha256, landing_files
from dagster_project.ingest.feeds import FEEDS
from dagster_project.jobs import refresh_job
from dagster_project.keys import PUBLISHED, REPUBLICATION_TAG
from dagster_project.partitions import month_partition
from dagster_project.resources import LandingZone
from dagster_project.settings import LOCAL_TIMEZONE

#: A file modified this recently may still be being written: it waits for a later tick.
SETTLE_SECONDS = 60


@dataclass(frozen=True)
class Seen:
    size: int
    mtime_ns: int
    sha256: str  # of the content last reported ("" before the first report)
    settling: bool = False  # seen changing: reported once a later tick sees the same size and time


def diff_landing(
    cursor: dict[str, Seen],
    files: Iterable[LandingFile],
    hasher: Callable[[Path], str] = file_sha256,
    now: float | None = None,
) -> tuple[list[LandingFile], dict[str, Seen]]:
    """Files that are new or whose content changed since ``cursor``, and the next cursor.

    A file whose size or time changed since the last tick, modified less than ``SETTLE_SECONDS``
    ago, is only noted (``settling``); it is reported when a later tick finds it unchanged.
    """
    now = time.time() if now is None else now
    changed, following = [], {}
    for lf in files:
        # a refused file (a link out of the landing zone) is never read, not even to hash it
        stat = lf.path.lstat() if lf.refusal else lf.path.stat()
        before = cursor.get(lf.name)
        same = before is not None and (before.size, before.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
        if same and not before.settling:
            following[lf.name] = before
            continue
        if not same and now - stat.st_mtime_ns / 1e9 < SETTLE_SECONDS:
            following[lf.name] = Seen(stat.st_size, stat.st_mtime_ns, before.sha256 if before else "", True)
            continue
        digest = hashlib.sha256(lf.refusal.encode()).hexdigest() if lf.refusal else hasher(lf.path)
        following[lf.name] = Seen(stat.st_size, stat.st_mtime_ns, digest)
        if not before or before.sha256 != digest:
            changed.append(lf)
    return changed, following


def affected_months(changed: Iterable[LandingFile], today_partition: str) -> dict[str, list[str]]:
    """Partition key → the changed files behind it."""
    months: dict[str, list[str]] = {}
    for lf in changed:
        if FEEDS[lf.feed].partitioned and lf.file_date is not None and lf.refusal is None:
            key = lf.file_date.strftime("%Y-%m-01")
        else:
            key = today_partition
        months.setdefault(key, []).append(lf.name)
    return months


def encode_cursor(seen: dict[str, Seen]) -> str:
    return json.dumps({name: [s.size, s.mtime_ns, s.sha256, s.settling] for name, s in sorted(seen.items())})


def decode_cursor(text: str | None) -> dict[str, Seen]:
    """The cursor's files (a cursor written before ``settling`` existed has three values each)."""
    return {name: Seen(*values) for name, values in json.loads(text).items()} if text else {}


def build_landing_sensor(partitions_def: dg.PartitionsDefinition) -> dg.SensorDefinition:
    """The landing-zone sensor, requesting runs of the code location's monthly partitions."""

    @dg.sensor(
        name="landing_zone",
        job=refresh_job,
        minimum_interval_seconds=120,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="New or re-delivered landing files → a provisional refresh of the months they touch.",
    )
    def landing_zone_sensor(context: dg.SensorEvaluationContext, landing: LandingZone) -> dg.SensorResult:
        files = [lf for feed in FEEDS for lf in landing_files(landing.root, feed)]
        changed, seen = diff_landing(decode_cursor(context.cursor), files)
        today = month_partition(datetime.now(ZoneInfo(LOCAL_TIMEZONE)))
        valid = set(partitions_def.get_partition_keys())
        published = context.instance.get_materialized_partitions(PUBLISHED) if context.instance else set()
        requests, skipped = [], []
        for partition, names in sorted(affected_months(changed, today).items()):
            if partition not in valid:
                skipped.append(f"{partition[:7]} (outside the partitions: {', '.join(names)})")
                continue
            digest = hashlib.sha256(
                "|".join(f"{n}:{seen[n].sha256}" for n in sorted(names)).encode()
            ).hexdigest()[:16]
            tags = {"scorecard/files": ", ".join(sorted(names))[:1000]}
            if partition in published:
                tags[REPUBLICATION_TAG] = partition[:7]
                context.log.warning(
                    f"late data for published month {partition[:7]}: rescoring; republication needed"
                )
            requests.append(
                dg.RunRequest(run_key=f"landing-{partition[:7]}-{digest}", partition_key=partition, tags=tags)
            )
        if skipped:
            context.log.warning("not requested: " + "; ".join(skipped))
        return dg.SensorResult(run_requests=requests, cursor=encode_cursor(seen))

    return landing_zone_sensor
