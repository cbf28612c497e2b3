"""Outages: a node offline while it keeps writing, and the hub's broker killed mid-stream.

Either way the hub converges to exactly what the node released: every version of every table
once, none missing (versions 1..n), the newest with the node's own cells.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
from typing import Any

import httpx
import pytest
from e2e_support import Running, bearer, eventually, node_token
from federation_support import Coalition
from registry_support import person

pytestmark = [pytest.mark.slow]

K = 10  # the default charter's threshold: one round of K persons in one cell is a release
_ids = itertools.count()


async def _write_round(registry: str, token: str) -> None:
    """Register K synthetic persons in one cell (a release the per-cell rule lets through)."""
    records = [
        person(next(_ids), gender="female", region_of_origin="RU-MOW", ethnic_origin="russian")
        for _ in range(K)
    ]
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        response = await client.put(
            "/v1/sync/persons", json={"records": records}, headers=bearer(token)
        )
    assert response.status_code == 200, response.text


async def _node_released(registry: str, token: str) -> dict[tuple[str, str], dict[str, Any]]:
    async with httpx.AsyncClient(base_url=registry, timeout=30) as client:
        response = await client.get("/v1/aggregates", headers=bearer(token))
    assert response.status_code == 200, response.text
    return {(s["aggregate"], s["period"]): s for s in response.json()["snapshots"]}


async def _hub_history(hub: str, token: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    async with httpx.AsyncClient(base_url=hub, timeout=30) as client:
        response = await client.get(
            "/v1/aggregates",
            params={"node": "se", "service": "registry", "history": "true", "limit": 10_000},
            headers=bearer(token),
        )
    assert response.status_code == 200, response.text
    history: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for snapshot in response.json():
        history.setdefault((snapshot["aggregate"], snapshot["period"]), []).append(snapshot)
    return history


async def _converged(registry: str, node_token_: str, hub: str, hub_token: str) -> bool:
    """The hub holds versions 1..n of every table the node released, n its newest, once each."""
    released = await _node_released(registry, node_token_)
    history = await _hub_history(hub, hub_token)
    if not released or set(history) != set(released):
        return False
    for key, newest in released.items():
        versions = sorted(s["version"] for s in history[key])
        if versions != list(range(1, newest["version"] + 1)):
            assert len(versions) == len(set(versions)), f"{key}: a version counted twice"
            return False
        held = next(s for s in history[key] if s["version"] == newest["version"])
        assert held["cells"] == newest["cells"], key
    return True


async def test_hub_converges_after_a_node_outage_and_a_hub_broker_crash(
    coalition: Coalition, running: Running
) -> None:
    c = coalition
    registry = await running.node_service(c, "se", "registry", interval=0.3)
    hub, reader = await running.hub(c)
    agency = node_token(c, "se", "registry:write")
    auditor = node_token(c, "se", "registry:read")

    async def converged() -> bool:
        return await _converged(registry, auditor, hub, reader)

    await _write_round(registry, agency)
    await eventually(converged)
    before = await _node_released(registry, auditor)

    # The node's broker goes down; the registry keeps taking writes and releasing (outbox).
    c.brokers["se"].stop()
    for _ in range(3):
        await _write_round(registry, agency)
        await asyncio.sleep(0.8)  # a few aggregate rounds: each round of writes is a release
    offline = await _node_released(registry, auditor)
    assert any(offline[k]["version"] > before[k]["version"] for k in before), "released offline"
    c.brokers["se"].start()
    await eventually(converged, seconds=120)

    # The hub's broker is killed mid-stream, and comes back.
    await _write_round(registry, agency)
    c.hub.stop(signal.SIGKILL)
    for _ in range(2):
        await _write_round(registry, agency)
        await asyncio.sleep(0.8)
    c.hub.start()
    await eventually(converged, seconds=120)
    final = await _node_released(registry, auditor)
    assert any(final[k]["version"] > offline[k]["version"] for k in offline), "released again"
