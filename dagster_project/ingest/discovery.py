"""The landing zone's files: which deliveries a feed folder holds, their dates, months and hashes.

The naming rule of the contract (``<feed>/<feed>_<YYYY-MM-DD>.csv[.gz]|.parquet``) lives here,
shared by the loader (which files to load or reject) and the landing sensor (which files are
new or changed).
"""

from __future__ import annotations

import difflib
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
    #: the future, a folder that names no feed); the loader records it rejected with this reason
    refusal: str | None = None
    #: where the file lies when that is not the feed's folder: a stray folder's name ("" for the
    #: landing zone's top level); the file is recorded under it, attributed to ``feed``
    folder: str | None = None

    @property
    def name(self) -> str:
        folder = self.feed if self.folder is None else self.folder
        return f"{folder}/{self.path.name}" if folder else self.path.name

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
    links that resolve outside the landing zone, files the contract cannot place whose closest
    feed this is (:func:`stray_files`), and files dated after ``today`` (local; a
    delivery describes the past, and a date in 2099 would otherwise open 900 monthly partitions).
    Hidden files (a leading dot: a delivery still being written under a temporary name) are not
    deliveries yet.
    """
    folder = landing_dir / feed
    if not folder.is_dir():
        return stray_files(landing_dir, feed)
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
    found += stray_files(landing_dir, feed)
    return sorted(found, key=lambda f: (f.file_date or date.min, f.path.name))


def closest_feed(name: str) -> str:
    """The feed whose name is closest to ``name`` (a stray folder's, or a top-level file's)."""
    return difflib.get_close_matches(name, sorted(FEEDS), n=1, cutoff=0)[0]


def stray_files(landing_dir: Path, feed: str) -> list[LandingFile]:
    """Files the contract cannot place, attributed to ``feed`` when it is the closest name: in a
    folder that names no feed (``compliance_event/``, a feed not read yet), or at the landing
    zone's top level. They are refused, so that a typo never drops a whole feed in silence: the
    loader records them rejected, which holds back the months their names point to until they
    are moved into a feed's folder or removed."""
    if not landing_dir.is_dir():
        return []
    found: list[LandingFile] = []
    for entry in sorted(landing_dir.iterdir()):
        if entry.name.startswith(".") or entry.name in FEEDS:
            continue
        if entry.is_dir():
            home = closest_feed(entry.name)
            files = [p for p in sorted(entry.rglob("*")) if p.is_file() and not p.name.startswith(".")]
            reason = f"folder {entry.name}/ names no feed of the contract (closest: {home}); not read"
            for path in files if home == feed else []:
                folder = str(path.parent.relative_to(landing_dir))
                found.append(
                    LandingFile(feed, path, None, f"{reason}: move it to {home}/ or remove it", folder)
                )
        elif entry.is_file():
            match = FILE_NAME.match(entry.name)
            home = closest_feed(match["feed"] if match else entry.name.split(".")[0])
            if home == feed:
                reason = (
                    f"lies at the landing zone's top level, in no feed's folder; not read: move it to {home}/"
                )
                found.append(LandingFile(feed, entry, None, reason, ""))
    return found


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
