"""Outages: the hub's copy of a node's outbound stream converges, every message exactly once."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from federation_support import Coalition, stream_holds
from nats.js import JetStreamContext

from concordia.core.db import Database, new_metadata
from concordia.events import (
    AggregateSnapshotPublished,
    Cell,
    NodeLinks,
    Outbox,
    OutboxRelay,
    country_stream,
    ensure_streams,
)

pytestmark = pytest.mark.slow
FAST: dict[str, Any] = {
    "ack_timeout": 0.5,
    "lease_ttl": 2.0,
    "poll_interval": 0.1,
    "backoff_max": 0.3,
}


def snapshot(version: int) -> AggregateSnapshotPublished:
    """Release ``version`` of a synthetic aggregate of node se."""
    return AggregateSnapshotPublished(
        node="se", service="registry", aggregate="persons_by_gender", period="2026-Q4",
        version=version, charter_version="2026.1", dimensions=("gender",),
        cells=(Cell(key=("female",), value=10 + version),),
    )  # fmt: skip


async def hub_subjects(js: JetStreamContext, count: int, within: float = 30) -> list[str]:
    """Wait until NODE_SE holds ``count`` messages; return their subjects in stream order."""
    await stream_holds(js, "NODE_SE", count, within)
    sub = await js.subscribe("shared.se.>", stream="NODE_SE", ordered_consumer=True)
    subjects = []
    for _ in range(count):
        subjects.append((await sub.next_msg(timeout=5)).subject)
    await sub.unsubscribe()
    return subjects


async def test_node_outage_and_hub_crash_converge_exactly_once(
    coalition: Coalition, tmp_path: Path
) -> None:
    outbox = Outbox(new_metadata())
    db = Database(f"sqlite:///{tmp_path / 'registry.db'}")
    async with db.engine.begin() as conn:
        await conn.run_sync(outbox.table.metadata.create_all)
    links = NodeLinks(
        "registry", "se", coalition.node_url("se", "registry"),
        coalition.node_url("se", "registry-shared"),
    )  # fmt: skip
    await links.start()
    hub = await coalition.connect(coalition.hub_url("se"))
    hjs = hub.jetstream(timeout=3)
    await ensure_streams(hjs, [country_stream("se")])
    written = 0

    async def write(count: int) -> None:
        nonlocal written
        for _ in range(count):
            written += 1
            async with db.unit_of_work() as session:
                await outbox.add(session, snapshot(written), node="se")
            await asyncio.sleep(0.02)

    node, hub_broker = coalition.brokers["se"], coalition.hub
    async with OutboxRelay(db, outbox, links.route(), **FAST) as relay:
        await write(20)
        await asyncio.to_thread(node.stop)  # the node's broker goes away; the service writes on
        await write(20)
        assert await relay.pending_count() > 0
        await asyncio.to_thread(node.start)
        await write(10)
        started = time.monotonic()
        await hub_subjects(hjs, written, within=60)
        print(f"caught up after the node outage in {time.monotonic() - started:.1f} s")
        await write(10)
        await asyncio.to_thread(hub_broker.stop, signal.SIGKILL)  # mid-stream crash of the hub
        await write(20)
        await asyncio.to_thread(hub_broker.start)
        started = time.monotonic()
        await write(10)
        async with asyncio.timeout(30):
            await relay.wait_until_idle()
        await hub_subjects(hjs, written, within=60)
        print(f"caught up after the hub crash in {time.monotonic() - started:.1f} s")
    subjects = await hub_subjects(hjs, written)
    expected = [snapshot(v).subject("se") for v in range(1, written + 1)]
    assert subjects == expected  # all of them, once each, in order
    await asyncio.sleep(1)  # nothing more trickles in
    assert (await hjs.stream_info("NODE_SE")).state.messages == written
    await links.stop()
    await db.dispose()
