"""Idempotent JetStream consumers: one unit of work per message, the inbox row inside it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson
from nats.aio.msg import Msg
from nats.js import JetStreamContext, api
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core import tracing
from concordia.core.db import Database
from concordia.events._envelope import Envelope, EnvelopeError
from concordia.events._model import Event
from concordia.events.runtime.inbox import AlreadyProcessedError, Inbox
from concordia.events.runtime.tasks import Worker

log = logging.getLogger("concordia.events.consumer")

Handler = Callable[[AsyncSession, Envelope[Event]], Awaitable[None]]
"""Applies one event inside the unit of work it is given; never commits."""

EventRoute = Callable[[AsyncSession, Any], Awaitable[None]]
"""Applies one event of a given type (the event, without its envelope)."""


def dispatch(
    routes: Mapping[type[Event], EventRoute],
    *,
    enveloped: Mapping[type[Event], Handler] | None = None,
) -> Handler:
    """A handler that applies each event by its type's route, then flushes the unit of work.

    ``routes`` get the event, ``enveloped`` routes the whole envelope (when they need its time).
    An event of a type neither names changes nothing.

    Example::

        handler = dispatch({OrganisationRegistered: _organisation, PersonErased: _erased})
    """
    by_type: dict[type[Event], Handler] = {
        kind: _on_data(route) for kind, route in routes.items()
    } | dict(enveloped or {})

    async def handle(session: AsyncSession, envelope: Envelope[Event]) -> None:
        route = by_type.get(type(envelope.data))
        if route is not None:
            await route(session, envelope)
        await session.flush()

    return handle


def _on_data(route: EventRoute) -> Handler:
    async def handle(session: AsyncSession, envelope: Envelope[Event]) -> None:
        await route(session, envelope.data)

    return handle


class Outcome(StrEnum):
    """What became of one delivered message."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    RETRY = "retry"
    TERMINATED = "terminated"


@dataclass
class ConsumerMetrics:
    """Counters of one consumer, read by a metrics exporter."""

    applied_total: int = 0
    duplicates_total: int = 0
    retries_total: int = 0
    terminated_total: int = 0
    fetch_errors_total: int = 0
    #: Deliveries of a message delivered before (a nak, a lost ack, an ack wait run out).
    redelivered_total: int = 0
    #: Messages of the stream this consumer has still to receive, as of its last delivery.
    pending: int = 0
    #: How long the message in hand waited in the stream (0 when idle).
    lag_seconds: float = 0.0


class Consumer(Worker):
    """A durable pull consumer whose handler's effect is applied exactly once per event.

    Each message: parse the envelope, open one unit of work, claim the event in the inbox
    (skipping the effect if it was applied before), run the handler, commit, then ack. A failing
    handler rolls back and the message is redelivered after a growing delay; after
    ``max_deliver`` attempts it is terminated and logged as an error. A lost ack only causes a
    redelivery, which the inbox turns into a no-op.

    Example::

        async def on_erased(session: AsyncSession, envelope: Envelope[Event]) -> None:
            await recompute_for(session, envelope.data.person_id)

        consumer = Consumer(js, db, inbox, on_erased, name="evaluation-erasures",
                            subjects=[PersonErased], node="se")
        async with consumer:
            ...
    """

    def __init__(
        self,
        js: JetStreamContext,
        db: Database,
        inbox: Inbox,
        handler: Handler,
        *,
        name: str,
        subjects: str | type[Event] | Sequence[str | type[Event]],
        node: str = "*",
        stream: str | None = None,
        batch: int = 64,
        fetch_timeout: float = 1.0,
        ack_wait: float = 30.0,
        max_deliver: int = 5,
        retry_delay: float = 1.0,
        max_retry_delay: float = 60.0,
        verify_subject: bool = True,
        deliver_policy: api.DeliverPolicy = api.DeliverPolicy.ALL,
        on_terminated: Callable[[Msg, BaseException], Awaitable[None]] | None = None,
        group: bool = False,
        turns: asyncio.Lock | None = None,
    ) -> None:
        items = [subjects] if isinstance(subjects, str | type) else list(subjects)
        self.filters = [s if isinstance(s, str) else s.subject_filter(node) for s in items]
        if not self.filters:
            raise ValueError("a consumer needs at least one subject")
        super().__init__()
        self.js = js
        self.db = db
        self.inbox = inbox
        self.handler = handler
        self.name = name
        self.stream = stream
        self.batch = batch
        self.fetch_timeout = fetch_timeout
        self.ack_wait = ack_wait
        self.max_deliver = max_deliver
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.verify_subject = verify_subject
        self.deliver_policy = deliver_policy
        self.on_terminated = on_terminated
        #: Apply what one fetch brought in one unit of work (see ``handle_group``).
        self.group = group
        #: Held around each unit of work: consumers of one process sharing it take their turns
        #: in order (see ``_turn``).
        self.turns = turns
        self.metrics = ConsumerMetrics()
        self._sub: JetStreamContext.PullSubscription | None = None

    def consumer_config(self) -> api.ConsumerConfig:
        """The durable consumer's JetStream configuration."""
        single = len(self.filters) == 1
        return api.ConsumerConfig(
            name=self.name,
            durable_name=self.name,
            ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            deliver_policy=self.deliver_policy,
            filter_subject=self.filters[0] if single else None,
            filter_subjects=None if single else list(self.filters),
        )

    async def subscribe(self) -> JetStreamContext.PullSubscription:
        """Create or update the durable consumer and bind a pull subscription to it."""
        if self.stream is None:
            self.stream = await self.js.find_stream_name_by_subject(self.filters[0])
        await self.js.add_consumer(self.stream, config=self.consumer_config())
        self._sub = await self.js.pull_subscribe_bind(durable=self.name, stream=self.stream)
        return self._sub

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Process messages in a background task; it creates the consumer, retrying until it can."""
        if self._task is None or self._task.done():
            self._sub = None
        self._spawn(f"consumer:{self.name}")

    async def stop(self) -> None:
        """Stop after the message in hand; unacked messages are redelivered later."""
        await self._halt(self.fetch_timeout + 5)
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
            self._sub = None

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                sub = self._sub or await self.subscribe()
                msgs = await sub.fetch(self.batch, timeout=self.fetch_timeout)
                failures = 0
            except TimeoutError:
                self.metrics.pending, self.metrics.lag_seconds = 0, 0.0  # nothing waits
                continue
            except Exception as exc:  # keep consuming through broker restarts
                failures += 1
                self.metrics.fetch_errors_total += 1
                log.warning("consumer %s: fetch failed: %s", self.name, exc)
                if failures > 3 and self._sub is not None:
                    # Re-create the consumer: it may have been deleted, or the stream re-made.
                    with contextlib.suppress(Exception):
                        await self._sub.unsubscribe()
                    self._sub = None
                await self._pause(min(0.2 * 2**failures, 5.0))
                continue
            if self.group and len(msgs) > 1 and not tracing.active():
                await self.handle_group(msgs)
                continue
            for msg in msgs:
                await self.handle(msg)

    # -- one message -----------------------------------------------------------------------

    async def apply(self, msg: Msg) -> Outcome:
        """Apply one message's effect in one unit of work, without acknowledging it.

        Returns ``APPLIED`` or ``DUPLICATE``; raises ``EnvelopeError`` for a message that can
        never be applied, and whatever the handler raised (after rolling back).
        """
        envelope = Envelope.from_bytes(msg.data)
        if self.verify_subject and envelope.subject != msg.subject:
            raise EnvelopeError(
                f"envelope subject {envelope.subject!r} differs from NATS subject {msg.subject!r}"
            )
        try:
            async with self._turn(), self.db.unit_of_work() as session:
                await self.inbox.claim(session, consumer=self.name, event_id=envelope.id)
                await self.handler(session, envelope)
        except AlreadyProcessedError:
            return Outcome.DUPLICATE
        return Outcome.APPLIED

    async def handle(self, msg: Msg) -> Outcome:
        """Apply one message, then ack it, or nak it with a delay, or terminate it.

        A message sent in a trace is handled in a span continuing it (tracing on only).
        """
        self._observe(msg)
        if not tracing.active():
            return await self._handle(msg)
        with tracing.continued(
            f"process {msg.subject}", _trace_carrier(msg), kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "nats", "messaging.destination.name": msg.subject,
                        "messaging.consumer.group.name": self.name},
        ):  # fmt: skip
            return await self._handle(msg)

    async def handle_group(self, msgs: Sequence[Msg]) -> list[Outcome]:
        """Apply several messages in one unit of work, then ack each; on any failure, none.

        Each message still claims its event in the inbox before its effect, in the same
        transaction, so a redelivery stays a no-op. A backlog (thirty countries releasing at
        once) then costs one write lock and one commit per fetch instead of per message. When
        any message cannot be parsed or its handler raises, the unit rolls back and every
        message is handled on its own (``handle``), with its own retries.
        """
        try:
            envelopes = [Envelope.from_bytes(msg.data) for msg in msgs]
        except EnvelopeError:
            return [await self.handle(msg) for msg in msgs]
        if self.verify_subject and any(
            e.subject != m.subject for e, m in zip(envelopes, msgs, strict=True)
        ):
            return [await self.handle(msg) for msg in msgs]
        outcomes: list[Outcome] = []
        try:
            async with self._turn(), self.db.unit_of_work() as session:
                claimed: set[str] = set()
                for envelope in envelopes:
                    seen = envelope.id in claimed or await self.inbox.seen(
                        session, consumer=self.name, event_id=envelope.id
                    )
                    if seen:
                        outcomes.append(Outcome.DUPLICATE)
                        continue
                    await self.inbox.claim(session, consumer=self.name, event_id=envelope.id)
                    claimed.add(envelope.id)
                    await self.handler(session, envelope)
                    outcomes.append(Outcome.APPLIED)
        except Exception:  # each message again on its own, with its own outcome and retries
            return [await self.handle(msg) for msg in msgs]
        for msg, outcome in zip(msgs, outcomes, strict=True):
            self._observe(msg)
            if outcome is Outcome.APPLIED:
                self.metrics.applied_total += 1
            else:
                self.metrics.duplicates_total += 1
            await msg.ack()
        return outcomes

    def _turn(self) -> contextlib.AbstractAsyncContextManager[object]:
        """This consumer's turn among the writers sharing ``turns`` (none to wait for without).

        Many consumers of one process writing at once (the hub's thirty countries) would each
        hold a pooled connection and wait for the database's write lock: on SQLite each polls
        it in its busy handler, with sleeps growing to 100 ms and no order, so one unit could
        wait seconds while others went by. Taking turns on an ``asyncio.Lock`` first queues
        them in arrival order, on the event loop, without holding a connection.
        """
        return self.turns if self.turns is not None else contextlib.nullcontext()

    def _observe(self, msg: Msg) -> None:
        try:
            meta = msg.metadata
        except Exception:  # not a JetStream delivery (a test's message): nothing to observe
            return
        if (meta.num_delivered or 1) > 1:
            self.metrics.redelivered_total += 1
        self.metrics.pending = meta.num_pending or 0
        if meta.timestamp is not None:
            waited = (datetime.now(UTC) - meta.timestamp).total_seconds()
            self.metrics.lag_seconds = max(0.0, waited)

    async def _handle(self, msg: Msg) -> Outcome:
        try:
            outcome = await self.apply(msg)
        except EnvelopeError as exc:
            return await self._terminate(msg, exc, "cannot be parsed")
        except Exception as exc:  # any handler failure is retried, then dropped
            delivered = msg.metadata.num_delivered or 1
            if 0 < self.max_deliver <= delivered:
                return await self._terminate(msg, exc, f"failed {delivered} times")
            delay = min(self.max_retry_delay, self.retry_delay * 2 ** (delivered - 1))
            log.warning(
                "consumer %s: handler failed (attempt %d/%d), retry in %.1fs: %s",
                self.name, delivered, self.max_deliver, delay, exc,
            )  # fmt: skip
            self.metrics.retries_total += 1
            await msg.nak(delay=delay)
            return Outcome.RETRY
        if outcome is Outcome.APPLIED:
            self.metrics.applied_total += 1
        else:
            self.metrics.duplicates_total += 1
        await msg.ack()
        return outcome

    async def _terminate(self, msg: Msg, exc: BaseException, why: str) -> Outcome:
        log.error(
            "consumer %s: TERMINATED message %s on %s, it %s and will not be redelivered: %s",
            self.name, msg.metadata.sequence.stream if msg.metadata.sequence else "?",
            msg.subject, why, exc, exc_info=exc,
        )  # fmt: skip
        self.metrics.terminated_total += 1
        await msg.term()
        if self.on_terminated is not None:
            await self.on_terminated(msg, exc)
        return Outcome.TERMINATED


def _trace_carrier(msg: Msg) -> dict[str, str]:
    """Where a message's trace context is: its headers (the relay's span), else its envelope."""
    headers = msg.headers or {}
    if tracing.TRACEPARENT in headers:
        return dict(headers)
    try:
        value = orjson.loads(msg.data).get("traceparent")
    except (orjson.JSONDecodeError, AttributeError):
        return {}
    traceparent = tracing.valid_traceparent(value)
    return {tracing.TRACEPARENT: traceparent} if traceparent else {}
