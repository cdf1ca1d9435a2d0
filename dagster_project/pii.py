"""Keyed hashing of PII, registered in dbt's DuckDB connections as ``pii_hmac(text)``.

The key never appears in SQL, compiled models or logs: dbt-duckdb loads this module as a
plugin (see ``dbt_project/profiles.yml``) and the function reads the key from the
environment. Staging models that call it are materialised as tables, so reading them
later needs no key.
"""

from __future__ import annotations

import hashlib
import hmac

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from dagster_project.settings import pii_key


def hmac_sha256(key: bytes, value: str | None) -> str | None:
    """HMAC-SHA256 of ``value`` as 64 hex characters (None stays None)."""
    if value is None:
        return None
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


class Plugin(BasePlugin):
    """dbt-duckdb plugin: adds the scalar function ``pii_hmac(VARCHAR) -> VARCHAR``."""

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        key = pii_key()

        def pii_hmac(value: str | None) -> str | None:
            return hmac_sha256(key, value.strip() if value is not None else None)

        conn.create_function(
            "pii_hmac",
            pii_hmac,
            ["VARCHAR"],
            "VARCHAR",
            null_handling="special",
            side_effects=False,
        )
