"""Every setting the pipeline reads from the environment, in one place.

``SCORECARD_LANDING_DIR``   landing zone (default ``data/landing``)
``SCORECARD_WAREHOUSE``     DuckDB file (default ``data/warehouse.duckdb``)
``SCORECARD_PII_KEY``       HMAC key for PII in staging (required to build staging)
``SCORECARD_FIRST_MONTH``   first monthly partition, ``YYYY-MM`` (default ``2025-01``)
``SCORECARD_TEMPLATES_DIR`` scorecard template versions (default ``seeds/templates``)
``SCORECARD_REPORTS_DIR``   monthly scorecard reports (default ``data/reports``)
``SCORECARD_COLUMN_LINEAGE`` column-level lineage of the dbt models, ``true``/``false`` (default
                            ``true``; computed once per model version and reused; ``false`` on
                            Spark)
``SCORECARD_DUCKDB_MEMORY_LIMIT`` DuckDB's memory budget (default ``10%`` of the machine's)
``SCORECARD_DBT_TARGET``    where dbt builds the models: ``duckdb`` (default) or ``spark``
``SCORECARD_SPARK_WAREHOUSE`` Spark's warehouse directory and metastore (default ``data/spark``)

Settings are read once, at an entry point (the ``scorecard`` command, the code location's
``defs()``), and passed down as values and resources; nothing here writes the environment.
A ``.env`` file is read by the entry points only: the CLI calls :func:`load_env_file`, and
``dagster dev`` loads the one in its working directory itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_TEMPLATES_DIR = SEEDS_DIR / "templates"
LOCAL_TIMEZONE = "Asia/Shanghai"


def lake_folder(spark_warehouse: Path) -> Path:
    """The lake of a Spark warehouse directory: the tables written outside dbt, as Parquet."""
    return spark_warehouse / "lake"


def local_today() -> date:
    """Today in the bank's time zone."""
    return datetime.now(ZoneInfo(LOCAL_TIMEZONE)).date()


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(%|[KMGT]i?B)$", re.IGNORECASE)

#: DuckDB's memory budget for every connection of a run (the loader's, the gates', dbt's): a share
#: of the machine's memory (DuckDB's default is 80 %). DuckDB spills to ``<warehouse>.tmp/`` past
#: it; the rest of the machine stays for Dagster's processes, the GX batches and analysts' queries.
#: ``dbt_project/profiles.yml`` has the same default for dbt run by hand.
DEFAULT_DUCKDB_MEMORY_LIMIT = "10%"
#: the outputs of ``dbt_project/profiles.yml`` a run may build on
DBT_TARGETS = ("duckdb", "spark")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """The settings of one process, with absolute paths."""

    landing_dir: Path
    warehouse: Path
    first_month: str
    templates_dir: Path = DEFAULT_TEMPLATES_DIR
    column_lineage: bool = True
    reports_dir: Path | None = None
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    #: the dbt target that builds staging, intermediate and marts (``dbt_project/profiles.yml``)
    dbt_target: str = "duckdb"
    spark_warehouse: Path = PROJECT_ROOT / "data" / "spark"

    @property
    def on_spark(self) -> bool:
        return self.dbt_target == "spark"

    @property
    def lake(self) -> Path | None:
        """Where the tables written outside dbt live on the Spark target (Parquet, beside Spark's
        warehouse directory: ``stores/lake_tables.py``); None on DuckDB (the warehouse file)."""
        return lake_folder(self.spark_warehouse) if self.on_spark else None

    @property
    def reports(self) -> Path:
        """The reports folder: the setting, else ``reports/`` beside the warehouse."""
        return self.reports_dir or self.warehouse.parent / "reports"

    @property
    def first_partition(self) -> str:
        return f"{self.first_month}-01"


def _path(value: str | os.PathLike[str]) -> Path:
    return Path(value).expanduser().resolve()


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    first_month = env.get("SCORECARD_FIRST_MONTH", "2025-01")
    if not _MONTH.match(first_month):
        raise SettingsError(f"SCORECARD_FIRST_MONTH must look like 2025-01, got {first_month!r}")
    target = env.get("SCORECARD_DBT_TARGET", "").strip() or "duckdb"
    if target not in DBT_TARGETS:
        raise SettingsError(f"SCORECARD_DBT_TARGET must be one of {', '.join(DBT_TARGETS)}, got {target!r}")
    # column lineage parses the compiled SQL in DuckDB's dialect (transform/metadata.py)
    lineage = _flag(env, "SCORECARD_COLUMN_LINEAGE", default=target == "duckdb")
    if lineage and target != "duckdb":
        raise SettingsError(
            f"SCORECARD_COLUMN_LINEAGE=true needs the duckdb target (the lineage is read from the SQL "
            f"dbt compiled for DuckDB), not {target!r}"
        )
    return Settings(
        landing_dir=_path(env.get("SCORECARD_LANDING_DIR", "data/landing")),
        warehouse=_path(env.get("SCORECARD_WAREHOUSE", "data/warehouse.duckdb")),
        first_month=first_month,
        templates_dir=_path(env.get("SCORECARD_TEMPLATES_DIR", DEFAULT_TEMPLATES_DIR)),
        column_lineage=lineage,
        reports_dir=_path(env["SCORECARD_REPORTS_DIR"]) if env.get("SCORECARD_REPORTS_DIR") else None,
        duckdb_memory_limit=_memory_limit(env),
        dbt_target=target,
        spark_warehouse=_path(env.get("SCORECARD_SPARK_WAREHOUSE", "data/spark")),
    )


def _memory_limit(env: Mapping[str, str]) -> str:
    value = env.get("SCORECARD_DUCKDB_MEMORY_LIMIT", "").strip() or DEFAULT_DUCKDB_MEMORY_LIMIT
    if not _MEMORY.match(value):
        raise SettingsError(
            f"SCORECARD_DUCKDB_MEMORY_LIMIT must be a size such as 4GB or 2GiB, or a share of the "
            f"machine's memory such as 10%, got {value!r}"
        )
    return value


_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value not in _TRUE + _FALSE:
        raise SettingsError(f"{name} must be true or false, got {env[name]!r}")
    return value in _TRUE


def env_files() -> tuple[Path, Path]:
    """``.env`` in the working directory (of the call, not of the import), then the project's."""
    return (Path.cwd() / ".env", PROJECT_ROOT / ".env")


def load_env_file() -> None:
    """Read ``.env`` from the working directory, then the project root (set variables win).

    Called by the CLI's entry point only: dbt runs as a child process and reads the PII key
    from the environment it inherits.
    """
    from dotenv import load_dotenv

    for path in env_files():
        load_dotenv(path, override=False)


def pii_key(environ: Mapping[str, str] | None = None) -> bytes:
    """The HMAC key for PII; staging refuses to run without one rather than hash with none.

    From the environment; else from a ``.env`` file, read but not exported (dbt or sqlfluff
    started by hand load the PII plugin with no entry point of ours before them).
    """
    from dotenv import dotenv_values

    env = os.environ if environ is None else environ
    if "SCORECARD_PII_KEY" in env and not env["SCORECARD_PII_KEY"].strip():
        # set but empty is a mistake (an unfilled secret), not a request for .env's key
        raise SettingsError(
            "SCORECARD_PII_KEY is set but empty: set it to the key (at least 16 characters), "
            "or unset it to use the one in .env"
        )
    key = env.get("SCORECARD_PII_KEY") or next(
        (v for path in env_files() if (v := dotenv_values(path).get("SCORECARD_PII_KEY"))), ""
    )
    if len(key) < 16:
        raise SettingsError(
            "SCORECARD_PII_KEY is not set (or shorter than 16 characters): staging hashes PII "
            "with it. `make run` writes a random one to .env; in production inject it from "
            "the secret store."
        )
    return key.encode("utf-8")
