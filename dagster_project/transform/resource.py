"""The dbt resource of a run: the dbt beside this interpreter, or ``.venv-spark``'s on Spark."""

import importlib.metadata
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from dagster_project.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

#: The dbt executable beside this interpreter, so an unactivated virtualenv still finds it.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


class ScorecardDbtResource(DbtCliResource):
    """dagster-dbt's resource, without the two things it does in this process at every invocation.

    It learns dbt's version by running ``dbt --version`` (~6 s of Python start-up and imports):
    the executable is the one beside this interpreter (:data:`DBT_EXECUTABLE`), from the same
    locked environment, so its version is the installed dbt-core's. And it starts dbt's adapter
    in this process (~7 s, most of it loading macros) to fetch column metadata, which
    ``transform/metadata.py`` reads from the warehouse in one query instead.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None


def dbt_resource(target: str = "duckdb") -> DbtCliResource:
    """The dbt resource of a run building on ``target``: on Spark, the dbt of ``.venv-spark``
    (dbt-spark and pyspark, and dbt-duckdb for the analytics views), else the one beside this
    interpreter."""
    if target == "duckdb":
        return ScorecardDbtResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)
    from dagster_project.settings import SettingsError
    from dagster_project.transform.spark import SPARK_DBT

    if not SPARK_DBT.exists():
        raise SettingsError(
            f"SCORECARD_DBT_TARGET={target} needs dbt-spark and Java: run `make spark-install` "
            f"({SPARK_DBT} is missing)"
        )
    return ScorecardDbtResource(project_dir=DBT_PROJECT, dbt_executable=str(SPARK_DBT))
