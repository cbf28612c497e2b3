"""Idempotent consumers: every event's effect is applied once, whatever the redeliveries."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from events_support import EventsDb, eventually
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.events import (
    Consumer,
    Envelope,
    Event,
    Outcome,
    PersonErased,
    PersonUpdated,
)


def counting_handler(edb: EventsDb, fail_first: int = 0) -> Any:
    """A handler that counts one effect per person; it raises on its first ``fail_first`` calls."""
    calls = {"n": 0}

    async def handler(session: AsyncSession, envelope: Envelope[Event]) -> None:
        calls["n"] += 1
        person = str(envelope.data.person_id)  # type: ignore[attr-defined]
        table = edb.effects
        current = await session.scalar(select(table.c.count).where(table.c.person_id == person))
        if current is None:
            await session.execute(insert(table).values(person_id=person, count=1))
        else:
            await session.execute(
                update(table).where(table.c.person_id == person).values(count=current + 1)
            )
        if calls["n"] <= fail_first:
            raise RuntimeError(f"transient failure {calls['n']}")  # after writing: rolled back

    return handler


NOW = datetime(2026, 11, 28, tzinfo=UTC)


async def publish(js: JetStreamContext, envelope: Envelope[Event], msg_id: str) -> None:
    await js.publish(envelope.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": msg_id})


def consumer(
    edb: EventsDb, js: JetStreamContext, stream: str, node: str, handler: Any, **kw: Any
) -> Consumer:
    return Consumer(
        js,
        edb.db,
        edb.inbox,
        handler,
        name=f"test-{uuid.uuid4().hex[:8]}",
        subjects=[PersonUpdated, PersonErased],
        node=node,
        stream=stream,
        fetch_timeout=0.2,
        **kw,
    )


#: One unit of work per message, or per fetch (``group``: what a fetch brought, in one unit).
GROUPED = pytest.mark.parametrize("group", [False, True], ids=["each", "grouped"])


@GROUPED
async def test_the_same_envelope_published_twice_is_applied_once(
    events_db: EventsDb,
    nats_js: tuple[Client, JetStreamContext],
    stream: str,
    node_code: str,
    group: bool,
) -> None:
    _, js = nats_js
    person = uuid.uuid4()
    envelope = Envelope.wrap(PersonUpdated(person_id=person, version=2), node=node_code)
    other = Envelope.wrap(PersonUpdated(person_id=uuid.uuid4(), version=1), node=node_code)
    await publish(js, envelope, "first-id")
    await publish(js, envelope, "second-id")  # not deduped by the broker: a different msg id
    await publish(js, other, other.id)

    handler = counting_handler(events_db)
    async with consumer(events_db, js, stream, node_code, handler, group=group) as c:
        await eventually(lambda: _handled(c, 3), what="three deliveries")
    assert c.metrics.applied_total == 2
    assert c.metrics.duplicates_total == 1
    assert await events_db.effect_counts() == {str(person): 1, str(other.data.person_id): 1}


async def test_a_lost_ack_redelivers_and_the_effect_stays_single(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    _, js = nats_js
    person = uuid.uuid4()
    envelope = Envelope.wrap(PersonUpdated(person_id=person, version=1), node=node_code)
    await publish(js, envelope, envelope.id)
    c = consumer(events_db, js, stream, node_code, counting_handler(events_db), ack_wait=0.5)

    # Apply and commit, but never ack: as if the process died right after the commit.
    sub = await c.subscribe()
    [msg] = await sub.fetch(1, timeout=2)
    assert await c.apply(msg) is Outcome.APPLIED
    await sub.unsubscribe()

    async with c:  # ack_wait expires: the broker redelivers
        await eventually(lambda: _duplicates(c, 1), what="the redelivery")
    assert c.metrics.applied_total == 0
    assert await events_db.effect_counts() == {str(person): 1}
    info = await js.consumer_info(stream, c.name)
    assert info.num_ack_pending == 0


async def test_a_failing_handler_is_rolled_back_and_retried(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    _, js = nats_js
    person = uuid.uuid4()
    envelope = Envelope.wrap(PersonUpdated(person_id=person, version=1), node=node_code)
    await publish(js, envelope, envelope.id)
    handler = counting_handler(events_db, fail_first=2)
    async with consumer(events_db, js, stream, node_code, handler, retry_delay=0.05) as c:
        await eventually(lambda: _applied(c, 1), what="the third attempt")
    assert c.metrics.retries_total == 2
    assert await events_db.effect_counts() == {str(person): 1}


async def test_unlimited_delivery_outlasts_any_number_of_failures(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    """max_deliver=-1: an erasure behind a long outage is delayed, never dropped."""
    _, js = nats_js
    person = uuid.uuid4()
    envelope = Envelope.wrap(PersonErased(person_id=person, erased_at=NOW), node=node_code)
    await publish(js, envelope, envelope.id)
    handler = counting_handler(events_db, fail_first=7)
    async with consumer(
        events_db, js, stream, node_code, handler, retry_delay=0.02, max_deliver=-1
    ) as c:
        await eventually(lambda: _applied(c, 1), what="the eighth attempt")
    assert c.metrics.terminated_total == 0
    assert c.metrics.retries_total == 7
    assert await events_db.effect_counts() == {str(person): 1}


@GROUPED
async def test_poison_and_exhausted_messages_are_terminated_and_the_rest_flows(
    events_db: EventsDb,
    nats_js: tuple[Client, JetStreamContext],
    stream: str,
    node_code: str,
    group: bool,
) -> None:
    """Grouped, a fetch holding them all rolls back and each is handled on its own."""
    _, js = nats_js
    subject = PersonUpdated.subject_filter(node_code)
    await js.publish(subject, b"not an envelope", headers={"Nats-Msg-Id": "poison"})
    liar = Envelope.wrap(PersonUpdated(person_id=uuid.uuid4(), version=1), node=node_code)
    await js.publish(
        PersonErased.subject_filter(node_code), liar.to_bytes(), headers={"Nats-Msg-Id": "liar"}
    )
    doomed = Envelope.wrap(PersonUpdated(person_id=uuid.uuid4(), version=1), node=node_code)
    await publish(js, doomed, doomed.id)
    fine = Envelope.wrap(PersonUpdated(person_id=uuid.uuid4(), version=1), node=node_code)
    await publish(js, fine, fine.id)

    terminated: list[str] = []

    async def on_terminated(msg: Msg, exc: BaseException) -> None:
        terminated.append(str(exc))

    base = counting_handler(events_db)

    async def handler(session: AsyncSession, envelope: Envelope[Event]) -> None:
        if envelope.id == doomed.id:
            raise RuntimeError("always fails")
        await base(session, envelope)

    c = consumer(
        events_db,
        js,
        stream,
        node_code,
        handler,
        max_deliver=2,
        retry_delay=0.05,
        on_terminated=on_terminated,
        group=group,
    )
    async with c:
        await eventually(lambda: _terminated(c, 3), what="three terminations")
        await eventually(lambda: _applied(c, 1), what="the good one")
    assert await events_db.effect_counts() == {str(fine.data.person_id): 1}
    assert len(terminated) == 3
    assert any("differs from NATS subject" in t for t in terminated)
    assert any("always fails" in t for t in terminated)


async def test_consumer_needs_subjects(events_db: EventsDb) -> None:
    with pytest.raises(ValueError, match="at least one subject"):
        Consumer(
            None, events_db.db, events_db.inbox, counting_handler(events_db), name="x", subjects=[]
        )  # type: ignore[arg-type]
    await asyncio.sleep(0)


async def _handled(c: Consumer, n: int) -> bool:
    return c.metrics.applied_total + c.metrics.duplicates_total >= n


async def _applied(c: Consumer, n: int) -> bool:
    return c.metrics.applied_total >= n


async def _duplicates(c: Consumer, n: int) -> bool:
    return c.metrics.duplicates_total >= n


async def _terminated(c: Consumer, n: int) -> bool:
    return c.metrics.terminated_total >= n


async def test_consumer_and_relay_ride_out_a_broker_restart(
    events_db: EventsDb, own_nats_server: Any, node_code: str
) -> None:
    from concordia.events import OutboxRelay, connect, ensure_stream

    nc, js = await connect(own_nats_server.url, name="restart-test")
    try:
        await ensure_stream(js, "RESTART", [f"local.{node_code}.>"])
        fast = {"ack_timeout": 0.5, "lease_ttl": 2.0, "backoff_max": 0.3, "poll_interval": 0.2}
        relay = OutboxRelay(events_db.db, events_db.outbox, nc, **fast)
        c = consumer(events_db, js, "RESTART", node_code, counting_handler(events_db))
        persons = [uuid.uuid4() for _ in range(6)]
        async with relay, c:
            async with events_db.db.unit_of_work() as session:
                for p in persons[:3]:
                    await events_db.outbox.add(
                        session, PersonUpdated(person_id=p, version=1), node=node_code
                    )
            await eventually(lambda: _applied(c, 3), what="before the restart")

            await asyncio.to_thread(own_nats_server.stop)
            async with events_db.db.unit_of_work() as session:
                for p in persons[3:]:
                    await events_db.outbox.add(
                        session, PersonUpdated(person_id=p, version=1), node=node_code
                    )
            await eventually(lambda: relay.metrics.failures_total > 0, what="the relay to fail")
            await asyncio.to_thread(own_nats_server.start)

            await eventually(lambda: _applied(c, 6), within=20, what="after the restart")
    finally:
        await nc.close()
    assert await events_db.effect_counts() == {str(p): 1 for p in persons}
