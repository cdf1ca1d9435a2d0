"""`make ui` stops whole within 10 s of Ctrl-C (SIGINT to its process group, as a terminal sends
it), leaving no process behind. SIGTERM to `scorecard ui` (what `make` forwards, and what a
service manager sends) is asserted where the browser suite stops its UI (tests/browser)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

import psutil
import pytest

from dagster_project.settings import PROJECT_ROOT
from tests.ui_process import free_port, process_tree, still_running, wait_until_serving

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_make_ui_stops_within_10_s_of_ctrl_c_leaving_nothing(tmp_path: Path, tally: object) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", home)
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SCORECARD_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "SCORECARD_LANDING_DIR": str(tmp_path / "landing"),
        "UI_PORT": str(port),
    }
    make = subprocess.Popen(
        ["make", "-s", "-C", str(PROJECT_ROOT), "ui"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    tree: list[psutil.Process] = []
    try:
        wait_until_serving(port, make)
        tree = process_tree(make.pid)
        assert any("dagster_webserver" in " ".join(p.cmdline()) for p in tree)
        os.killpg(make.pid, signal.SIGINT)
        alive = still_running(tree, within=10)
        assert alive == [], [(p.pid, p.cmdline()[:4]) for p in alive]
        tally("fault")
    finally:  # whatever the outcome, leave nothing for the next test
        for process in tree or [psutil.Process(make.pid)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        make.wait(timeout=30)
