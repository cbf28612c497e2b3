"""`concordia up` as `make run` starts it: a real launcher, nats-server, registry and ledger."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from concordia.cli.main import app

NODE_OFFSETS = (1, 2, 22, 82)  # registry, ledger, nats-server, nats monitoring
#: Three country nodes (the default), each a block of 100 ports.
PORT_OFFSETS = tuple(node * 100 + offset for node in range(3) for offset in NODE_OFFSETS)
PERSONS = 60  # fewer than `make run` seeds, to keep the test quick
GRANTS = 40  # likewise
DEV_TOKENS = {"registry:read", "registry:write", "agency", "ops", "donor-portal", "donor"}
LINUX_PROC = Path("/proc/self/stat").exists()


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
        """Wait for endpoints.json (written once everything is up and seeded)."""
        path = self.var / "demo" / "endpoints.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"concordia up exited ({self.process.returncode}):\n{self.log()}")
            if path.exists():
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


def _get_all(client: httpx.Client, path: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    params: dict[str, object] = {"limit": 1000}
    while True:
        page = client.get(path, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        if not body["next"]:
            return items
        params["after"] = body["next"]


def _funding(ledger_url: str, token: str) -> dict[str, list[str | None]]:
    """Every visible grant in the feed with its transactions' external ids, by external id."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=ledger_url, headers=headers, timeout=10) as client:
        feed = client.get("/v1/feed/grants", params={"limit": 10_000})
        assert feed.status_code == 200, feed.text
        grants = _get_all(client, "/v1/grants")
    assert len(grants) == GRANTS
    return {
        str(item["external_id"]): sorted(t["external_id"] for t in item["transactions"])
        for item in feed.json()["items"]
    }


def _stop(launcher: Launcher) -> None:
    launcher.process.send_signal(signal.SIGINT)
    try:
        code = launcher.process.wait(15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"concordia up did not stop within 15 s:\n{launcher.log()}")
    assert code == 0, launcher.log()


@pytest.mark.slow
@pytest.mark.skipif(not LINUX_PROC, reason="inspects processes through /proc")
def test_up_serves_seeded_data_stops_cleanly_and_resumes(
    tmp_path: Path, launchers: list[Launcher]
) -> None:
    var, base = tmp_path / "var", free_base_port()
    registry_url, nats_url = f"http://127.0.0.1:{base + 1}", f"nats://127.0.0.1:{base + 22}"
    ledger_url = f"http://127.0.0.1:{base + 2}"
    sizes = ("--persons", str(PERSONS), "--grants", str(GRANTS))

    first = Launcher(var, base, "--nodes", "se", *sizes)
    launchers.append(first)
    endpoints = first.wait_ready()

    assert endpoints == {
        "nodes": {"se": {"registry": registry_url, "ledger": ledger_url, "nats": nats_url}}
    }
    tokens = json.loads((var / "demo" / "tokens.json").read_text())
    assert set(tokens["se"]) == DEV_TOKENS
    assert (var / "se" / "ledger.db").exists()
    for secret in (
        var / "demo" / "tokens.json",
        var / "se" / "node.key",
        var / "se" / "tokens.json",
    ):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600, secret
    headers = {"Authorization": f"Bearer {tokens['se']['agency']}", "X-Purpose": "e2e test"}
    with httpx.Client(base_url=registry_url, headers=headers, timeout=10) as client:
        sample = client.get("/v1/persons", params={"limit": 5})
        assert sample.status_code == 200, sample.text
        assert [p["name"] for p in sample.json()["items"]] == [
            f"Testperson {n:04d}" for n in range(1, 6)
        ]
        persons, permits = _get_all(client, "/v1/persons"), _get_all(client, "/v1/permits")
        expiring = client.get("/v1/permits", params={"expiring_within_days": 30}).json()
    assert len(persons) == PERSONS
    assert permits
    assert expiring["items"], "some demo permits expire within 30 days"
    assert f"{registry_url}/docs" in first.log()
    assert tokens["se"]["agency"] in first.log()

    portal = {"Authorization": f"Bearer {tokens['se']['donor-portal']}"}
    with httpx.Client(base_url=ledger_url, headers=portal, timeout=10) as client:
        assert client.get("/readyz").status_code == 200
        feed = client.get("/v1/feed/grants", params={"limit": 5})
        assert feed.status_code == 200, feed.text
        assert client.post("/v1/donors", json={}).status_code == 403  # the portal only reads
    items = feed.json()["items"]
    assert len(items) == 5
    for item in items:
        assert str(item["external_id"]).startswith("DEMO-G-")
        assert str(item["title"]).startswith("Example grant ")
        assert item["donor"]["name"].startswith("Example ")
        assert item["recipient"]["identifier"].startswith("SE-DEMO-")
    funding = _funding(ledger_url, tokens["se"]["donor"])
    assert sum(map(len, funding.values())) > len(funding)  # commitments and disbursements
    assert f"{ledger_url}/docs" in first.log()
    assert f"{ledger_url}/v1/feed/grants" in first.log()
    assert tokens["se"]["donor-portal"] in first.log()

    status = CliRunner().invoke(app, ["status", "--var", str(var)])
    assert status.exit_code == 0, status.output
    assert "registry" in status.output
    assert "ledger" in status.output

    spawned = children(first.process.pid)
    assert any("nats-server" in cmd for cmd in spawned.values()), spawned
    assert any("uvicorn" in cmd for cmd in spawned.values()), spawned
    _stop(first)
    assert wait_gone(list(spawned), timeout=2) == [], spawned
    assert not (var / "demo" / "endpoints.json").exists()

    second = Launcher(var, base, "--nodes", "se", *sizes)
    launchers.append(second)
    assert second.wait_ready() == endpoints
    assert json.loads((var / "demo" / "tokens.json").read_text()) == tokens  # reused
    with httpx.Client(base_url=registry_url, headers=headers, timeout=10) as client:
        again = _get_all(client, "/v1/persons")
        assert len(_get_all(client, "/v1/permits")) == len(permits)
    assert sorted(p["id"] for p in again) == sorted(p["id"] for p in persons)
    assert f"{PERSONS} unchanged" in second.log()
    assert f"grants: {GRANTS} unchanged; 0 donors, 0 transactions and 0 activities" in second.log()
    assert _funding(ledger_url, tokens["se"]["donor"]) == funding  # no duplicates

    reseed = CliRunner().invoke(app, ["seed", "--var", str(var), "--node", "se", *sizes])
    assert reseed.exit_code == 0, reseed.output
    assert f"{PERSONS} unchanged" in reseed.output
    assert f"grants: {GRANTS} unchanged" in reseed.output

    spawned = children(second.process.pid)
    _stop(second)
    assert wait_gone(list(spawned), timeout=2) == [], spawned


@pytest.mark.slow
@pytest.mark.skipif(not LINUX_PROC, reason="inspects processes through /proc")
def test_killed_launcher_leaves_no_orphans(tmp_path: Path, launchers: list[Launcher]) -> None:
    var = tmp_path / "var"
    launcher = Launcher(var, free_base_port(), "--no-seed")
    launchers.append(launcher)
    launcher.wait_ready()
    spawned = children(launcher.process.pid)
    # the guardian, then nats-server, registry and ledger of each of the three default nodes
    assert len(spawned) == 10, spawned

    launcher.process.kill()  # SIGKILL: no finally block runs
    launcher.process.wait()

    assert wait_gone(list(spawned), timeout=15) == [], spawned


def test_busy_port_fails_with_a_clear_message(tmp_path: Path) -> None:
    base = free_base_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", base + 22))
        holder.listen()
        result = CliRunner().invoke(
            app, ["up", "--var", str(tmp_path / "var"), "--base-port", str(base)]
        )
    assert result.exit_code == 1
    assert str(base + 22) in result.output
    assert "--base-port" in result.output
