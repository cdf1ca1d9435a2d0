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
from dagster_project.settings import local_today

FILE_NAME = re.compile(r"^(?P<feed>[a-z_]+)_(?P<day>\d{4}-\d{2}-\d{2})\.(?P<ext>csv|csv\.gz|parquet)$")
#: A date written any common way inside a misnamed file's name (20250615, 2025_06_15, 2025-06).
DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})[-_.]?(0[1-9]|1[0-2])(?:[-_.]?(?:0[1-9]|[12]\d|3[01]))?(?!\d)")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class LandingFile:
    feed: str
    path: Path
    file_date: date | None  # None: the name breaks the contract's naming rule
    #: why the file is refused before it is read (a link out of the landing zone, a file date in
    #: the future); the loader records it rejected with this reason
    refusal: str | None = None

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


def _outside(path: Path, root: Path) -> bool:
    """True when ``path`` (a link, or in a linked folder) resolves outside the landing zone."""
    return not path.resolve().is_relative_to(root)


def landing_files(
    landing_dir: Path,
    feed: str,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> list[LandingFile]:
    """The feed's deliveries with a file date in [start, end), oldest first.

    Files that cannot be deliveries are always returned too, whatever the window, so that they
    are recorded as rejected instead of silently ignored: misnamed files (``file_date`` None),
    links that resolve outside the landing zone, and files dated after ``today`` (local; a
    delivery describes the past, and a date in 2099 would otherwise open 900 monthly partitions).
    Hidden files (a leading dot: a delivery still being written under a temporary name) are not
    deliveries yet.
    """
    folder = landing_dir / feed
    if not folder.is_dir():
        return []
    root = landing_dir.resolve()
    today = today or local_today()
    found: list[LandingFile] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        match = FILE_NAME.match(path.name)
        try:
            day = date.fromisoformat(match["day"]) if match and match["feed"] == feed else None
        except ValueError:
            day = None
        if _outside(path, root):
            refusal = f"links outside the landing zone (to {path.resolve()}); not read"
            found.append(LandingFile(feed, path, day, refusal))
        elif not path.is_file():  # a folder, or a link to one
            continue
        elif day is None:
            found.append(LandingFile(feed, path, None))
        elif day > today:
            found.append(LandingFile(feed, path, day, f"file date {day} is after today ({today})"))
        elif (start is None or day >= start) and (end is None or day < end):
            found.append(LandingFile(feed, path, day))
    return sorted(found, key=lambda f: (f.file_date or date.min, f.path.name))


def landing_months(landing_dir: Path) -> list[str]:
    """Months (``YYYY-MM``) that have at least one delivery of a partitioned feed (refused files,
    such as one dated in the future, open no month)."""
    months = {
        f.file_date.strftime("%Y-%m")
        for feed in FEEDS.values()
        if feed.partitioned
        for f in landing_files(landing_dir, feed.name)
        if f.file_date and not f.refusal
    }
    return sorted(months)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks (the ledger and the landing sensor compare files by it)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
