"""Running `concordia up` in tests: a launcher subprocess, free port ranges, process checks."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from concordia.kit import NODE_SERVICES

#: Every node service of the list, the nats-server and its monitoring port.
NODE_OFFSETS = (*(s.offset for s in NODE_SERVICES), 22, 82)
HUB_OFFSETS = (901, 922, 942, 982)  # hub service, nats-server, leaf listener, nats monitoring
#: Three country nodes (the default), each a block of 100 ports, and the hub's block.
PORT_OFFSETS = (
    *(node * 100 + offset for node in range(3) for offset in NODE_OFFSETS),
    *HUB_OFFSETS,
)
PERSONS = 60  # fewer than `make run` seeds, to keep the test quick
GRANTS = 40  # likewise
DEV_TOKENS = {
    "registry:read", "registry:write", "agency", "agency-2", "ops", "donor-portal", "donor",
    "donor-2", "operator", "exchange-editor", "exchange-approver", "exchange-screen",
    "evaluation-admin", "evaluator", "evaluator-2", "evaluator-3",
    "evaluator-4",
}  # fmt: skip
LINUX_PROC = Path("/proc/self/stat").exists()


def practices(url: str, token: str) -> list[dict[str, object]]:
    """The practices an exchange serves (local and replicated), as its editor reads them."""
    with httpx.Client(base_url=url, timeout=10) as client:
        answer = client.get(
            "/v1/practices", params={"limit": 100}, headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_port() -> int:
    """A base port whose whole range (registry, nats, monitoring) is free.

    Drawn below the kernel's ephemeral range (32768 and up here): a port there can be taken by
    any outgoing connection between this check and the launcher's bind.
    """
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(10000, 31700, 100)
        if all(_free(base + offset) for offset in PORT_OFFSETS):
            return base
    raise RuntimeError("no free port range")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def children(pid: int) -> dict[int, str]:
    """Live direct children of ``pid``, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(entry.name)] = cmdline
    return found


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Wait until none of ``pids`` runs; return those still alive after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return []
        time.sleep(0.1)
    return [pid for pid in pids if _alive(pid)]


class Launcher:
    """One `concordia up` subprocess writing its output to a file."""

    def __init__(self, var: Path, base_port: int, *extra: str) -> None:
        self.var, self.base_port = var, base_port
        self.output = var.parent / f"up-{time.monotonic_ns()}.out"
        argv = [sys.executable, "-m", "concordia.cli", "up", "--var", str(var),
                "--base-port", str(base_port), *extra]  # fmt: skip
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=var.parent
            )

    def log(self) -> str:
        """What the launcher printed."""
        return self.output.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> dict[str, object]:
        """Wait for endpoints.json (written once everything is up and seeded) and the banner
        (printed just after it: a log read in between would miss its last lines)."""
        path = self.var / "demo" / "endpoints.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"concordia up exited ({self.process.returncode}):\n{self.log()}")
            if path.exists() and "Press Ctrl-C to stop." in self.log():
                endpoints: dict[str, object] = json.loads(path.read_text())
                return endpoints
            time.sleep(0.1)
        pytest.fail(f"concordia up was not ready within {timeout} s:\n{self.log()}")

    def kill_all(self) -> None:
        """Last resort after a failed test: kill the launcher's process group."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def launchers() -> Iterator[list[Launcher]]:
    """Launchers started by a test; any left running are killed afterwards."""
    started: list[Launcher] = []
    yield started
    for launcher in started:
        launcher.kill_all()


def get_all(client: httpx.Client, path: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    params: dict[str, str | int] = {"limit": 1000}
    while True:
        page = client.get(path, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        if not body["next"]:
            return items
        params["after"] = body["next"]


def stop(launcher: Launcher, timeout: float = 15) -> None:
    """Ctrl-C the launcher and expect it to stop cleanly."""
    launcher.process.send_signal(signal.SIGINT)
    try:
        code = launcher.process.wait(timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"concordia up did not stop within {timeout} s:\n{launcher.log()}")
    assert code == 0, launcher.log()
