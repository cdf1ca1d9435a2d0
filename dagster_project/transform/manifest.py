"""The parsed dbt project (``manifest.json``) the code location builds its assets from."""

from pathlib import Path

from dagster_dbt import DbtProject

from dagster_project.settings import DBT_PROJECT_DIR, SEEDS_DIR
from dagster_project.transform.resource import DBT_PROJECT, dbt_resource


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or older than any file dbt parses."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in (
        DBT_PROJECT_DIR / "models",
        DBT_PROJECT_DIR / "macros",
        DBT_PROJECT_DIR / "tests",
        SEEDS_DIR,
    ):
        sources += [p for p in folder.rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources)


def prepare_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """Parse the dbt project when its manifest is missing or stale; return the manifest's path.

    The explicit step before the dbt assets are built: ``make install`` runs it (`scorecard
    prepare`), and the code location's ``defs()`` calls it (a no-op when nothing changed).
    dagster-dbt's own ``prepare_if_dev`` acts only under ``dagster dev``; CLI runs, tests and
    CI need the manifest too. Never called at import.
    """
    if manifest_is_stale(project):
        # the asset graph does not depend on the target: parsed with this interpreter's dbt-duckdb
        dbt_resource().cli(["parse", "--quiet", "--target", "duckdb"], target_path=project.target_path).wait()
    return project.manifest_path
