"""The Dagster UI as a process under test: a free port, waiting for it to serve, and what is still
running some seconds after it was told to stop (the browser suite and the reliability suite)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

import psutil


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 240) -> None:
    """Return once the webserver on ``port`` answers; fail if ``process`` ends or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("dagster-webserver did not start") from None
            time.sleep(1)


def process_tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def still_running(tree: list[psutil.Process], within: float) -> list[psutil.Process]:
    """The processes of ``tree`` still running (zombies aside) after up to ``within`` seconds."""
    started = time.monotonic()
    alive = tree
    while alive and time.monotonic() - started < within:
        time.sleep(0.25)
        alive = [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    return alive
