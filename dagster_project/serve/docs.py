"""``scorecard docs``: dbt's documentation site of the project and the warehouse, offline.

``dbt docs generate --static`` writes one HTML file with the manifest and the catalog inside
(no request to fetch them, nothing from a CDN); it is served on 127.0.0.1 only.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
from pathlib import Path

from dagster_project.transform.arguments import dbt_vars
from dagster_project.transform.manifest import prepare_manifest
from dagster_project.transform.resource import dbt_resource


class DocsError(RuntimeError):
    """dbt could not generate the documentation; the message says where its log is."""


def build_docs(warehouse: Path, out_dir: Path) -> Path:
    """Generate the documentation site for ``warehouse`` into ``out_dir``; its ``index.html``."""
    prepare_manifest()
    target = out_dir / "dbt_target"
    # the catalog of the embedded warehouse (on Spark: with the views over Spark's tables)
    args = [
        "docs",
        "generate",
        "--static",
        "--target",
        "duckdb",
        "--vars",
        json.dumps(dbt_vars(str(warehouse))),
    ]
    invocation = dbt_resource().cli(args, target_path=target, raise_on_error=False).wait()
    site = target / "static_index.html"
    if not invocation.is_successful() or not site.exists():
        raise DocsError(f"dbt docs generate failed; see {target / 'dbt.log'}")
    index = out_dir / "index.html"
    shutil.copyfile(site, index)
    return index


def serve_docs(out_dir: Path, port: int) -> None:
    """Serve ``out_dir`` on http://127.0.0.1:``port`` until interrupted."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        server.serve_forever()
