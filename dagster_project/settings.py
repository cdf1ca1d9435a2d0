"""Every setting the pipeline reads from the environment, in one place.

``SCORECARD_LANDING_DIR``  landing zone (default ``data/landing``)
``SCORECARD_WAREHOUSE``    DuckDB file (default ``data/warehouse.duckdb``)
``SCORECARD_PII_KEY``      HMAC key for PII in staging (required to build staging)
``SCORECARD_FIRST_MONTH``  first monthly partition, ``YYYY-MM`` (default ``2025-01``)
``SCORECARD_TEMPLATES_DIR`` scorecard template versions (default ``seeds/templates``)

A ``.env`` file in the working directory, then one at the project root, is read first
(``make`` writes one with a random PII key on a fresh machine); variables already set in the
environment win.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = PROJECT_ROOT / "seeds"
LOCAL_TIMEZONE = "Asia/Shanghai"

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    first_month: str

    @property
    def first_partition(self) -> str:
        return f"{self.first_month}-01"


def _load_dotenv() -> None:
    for folder in (Path.cwd(), PROJECT_ROOT):
        load_dotenv(folder / ".env", override=False)


def load_settings() -> Settings:
    """Read and validate the settings, and export absolute paths for child processes (dbt)."""
    _load_dotenv()
    landing = Path(os.environ.get("SCORECARD_LANDING_DIR", "data/landing")).expanduser().resolve()
    warehouse = Path(os.environ.get("SCORECARD_WAREHOUSE", "data/warehouse.duckdb"))
    warehouse = warehouse.expanduser().resolve()
    first_month = os.environ.get("SCORECARD_FIRST_MONTH", "2025-01")
    if not _MONTH.match(first_month):
        raise SettingsError(f"SCORECARD_FIRST_MONTH must look like 2025-01, got {first_month!r}")
    os.environ["SCORECARD_LANDING_DIR"] = str(landing)
    os.environ["SCORECARD_WAREHOUSE"] = str(warehouse)
    return Settings(landing_dir=landing, warehouse=warehouse, first_month=first_month)


def pii_key() -> bytes:
    """The HMAC key for PII; staging refuses to run without one rather than hash with none."""
    _load_dotenv()
    key = os.environ.get("SCORECARD_PII_KEY", "")
    if len(key) < 16:
        raise SettingsError(
            "SCORECARD_PII_KEY is not set (or shorter than 16 characters): staging hashes PII "
            "with it. `make run` writes a random one to .env; in production inject it from "
            "the secret store."
        )
    return key.encode("utf-8")
