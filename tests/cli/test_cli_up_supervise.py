"""`concordia up` outlives a crash of the hub's broker: nodes keep serving and releasing.

The hub's nats-server is killed (SIGKILL, as a crash) under a running `concordia up`. The
supervisor starts it again after its back-off (long here, so the outage is long enough to watch);
meanwhile a node takes writes and releases a new version of its tables, no node process is
stopped or restarted, and once the hub's broker is back the hub holds that version too.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from registry_support import person
from up_support import LINUX_PROC, Launcher, children, free_base_port, launchers, stop

__all__ = ["launchers"]
OUTAGE_SECONDS = 60  # the supervisor's first back-off: the hub's broker stays down this long
K = 12  # more than the demo charter's threshold (10), every person in one cell


def _get(url: str, token: str, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "audit; outage test"}
    answer = httpx.get(url, params=params, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _released(registry: str, token: str) -> dict[tuple[str, str], int]:
    body = _get(f"{registry}/v1/aggregates", token)
    return {(s["aggregate"], s["period"]): s["version"] for s in body["snapshots"]}


def _at_hub(hub: str, token: str) -> set[tuple[str, str, int]]:
    found = _get(f"{hub}/v1/aggregates", token, node="se", service="registry", history="true",
                 limit=10_000)  # fmt: skip
    return {(s["aggregate"], s["period"], s["version"]) for s in found}


def _eventually(check: Any, seconds: float, what: str, launcher: Launcher) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"{what} within {seconds} s:\n{launcher.log()[-4000:]}")


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not LINUX_PROC, reason="inspects processes through /proc")
def test_killing_the_hubs_broker_stops_no_node_and_the_hub_catches_up(
    tmp_path: Path, launchers: list[Launcher]
) -> None:
    var, base = tmp_path / "var", free_base_port()
    launcher = Launcher(var, base, "--nodes", "se,pl", "--persons", "30", "--grants", "20",
                        "--restart-delays", f"{OUTAGE_SECONDS},1")  # fmt: skip
    launchers.append(launcher)
    endpoints = launcher.wait_ready(timeout=240)
    tokens = json.loads((var / "demo" / "tokens.json").read_text())
    hub, reader = endpoints["hub"]["hub"], tokens["hub"]["hub:read"]  # type: ignore[index]
    registry = endpoints["nodes"]["se"]["registry"]  # type: ignore[index]
    agency = tokens["se"]["agency"]
    _eventually(lambda: _at_hub(hub, reader), 90, "no snapshot of se reached the hub", launcher)
    before = _released(registry, agency)

    spawned = children(launcher.process.pid)
    (hub_broker,) = [pid for pid, cmd in spawned.items() if "nats-server" in cmd and "/hub/" in cmd]
    nodes = {
        pid: cmd for pid, cmd in spawned.items() if "/hub/" not in cmd and "nats-server" in cmd
    }
    nodes |= {pid: cmd for pid, cmd in spawned.items() if "uvicorn" in cmd and "hub" not in cmd}
    assert len(nodes) == 2 + 2 * 4, spawned  # two brokers and four services at each node
    os.kill(hub_broker, signal.SIGKILL)

    # The node serves and takes writes, and releases a new version while the hub is away.
    records = [
        person(9000 + n, gender="female", region_of_origin="RU-MOW", ethnic_origin="russian",
               profession_category="journalist")
        for n in range(K)
    ]  # fmt: skip
    headers = {"Authorization": f"Bearer {agency}", "X-Purpose": "registration; outage test"}
    answer = httpx.put(f"{registry}/v1/sync/persons", json={"records": records}, headers=headers,
                       timeout=60)  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"]["created"] == K

    def newer() -> dict[tuple[str, str], int]:
        now = _released(registry, agency)
        return {key: v for key, v in now.items() if v > before.get(key, 0)}

    released = _eventually(newer, OUTAGE_SECONDS / 2, "the node released nothing new", launcher)
    assert not _accepts(base + 922), "the hub's broker was back before the node released"
    assert launcher.process.poll() is None, launcher.log()
    assert "the hub's nats-server stopped unexpectedly; restarting in" in launcher.log()

    # The supervisor brings the hub's broker back; the hub catches up with the release.
    _eventually(lambda: "the hub's nats-server restarted" in launcher.log(), OUTAGE_SECONDS * 2,
                "the hub's broker was not restarted", launcher)  # fmt: skip
    wanted = {(aggregate, period, version) for (aggregate, period), version in released.items()}
    _eventually(lambda: wanted <= _at_hub(hub, reader), 180, "the hub did not catch up", launcher)

    # No node process was stopped or restarted along the way.
    still = children(launcher.process.pid)
    assert set(nodes) <= set(still), (nodes, still)
    assert "node se's" not in launcher.log()
    assert "node pl's" not in launcher.log()
    assert _get(f"{registry}/v1/persons", agency, limit=1)["items"]
    stop(launcher, timeout=60)
