"""The commands `make run` prints at its end work as printed, in a new shell (no virtualenv
activated): `scorecard` alone is not on a new shell's PATH."""

from __future__ import annotations

import re
import subprocess

from dagster_project.settings import PROJECT_ROOT


def _printed_commands() -> list[str]:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    echoed = " ".join(re.findall(r'@echo "(.*)"', recipe)).replace("$(BIN)", ".venv/bin")
    return re.findall(r"([\w./-]*scorecard) ([a-z]+)\b", echoed)


def test_every_scorecard_command_make_run_prints_runs_in_a_new_shell() -> None:
    commands = _printed_commands()
    assert {sub for _, sub in commands} >= {"report", "sql"}
    for program, sub in commands:
        assert program == ".venv/bin/scorecard", program
        done = subprocess.run(
            ["env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "bash", "-c", f"{program} {sub} --help"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
