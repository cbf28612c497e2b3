"""Stops ``concordia up``'s children when the launcher dies without stopping them (even SIGKILL).

The launcher writes ``watch <pid>`` lines to our stdin and ``done`` once it has stopped its
children itself. End of input without ``done`` means the launcher is gone: every watched process
group, newest first, gets SIGTERM, then SIGKILL if it lingers. Run as
``python -m concordia.cli._guardian``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs (macOS): trust kill(0)
    return stat.rpartition(")")[2].split()[0] != "Z"


def stop_group(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM the process group led by ``pid``; SIGKILL it after ``timeout`` seconds."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)


def main() -> None:
    """Read watch orders until ``done`` or end of input; on a bare end, stop every group."""
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    watched: list[int] = []
    for line in sys.stdin:
        order, _, arg = line.strip().partition(" ")
        if order == "watch" and arg.isdigit():
            watched.append(int(arg))
        elif order == "forget" and arg.isdigit() and int(arg) in watched:
            watched.remove(int(arg))
        elif order == "done":
            return
    for pid in reversed(watched):
        stop_group(pid)


if __name__ == "__main__":
    main()
