"""``scorecard ui`` (``make ui``): the Dagster UI and daemon (``dagster dev``), stopped whole.

``dagster dev`` starts a webserver, a daemon and code servers; on Ctrl-C its own services stop in
a few seconds, but a code server it started in a session of its own lives on until its heartbeat
times out (a minute or more). This wrapper starts ``dagster dev`` in its own session, and on
Ctrl-C or SIGTERM asks it to stop (SIGINT, what Ctrl-C sends), waits ``grace`` seconds, then kills
every process of the tree still alive, so that nothing is left behind within 10 s.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil

DEFINITIONS_MODULE = "dagster_project.definitions"


def dagster_dev_command(host: str, port: int) -> list[str]:
    dagster = str(Path(sys.executable).with_name("dagster"))
    return [dagster, "dev", "-m", DEFINITIONS_MODULE, "-h", host, "-p", str(port)]


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def stop_tree(pid: int, grace: float) -> list[int]:
    """SIGINT the process group of ``pid``, wait ``grace`` s, kill what is left of the whole tree
    (whatever its group); the pids it had to kill."""
    tree = _tree(pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGINT)
    _, alive = psutil.wait_procs(tree, timeout=grace)
    alive += [p for p in _tree(pid) if p not in alive]  # started while stopping
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=2)
    return [p.pid for p in alive]


def run_ui(host: str, port: int, grace: float = 5.0) -> int:
    """Run ``dagster dev`` until it ends or this process is told to stop; its exit code."""
    server = subprocess.Popen(dagster_dev_command(host, port), start_new_session=True)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        while server.poll() is None and not stop.wait(0.5):
            pass
        if server.poll() is not None:
            return server.returncode
        killed = stop_tree(server.pid, grace)
        server.wait(timeout=5)
        if killed:
            print(f"stopped; killed {len(killed)} process(es) still running after {grace:g} s: {killed}")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
