"""Outages: a node offline while it keeps writing, and the hub's broker killed mid-stream.

Either way the hub converges to exactly what the node released: every version of every table
once, none missing (versions 1..n), the newest with the node's own cells.
"""

from __future__ import annotations

import asyncio
import signal

import pytest
from e2e_support import (
    Running,
    converged,
    eventually,
    node_released,
    node_token,
    write_round,
)
from federation_support import Coalition

pytestmark = [pytest.mark.slow]


async def test_hub_converges_after_a_node_outage_and_a_hub_broker_crash(
    coalition: Coalition, running: Running
) -> None:
    c = coalition
    registry = await running.node_service(c, "se", "registry", interval=0.3)
    hub, reader = await running.hub(c)
    agency = node_token(c, "se", "registry:write")
    auditor = node_token(c, "se", "registry:read")

    async def hub_has_all() -> bool:
        return await converged(registry, auditor, hub, reader)

    await write_round(registry, agency)
    await eventually(hub_has_all)
    before = await node_released(registry, auditor)

    # The node's broker goes down; the registry keeps taking writes and releasing (outbox).
    c.brokers["se"].stop()
    for _ in range(3):
        await write_round(registry, agency)
        await asyncio.sleep(0.8)  # a few aggregate rounds: each round of writes is a release
    offline = await node_released(registry, auditor)
    assert any(offline[k]["version"] > before[k]["version"] for k in before), "released offline"
    c.brokers["se"].start()
    await eventually(hub_has_all, seconds=120)

    # The hub's broker is killed mid-stream, and comes back.
    await write_round(registry, agency)
    c.hub.stop(signal.SIGKILL)
    for _ in range(2):
        await write_round(registry, agency)
        await asyncio.sleep(0.8)
    c.hub.start()
    await eventually(hub_has_all, seconds=120)
    final = await node_released(registry, auditor)
    assert any(final[k]["version"] > offline[k]["version"] for k in offline), "released again"
