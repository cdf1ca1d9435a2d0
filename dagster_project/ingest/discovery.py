"""The landing zone's files: which deliveries a feed folder holds, their dates, months and hashes.

The naming rule of the contract (``<feed>/<feed>_<YYYY-MM-DD>.csv[.gz]|.parquet``) lives here,
shared by the loader (which files to load or reject) and the landing sensor (which files are
new or changed).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dagster_project.ingest.feeds import FEEDS

FILE_NAME = re.compile(r"^(?P<feed>[a-z_]+)_(?P<day>\d{4}-\d{2}-\d{2})\.(?P<ext>csv|csv\.gz|parquet)$")
#: A date written any common way inside a misnamed file's name (20250615, 2025_06_15, 2025-06).
DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})[-_.]?(0[1-9]|1[0-2])(?:[-_.]?(?:0[1-9]|[12]\d|3[01]))?(?!\d)")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class LandingFile:
    feed: str
    path: Path
    file_date: date | None  # None: the name breaks the contract's naming rule

    @property
    def name(self) -> str:
        return f"{self.feed}/{self.path.name}"

    @property
    def named_month(self) -> str | None:
        """``YYYY-MM`` the file's name points to: its file date, or a date written in a misnamed name."""
        if self.file_date is not None:
            return self.file_date.strftime("%Y-%m")
        match = DATE_IN_NAME.search(self.path.name)
        return f"{match[1]}-{match[2]}" if match else None


def landing_files(
    landing_dir: Path, feed: str, start: date | None = None, end: date | None = None
) -> list[LandingFile]:
    """The feed's deliveries with a file date in [start, end), oldest first.

    Misnamed files are always returned too (``file_date`` None), whatever the window, so that
    they are recorded as rejected instead of silently ignored. Hidden files (a leading dot: a
    delivery still being written under a temporary name) are not deliveries yet.
    """
    folder = landing_dir / feed
    if not folder.is_dir():
        return []
    found: list[LandingFile] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        match = FILE_NAME.match(path.name)
        if not match or match["feed"] != feed:
            found.append(LandingFile(feed, path, None))
            continue
        try:
            day = date.fromisoformat(match["day"])
        except ValueError:
            found.append(LandingFile(feed, path, None))
            continue
        if (start is None or day >= start) and (end is None or day < end):
            found.append(LandingFile(feed, path, day))
    return sorted(found, key=lambda f: (f.file_date or date.min, f.path.name))


def landing_months(landing_dir: Path) -> list[str]:
    """Months (``YYYY-MM``) that have at least one delivery of a partitioned feed."""
    months = {
        f.file_date.strftime("%Y-%m")
        for feed in FEEDS.values()
        if feed.partitioned
        for f in landing_files(landing_dir, feed.name)
        if f.file_date
    }
    return sorted(months)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks (the ledger and the landing sensor compare files by it)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
