"""Failpoints: named places where the reliability suite makes the process die, to prove recovery.

``SCORECARD_FAILPOINT=<name>[:<n>]`` kills the process with SIGKILL (no cleanup, no ``finally``:
what a power cut or the OOM killer does) the n-th time (default first) it passes the point
``<name>``. Unset, as in production, a failpoint is one dictionary lookup. The points sit where a
kill is worst: inside a transaction, after its writes and before its commit.
"""

from __future__ import annotations

import os
import signal

FAILPOINT_ENV = "SCORECARD_FAILPOINT"
_passes: dict[str, int] = {}


def failpoint(name: str) -> None:
    """Die here if the environment names this point (see the module docstring)."""
    spec = os.environ.get(FAILPOINT_ENV)
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
