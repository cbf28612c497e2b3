"""One relay per database: the lease, and two relays sharing one outbox."""

from __future__ import annotations

import asyncio
import uuid

from events_support import EventsDb, eventually, msg_ids, read_stream, updates, write
from nats.aio.client import Client
from nats.js import JetStreamContext

from concordia.events import Lease, OutboxRelay

FAST = {"ack_timeout": 0.3, "lease_ttl": 1.0, "poll_interval": 0.1, "backoff_max": 0.2}


async def test_lease_is_exclusive_renewable_and_expires(events_db: EventsDb) -> None:
    table = events_db.outbox.lease_table
    a = Lease(events_db.db.sessionmaker, table, holder="a", ttl=0.6)
    b = Lease(events_db.db.sessionmaker, table, holder="b", ttl=0.6)

    assert await a.acquire()
    assert not await b.acquire()
    assert await a.acquire()  # renewal
    assert a.held
    assert not b.held

    await asyncio.sleep(0.7)  # a stopped renewing (as if it crashed)
    assert await b.acquire()
    assert not await a.acquire()

    await b.release()
    assert not b.held
    assert await a.acquire()  # free at once after a release


async def test_lease_creation_race_has_one_winner(events_db: EventsDb) -> None:
    table = events_db.outbox.lease_table
    leases = [Lease(events_db.db.sessionmaker, table, holder=f"h{i}", ttl=5) for i in range(6)]
    won = await asyncio.gather(*(lease.acquire() for lease in leases))
    assert sum(won) == 1


async def test_two_relays_only_one_publishes_and_the_other_takes_over(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    nc, js = nats_js
    person = uuid.uuid4()
    first = OutboxRelay(events_db.db, events_db.outbox, nc, holder="first", **FAST)
    second = OutboxRelay(events_db.db, events_db.outbox, nc, holder="second", **FAST)
    await first.start()
    await eventually(lambda: _leader(first), what="a leader")
    await second.start()
    try:
        for version in range(1, 200, 20):
            await write(events_db, updates(person, version, 20), node_code)
        await eventually(lambda: _drained(events_db), what="the first 200")
        # The counter moves just after the rows are marked published.
        await eventually(lambda: first.metrics.published_total >= 200, what="the count")
        assert first.metrics.published_total == 200
        assert second.metrics.published_total == 0
        assert not second.metrics.is_leader

        await first.stop()  # gives the lease up
        await write(events_db, updates(person, 201, 50), node_code)
        await eventually(lambda: _drained(events_db), what="the takeover")
        assert second.metrics.is_leader
        assert second.metrics.published_total == 50
    finally:
        await first.stop()
        await second.stop()
    ids = msg_ids(await read_stream(js, stream))
    assert ids == await events_db.outbox_ids()


async def _leader(relay: OutboxRelay) -> bool:
    return relay.metrics.is_leader


async def _drained(edb: EventsDb) -> bool:
    return await edb.pending() == 0
