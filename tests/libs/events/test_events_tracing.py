"""The trace context through the outbox (header and CloudEvents extension), and the consumer's
figures (lag, redeliveries, terminated messages) on a Prometheus registry."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import orjson
import pytest
from events_support import EventsDb, eventually
from nats.aio.client import Client
from nats.js import JetStreamContext
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, use_span
from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from test_events_inbox import consumer, publish

from concordia.core import tracing
from concordia.events import (
    Consumer,
    ConsumerCollector,
    Envelope,
    EnvelopeError,
    Event,
    PersonUpdated,
)

TRACE_ID = 0x0AF7651916CD43DD8448EB211C80319C
SPAN_ID = 0xB7AD6B7169203331
TRACEPARENT = f"00-{TRACE_ID:032x}-{SPAN_ID:016x}-01"


def _in_trace() -> Any:
    """A context manager making a (remote, sampled) span of ``TRACE_ID`` the current one."""
    context = SpanContext(TRACE_ID, SPAN_ID, is_remote=True, trace_flags=TraceFlags(1))
    return use_span(NonRecordingSpan(context))


def test_the_extension_round_trips_and_a_bad_one_is_dropped() -> None:
    event = PersonUpdated(person_id=uuid.uuid4(), version=1)
    plain = Envelope.wrap(event, node="se")
    assert "traceparent" not in plain.to_dict()  # outside a trace the bytes are as before
    traced = replace(plain, traceparent=TRACEPARENT)
    again = Envelope.from_bytes(traced.to_bytes())
    assert again.traceparent == TRACEPARENT
    assert again == traced
    garbled = {**traced.to_dict(), "traceparent": "00-not-a-trace-01"}
    assert Envelope.from_dict(garbled).traceparent is None  # dropped, never a refusal
    with pytest.raises(EnvelopeError):
        Envelope.from_dict({**garbled, "time": "yesterday"})


async def test_the_outbox_carries_the_writer_s_trace(events_db: EventsDb) -> None:
    untraced = PersonUpdated(person_id=uuid.uuid4(), version=1)
    traced = PersonUpdated(person_id=uuid.uuid4(), version=1)
    async with events_db.db.unit_of_work() as session:
        [plain] = await events_db.outbox.add_many(session, [untraced], node="se")
        with _in_trace():
            [written] = await events_db.outbox.add_many(session, [traced], node="se")
    assert plain.traceparent is None
    assert written.traceparent == TRACEPARENT
    table = events_db.outbox.table
    async with events_db.db.sessionmaker() as session:
        rows = {r.event_id: r for r in await session.execute(select(table))}
    assert tracing.TRACEPARENT not in (rows[plain.id].headers or {})
    assert rows[written.id].headers[tracing.TRACEPARENT] == TRACEPARENT
    assert orjson.loads(rows[written.id].payload)["traceparent"] == TRACEPARENT
    # The committed traced write is a change the next release round of this database continues.
    key = events_db.db.engine.sync_engine
    assert [c.trace_id for c in tracing.take_changes(key)] == [TRACE_ID]
    assert tracing.take_changes(key) == []


async def test_consumer_figures_count_lag_redeliveries_and_terminations(
    events_db: EventsDb, nats_js: tuple[Client, JetStreamContext], stream: str, node_code: str
) -> None:
    _, js = nats_js
    failures = {"left": 1}

    async def flaky(session: AsyncSession, envelope: Envelope[Event]) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("transient")

    for _ in range(3):
        envelope = Envelope.wrap(PersonUpdated(person_id=uuid.uuid4(), version=1), node=node_code)
        await publish(js, envelope, envelope.id)
    subject = PersonUpdated(person_id=uuid.uuid4(), version=1).subject(node_code)
    await js.publish(subject, b"not an envelope", headers={"Nats-Msg-Id": uuid.uuid4().hex})
    c = consumer(events_db, js, stream, node_code, flaky, retry_delay=0.05, max_deliver=3)
    registry = CollectorRegistry()
    consumers: list[Consumer] = [c]
    ConsumerCollector(lambda: consumers).register(registry)
    async with c:
        await eventually(lambda: _settled(c), what="three applied, one retried, one terminated")
    assert c.metrics.redelivered_total == 1  # the retried one, delivered a second time
    assert c.metrics.lag_seconds >= 0.0
    exposition = generate_latest(registry).decode()
    for name, value in (
        ("applied_total", 3.0), ("retries_total", 1.0), ("redelivered_total", 1.0),
        ("terminated_total", 1.0),
    ):  # fmt: skip
        assert f'concordia_consumer_{name}{{consumer="{c.name}"}} {value}' in exposition
    assert f'concordia_consumer_pending{{consumer="{c.name}"}}' in exposition
    assert f'concordia_consumer_lag_seconds{{consumer="{c.name}"}}' in exposition


async def _settled(c: Consumer) -> bool:
    m = c.metrics
    return m.applied_total == 3 and m.terminated_total == 1 and m.retries_total == 1
