"""Importing the code location does nothing: no dbt subprocess, no file, no environment change.

The import runs in a fresh interpreter on a copy of the project *without* a dbt manifest (the
case where the old code location ran `dbt parse` at import), with an empty environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT

PROBE = r"""
import json, os, subprocess, sys
spawned = []
_popen_init = subprocess.Popen.__init__
def _spy(self, args, *rest, **kwargs):
    spawned.append(str(args))
    _popen_init(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = _spy
environment = dict(os.environ)
import dagster_project.definitions as location
changed = sorted(k for k in set(environment) | set(os.environ) if environment.get(k) != os.environ.get(k))
print(json.dumps({
    "spawned": spawned,
    "environment_changed": changed,
    "module": location.__file__,
    "defs_is_lazy": callable(location.defs),
}))
"""


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if "__pycache__" not in p.parts
    }


def probe(root: Path) -> dict[str, object]:
    """Import ``dagster_project.definitions`` from ``root`` in a fresh interpreter with an empty
    environment (no bytecode written) and return what the probe saw."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(root),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=root, env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_definitions_has_no_effect_on_disk_or_environment(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for folder in ("dagster_project", "dbt_project", "seeds", "expectations"):
        shutil.copytree(
            PROJECT_ROOT / folder,
            project / folder,
            ignore=shutil.ignore_patterns("target", "logs", "__pycache__"),
        )
    assert not (project / "dbt_project" / "target").exists()
    before = _tree(project)

    report = probe(project)
    assert report["module"].startswith(str(project))  # the copy was imported, not the installed tree
    assert report["defs_is_lazy"]
    # no dbt subprocess (a library may still ask `file` about the interpreter: platform.architecture)
    assert [command for command in report["spawned"] if "dbt" in command] == []
    assert report["environment_changed"] == []
    assert _tree(project) == before  # no manifest, no .env, no warehouse, nothing written


def test_the_probe_sees_a_subprocess_and_an_environment_change(tmp_path: Path) -> None:
    """The probe is not blind: a module that spawns a process and sets a variable is caught."""
    package = tmp_path / "dagster_project"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "definitions.py").write_text(
        "import os, subprocess, sys\n"
        "subprocess.run([sys.executable, '-c', 'pass', 'dbt', 'parse'], check=True)\n"
        "os.environ['SCORECARD_WAREHOUSE'] = 'x'\n"
        "defs = None\n"
    )
    report = probe(tmp_path)
    assert [command for command in report["spawned"] if "dbt" in command] != []
    assert report["environment_changed"] == ["SCORECARD_WAREHOUSE"]
    assert not report["defs_is_lazy"]
