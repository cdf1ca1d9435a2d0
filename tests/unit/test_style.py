"""The code stays ruff-clean (the README's `make lint` also runs sqlfluff over the models)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_is_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check"], ["format", "--check"]):
        completed = subprocess.run(
            [str(ruff), *args, "dagster_project", "tests"], cwd=ROOT, capture_output=True, text=True
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
