"""Outbox and relay: units of work reach JetStream exactly once, in order, through outages."""

from __future__ import annotations

import asyncio
import time
import uuid

import orjson
import pytest
from events_support import (
    EventsDb,
    eventually,
    msg_ids,
    read_stream,
    stream_count,
    updates,
    write,
)
from nats.aio.client import Client
from nats.js import JetStreamContext
from sqlalchemy import select

from concordia.events import (
    AggregateSnapshotPublished,
    Cell,
    Envelope,
    NatsServer,
    OutboxRelay,
    PersonRegistered,
    connect,
    ensure_stream,
)

FAST = {"ack_timeout": 1.0, "lease_ttl": 3.0, "backoff_initial": 0.05, "backoff_max": 0.3}


def assert_versions_in_order(msgs: list, node: str) -> None:
    """Per person, versions arrive strictly increasing."""
    last: dict[str, int] = {}
    for msg in msgs:
        data = Envelope.from_bytes(msg.data).data
        key = str(data.person_id)  # type: ignore[attr-defined]
        version = data.version  # type: ignore[attr-defined]
        assert version > last.get(key, 0), f"{key} went from {last.get(key)} to {version}"
        last[key] = version
        assert msg.subject.startswith(f"local.{node}.")


async def test_a_rolled_back_unit_of_work_leaves_no_outbox_row(
    events_db: EventsDb, node_code: str
) -> None:
    class Boom(Exception):
        pass

    async def fail_after_adding() -> None:
        async with events_db.db.unit_of_work() as session:
            await events_db.outbox.add_many(session, updates(uuid.uuid4(), 1, 3), node=node_code)
            raise Boom

    with pytest.raises(Boom):
        await fail_after_adding()
    assert await events_db.outbox_ids() == []

    envelopes = await write(events_db, updates(uuid.uuid4(), 1, 2), node_code)
    assert await events_db.outbox_ids() == [e.id for e in envelopes]


async def test_events_arrive_exactly_once_and_in_order(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    nc, js = nats_js
    persons = [uuid.uuid4() for _ in range(5)]
    relay = OutboxRelay(events_db.db, events_db.outbox, nc, poll_interval=5.0, **FAST)
    async with relay:
        # The relay idles on a 5 s poll: only the after-commit wake-up can deliver this fast.
        started = time.monotonic()
        first = await write(
            events_db, [PersonRegistered(person_id=persons[0], version=1)], node_code
        )
        await eventually(lambda: _count_is(js, stream, 1), within=2.0, what="the first event")
        assert time.monotonic() - started < 2.0

        for round_ in range(20):
            batch = [e for p in persons for e in updates(p, 2 + round_ * 2, 2)]
            await write(events_db, batch, node_code)
        # Concurrent units of work too (each about its own person).
        others = [uuid.uuid4() for _ in range(5)]
        await asyncio.gather(*(write(events_db, updates(p, 1, 10), node_code) for p in others))
        total = 1 + 20 * 10 + 50
        await eventually(lambda: _count_is(js, stream, total), what=f"{total} messages")
        await eventually(lambda: _no_pending(events_db), what="rows marked published")

    msgs = await read_stream(js, stream)
    ids = msg_ids(msgs)
    assert len(ids) == len(set(ids)) == total
    assert ids[0] == first[0].id
    assert sorted(ids) == sorted(await events_db.outbox_ids())
    # The sequential writes keep their exact order; the concurrent ones per person (above).
    assert ids[: 1 + 200] == (await events_db.outbox_ids())[: 1 + 200]
    assert_versions_in_order(msgs, node_code)
    for msg in msgs:
        assert Envelope.from_bytes(msg.data).id == msg.headers["Nats-Msg-Id"]  # type: ignore[index]
    assert relay.metrics.published_total == total
    assert relay.metrics.pending == 0


async def test_the_pending_gauge_reads_zero_once_a_backlog_is_drained(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    """The gauges are counted at most once a second while a backlog drains; the batch that
    empties it counts them at once (else they showed the old backlog until the next poll)."""
    nc, js = nats_js
    relay = OutboxRelay(events_db.db, events_db.outbox, nc, poll_interval=60.0, **FAST)
    await write(events_db, updates(uuid.uuid4(), 1, 10), node_code)
    await relay._update_gauges()  # counted with the rows pending: the next count is 1 s away
    assert relay.metrics.pending == 10
    assert await relay.publish_batch() == (10, False)
    assert await _count_is(js, stream, 10)
    assert relay.metrics.pending == 0


async def test_nats_down_while_writes_continue_then_back(
    events_db: EventsDb, own_nats_server: NatsServer, node_code: str
) -> None:
    nc, js = await connect(own_nats_server.url, name="relay-outage")
    await ensure_stream(js, "OUTAGE", [f"local.{node_code}.>"])
    person = uuid.uuid4()
    relay = OutboxRelay(events_db.db, events_db.outbox, nc, poll_interval=0.2, **FAST)
    try:
        async with relay:
            await write(events_db, updates(person, 1, 20), node_code)
            await eventually(lambda: _count_is(js, "OUTAGE", 20), what="20 before the outage")

            await asyncio.to_thread(own_nats_server.stop)
            version = 21
            for _ in range(10):
                await write(events_db, updates(person, version, 15), node_code)
                version += 15
                await asyncio.sleep(0.05)  # writes spread over the outage
            await eventually(lambda: relay.metrics.failures_total >= 2, what="failed attempts")
            assert await events_db.pending() == 150  # nothing lost, nothing marked

            await asyncio.to_thread(own_nats_server.start)  # same port, same store
            await eventually(lambda: _no_pending(events_db), within=20, what="catch-up")
            await write(events_db, updates(person, version, 5), node_code)
            await eventually(lambda: _count_is(js, "OUTAGE", 175), what="all 175")
        msgs = await read_stream(js, "OUTAGE")
    finally:
        await nc.close()
    ids = msg_ids(msgs)
    assert ids == await events_db.outbox_ids()
    assert_versions_in_order(msgs, node_code)


async def test_rows_committed_without_a_relay_are_published_once_later(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    nc, js = nats_js
    person = uuid.uuid4()
    for first in range(1, 100, 10):
        await write(events_db, updates(person, first, 10), node_code)
    assert await stream_count(js, stream) == 0  # committed, never published: a crash here

    relay = OutboxRelay(events_db.db, events_db.outbox, nc, batch_size=30, **FAST)
    async with relay:
        await eventually(lambda: _no_pending(events_db), what="the backlog")
    # A second relay (e.g. after a restart) finds nothing left to do.
    async with OutboxRelay(events_db.db, events_db.outbox, nc, **FAST) as again:
        await eventually(lambda: again.metrics.is_leader, what="the second relay to lead")
        await asyncio.sleep(0.3)  # a few polls as leader, in which nothing may be published
        assert again.metrics.published_total == 0
    assert msg_ids(await read_stream(js, stream)) == await events_db.outbox_ids()


async def test_aggregate_snapshots_are_stored_once_per_subject_forever(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    nc, js = nats_js

    def snapshot(version: int, female: int) -> AggregateSnapshotPublished:
        return AggregateSnapshotPublished(
            node=node_code,
            service="registry",
            aggregate="persons_by_gender",
            period="2026-Q4",
            version=version,
            charter_version="2026.1",
            dimensions=("gender",),
            cells=(Cell(key=("female",), value=female),),
        )

    # Two different envelopes (ids) for the same aggregate version: the second is refused by
    # the broker (wrong last subject sequence) and counts as already published.
    await write(events_db, [snapshot(1, 40)], node_code)
    await write(events_db, [snapshot(1, 45), snapshot(2, 45)], node_code)
    async with OutboxRelay(events_db.db, events_db.outbox, nc, **FAST) as relay:
        await eventually(lambda: _no_pending(events_db), what="snapshots")
    msgs = await read_stream(js, stream)
    assert [m.subject for m in msgs] == [
        f"shared.{node_code}.registry.aggregate.persons_by_gender.2026-Q4.v1",
        f"shared.{node_code}.registry.aggregate.persons_by_gender.2026-Q4.v2",
    ]
    assert orjson.loads(msgs[0].data)["data"]["cells"][0]["value"] == 40
    assert relay.metrics.duplicates_total == 1


async def test_a_message_the_stream_refuses_blocks_and_is_never_skipped(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], node_code: str
) -> None:
    nc, js = nats_js
    name = f"SMALL_{node_code.upper()}"
    await ensure_stream(js, name, [f"local.{node_code}.>"], max_msg_size=560)
    person = uuid.uuid4()
    small = await write(events_db, updates(person, 1, 3), node_code)
    big_env = Envelope.wrap(PersonRegistered(person_id=uuid.uuid4(), version=1), node=node_code)
    async with events_db.db.unit_of_work() as session:  # headers count towards the size limit
        await events_db.outbox.add(session, big_env, node=node_code, headers={"X-Pad": "x" * 600})
    same_subject = PersonRegistered(person_id=uuid.uuid4(), version=1)
    after = await write(events_db, [*updates(person, 4, 3), same_subject], node_code)

    async with OutboxRelay(events_db.db, events_db.outbox, nc, **FAST) as relay:
        # Several retries: the refused row stays, nothing is re-stored.
        await eventually(lambda: relay.metrics.failures_total >= 2, what="two failures")
        # The pipeline had sent the later rows before the refusal came back: the stream stored
        # them, so they are marked and never stored twice; only the refused row is pending.
        assert msg_ids(await read_stream(js, name)) == [e.id for e in small + after]
        assert await events_db.pending() == 1
        assert "10054" in (relay.metrics.last_error or "")
        assert relay.metrics.reordered_total == 1  # same_subject overtook the refused row

        await ensure_stream(js, name, [f"local.{node_code}.>"], max_msg_size=4096)
        await eventually(lambda: _no_pending(events_db), what="the refused row")
    expected = [e.id for e in small + after] + [big_env.id]
    assert msg_ids(await read_stream(js, name)) == expected


async def _count_is(js: JetStreamContext, stream: str, n: int) -> bool:
    count = await stream_count(js, stream)
    assert count <= n, f"{count} messages, expected at most {n}"
    return count == n


async def _no_pending(edb: EventsDb) -> bool:
    return await edb.pending() == 0


async def test_published_rows_are_timestamped(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    nc, _ = nats_js
    await write(events_db, updates(uuid.uuid4(), 1, 3), node_code)
    async with OutboxRelay(events_db.db, events_db.outbox, nc, **FAST):
        await eventually(lambda: _no_pending(events_db), what="publishing")
    table = events_db.outbox.table
    async with events_db.db.sessionmaker() as session:
        rows = (await session.execute(select(table.c.published_at, table.c.headers))).all()
    assert all(row.published_at is not None for row in rows)
    assert all(row.headers is None for row in rows)


async def test_subjects_are_routed_to_connections_by_prefix(
    events_db: EventsDb,
    nats_js: tuple[Client, JetStreamContext],
    stream: str,
    own_nats_server: NatsServer,
    node_code: str,
) -> None:
    local_nc, local_js = nats_js
    shared_nc, shared_js = await connect(own_nats_server.url, name="coalition")
    try:
        await ensure_stream(shared_js, "OUTBOUND", [f"shared.{node_code}.>"])
        snap = AggregateSnapshotPublished(
            node=node_code,
            service="registry",
            aggregate="persons_total",
            period="2026",
            version=1,
            charter_version="2026.1",
            dimensions=(),
            cells=(Cell(key=(), value=120),),
        )
        await write(events_db, [*updates(uuid.uuid4(), 1, 2), snap], node_code)
        route = {"local.>": local_nc, "shared": shared_nc}
        async with OutboxRelay(events_db.db, events_db.outbox, route, **FAST):
            await eventually(lambda: _no_pending(events_db), what="both routes")
        assert [m.subject.split(".")[0] for m in await read_stream(local_js, stream)] == [
            "local",
            "local",
        ]
        assert len(await read_stream(shared_js, "OUTBOUND")) == 1
    finally:
        await shared_nc.close()
