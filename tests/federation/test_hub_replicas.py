"""Two hub replicas on one PostgreSQL and the hub's broker: one is killed mid-ingest, and every
snapshot the nodes released is stored once, none lost, none counted twice (issue 17).

The deployment's shape: both replicas bind the same durable consumer of each country's
``NODE_<CODE>`` (sourced over the leaf connection from the node's ``SHARED_<CODE>``), so they
share the work; the inbox (one row per consumer and event, in the effect's transaction) and the
snapshot key (node, service, aggregate, period, version) keep a redelivery from counting again.
What the killed replica had fetched but not acknowledged is redelivered to the survivor once its
ack wait runs out.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
from e2e_support import Running
from federation_support import Coalition, make_coalition, running, spy_url
from hub_support import snapshot
from sqlalchemy.engine import make_url

from concordia.core.auth import TokenStore
from concordia.events import Envelope, ensure_streams, shared_stream

pytestmark = pytest.mark.slow
CODES = ("se", "pl")
RELEASES = 150  # per node: versions 1..RELEASES of one table
APPLIED = re.compile(r'^concordia_hub_ingest_applied_total\{node="(\w+)"\} (\S+)$', re.M)


@pytest.fixture
async def coalition(tmp_path: Path) -> AsyncIterator[Coalition]:
    """Hub, SE and PL brokers running, spy users in every account."""
    async with running(make_coalition(tmp_path, CODES)) as c:
        yield c


@pytest.fixture
async def hub_database(db_backend: str, database_factories: Callable[[str], Awaitable[str]]) -> str:
    """A fresh, migrated hub database on PostgreSQL (the replicas' shared database)."""
    if db_backend != "postgresql":
        pytest.skip("the replicas share one PostgreSQL (set CONCORDIA_TEST_DATABASE_URL)")
    return await database_factories("hub")


async def _applied(url: str, token: str) -> float:
    """Snapshots and reports the replica at ``url`` applied, over all countries."""
    async with httpx.AsyncClient(timeout=5) as client:
        answer = await client.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    return sum(float(value) for _node, value in APPLIED.findall(answer.text))


async def test_two_replicas_one_killed_mid_ingest_store_each_snapshot_once(
    coalition: Coalition, hub_database: str, tmp_path: Path
) -> None:
    root = coalition.root / "hub"
    ops = TokenStore(root / "tokens.json").create("test-ops", {"ops", "hub:read"})
    procs = Running()
    env = {
        "CONCORDIA_ENV": "test", "CONCORDIA_HUB_DATABASE_URL": hub_database,
        "CONCORDIA_TOKENS_FILE": str(root / "tokens.json"),
        "CONCORDIA_HUB_NODES_DIR": str(root / "nodes"), "CONCORDIA_HUB_STREAM_MODE": "sourced",
        "CONCORDIA_HUB_LOG_LEVEL": "WARNING",
    }  # fmt: skip
    dsn = make_url(hub_database).set(drivername="postgresql").render_as_string(False)
    db = await asyncpg.connect(dsn)
    try:
        # Both replicas start together, as a deployment rolls them out.
        first, second = await asyncio.gather(
            asyncio.to_thread(procs.start, "hub-a", "concordia.hub.app:main", env, root),
            asyncio.to_thread(procs.start, "hub-b", "concordia.hub.app:main", env, root),
        )
        publishers = {}
        for code in CODES:
            publishers[code] = await coalition.connect(spy_url(coalition, code, "COALITION"))
            await ensure_streams(publishers[code].jetstream(), [shared_stream(code)])

        async def release_all() -> None:
            # The nodes release at a steady pace, through the kill and after it.
            for version in range(1, RELEASES + 1):
                for code, nc in publishers.items():
                    envelope = Envelope.wrap(snapshot(node=code, version=version), node=code)
                    await nc.jetstream().publish(
                        envelope.subject, envelope.to_bytes(),
                        headers={"Nats-Msg-Id": envelope.id},
                    )  # fmt: skip
                await asyncio.sleep(0.01)

        releasing = asyncio.create_task(release_all())

        async def both_ingesting() -> bool:
            return await _applied(first, ops) >= 10 and await _applied(second, ops) >= 1

        async with asyncio.timeout(60):
            while not await both_ingesting():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        stored_before = await db.fetchval("SELECT count(*) FROM snapshots")
        # The replicas started side by side, so the list's order is theirs: kill ``first`` by name.
        killed = next(p.pid for p in procs.processes if p.name == "hub-a")
        assert killed is not None
        os.kill(killed, signal.SIGKILL)  # no shutdown: whatever it held unacknowledged is open
        await releasing
        total = RELEASES * len(CODES)
        assert stored_before < total, "the kill came after the ingest: not mid-ingest"

        # The survivor takes over what the killed replica held unacknowledged (ack wait 30 s).
        async with asyncio.timeout(120):
            while await db.fetchval("SELECT count(*) FROM snapshots") < total:  # noqa: ASYNC110
                await asyncio.sleep(0.25)
        print(f"{stored_before} of {total} stored when one replica was killed")
        await asyncio.sleep(2)  # nothing more trickles in
        rows = await db.fetch("SELECT node, version, event_id FROM snapshots")
        assert len(rows) == total
        assert sorted((r["node"], r["version"]) for r in rows) == sorted(
            (code, v) for code in CODES for v in range(1, RELEASES + 1)
        )
        claims = await db.fetch(
            "SELECT consumer, event_id FROM inbox WHERE consumer LIKE 'hub-ingest-%'"
        )
        assert len(claims) == total  # every release applied once (none twice, none missing)
        assert {r["event_id"] for r in rows} == {r["event_id"] for r in claims}
        assert await db.fetchval("SELECT count(*) FROM refusals") == 0

        # The survivor's API lists every version once.
        async with httpx.AsyncClient(base_url=second, timeout=30) as client:
            answer = await client.get(
                "/v1/aggregates", params={"history": "true", "limit": 10_000},
                headers={"Authorization": f"Bearer {ops}"},
            )  # fmt: skip
        assert answer.status_code == 200, answer.text
        listed = [(s["node"], s["version"]) for s in answer.json()]
        assert sorted(listed) == sorted((r["node"], r["version"]) for r in rows)
    finally:
        await db.close()
        procs.stop()
