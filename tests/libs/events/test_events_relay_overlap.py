"""The relay overlaps the batches of a backlog (read ahead while acks come in, mark while the
next batch is published) and still publishes every row once, in order, marking each."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from events_support import EventsDb, eventually, msg_ids, read_stream, updates, write
from nats.aio.client import Client
from nats.js import JetStreamContext

from concordia.events import OutboxRelay

FAST = {"ack_timeout": 1.0, "lease_ttl": 3.0, "backoff_initial": 0.05, "backoff_max": 0.3}


class SlowMarks(OutboxRelay):
    """Marks slowly, so the next batch is read and published while a mark is in flight;
    records how many marks ran at once, and fails the marks numbered in ``fail``."""

    def __init__(self, *args: Any, fail: frozenset[int] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fail = fail
        self.marks = 0
        self.marking = 0
        self.most_at_once = 0
        self.overlapped = 0  # batches read while a mark was in flight

    async def _pending_rows(self, exclude: Sequence[int] = ()) -> Any:
        self.overlapped += self.marking > 0
        return await super()._pending_rows(exclude)

    async def _mark_published(self, rows: Sequence[Any]) -> None:
        self.marks += 1
        self.marking += 1
        self.most_at_once = max(self.most_at_once, self.marking)
        try:
            await asyncio.sleep(0.05)
            if self.marks in self.fail:
                raise RuntimeError("the database went away while marking")
            await super()._mark_published(rows)
        finally:
            self.marking -= 1


async def _drained(edb: EventsDb) -> bool:
    return await edb.pending() == 0


async def test_a_backlog_drained_with_overlapping_batches_is_published_once_in_order(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    nc, js = nats_js
    person = uuid.uuid4()
    for first in range(1, 120, 20):
        await write(events_db, updates(person, first, 20), node_code)
    relay = SlowMarks(events_db.db, events_db.outbox, nc, batch_size=10, **FAST)
    async with relay:
        await eventually(lambda: _drained(events_db), what="the backlog")
    assert relay.overlapped > 0, "no batch was read while the previous one was being marked"
    assert relay.most_at_once == 1  # a batch's mark waits for the previous one's
    # A row being marked is never read again: nothing went out twice.
    assert relay.metrics.duplicates_total == 0
    assert relay.metrics.published_total == 120
    ids = msg_ids(await read_stream(js, stream))
    assert ids == await events_db.outbox_ids()  # once each, in seq order


async def test_a_failed_mark_loses_nothing_and_stores_nothing_twice(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    """The second batch's mark fails while the third batch is out: both batches stay pending,
    are sent again (the stream drops them as duplicates), and are marked then."""
    nc, js = nats_js
    await write(events_db, updates(uuid.uuid4(), 1, 60), node_code)
    relay = SlowMarks(events_db.db, events_db.outbox, nc, batch_size=10, fail={2}, **FAST)
    async with relay:
        await eventually(lambda: _drained(events_db), what="the backlog")
    assert relay.metrics.failures_total >= 1
    assert 1 <= relay.metrics.duplicates_total <= 20  # at most the two batches in flight
    assert relay.metrics.reordered_total == 0
    ids = msg_ids(await read_stream(js, stream))
    assert ids == await events_db.outbox_ids()


async def test_publish_batch_on_its_own_marks_before_returning(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    nc, _ = nats_js
    await write(events_db, updates(uuid.uuid4(), 1, 25), node_code)
    relay = SlowMarks(events_db.db, events_db.outbox, nc, batch_size=10, **FAST)
    assert await relay.publish_batch() == (10, True)
    assert await events_db.pending() == 15
    assert await relay.publish_batch() == (10, True)
    assert await relay.publish_batch() == (5, False)
    assert await events_db.pending() == 0
    assert relay.overlapped == 0
