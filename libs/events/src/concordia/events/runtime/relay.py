"""The outbox relay: publishes committed outbox rows to JetStream, in order, exactly once.

Guarantees, and why they hold:

* **Nothing is lost.** A row is marked published only after JetStream acknowledged storing it
  (or answered that the subject already holds it). A crash, a restart or a broker outage leaves
  rows pending, and the next relay publishes them.
* **Nothing is stored twice.** Every message carries ``Nats-Msg-Id`` = the event id, so the
  stream drops re-publishes within its ``duplicate_window`` (2 minutes by default): a relay that
  died between publishing and marking re-publishes at most two batches (a backlog's batches
  overlap: one is marked while the next is published), deduped if it restarts
  within the window. Types that are ``once_per_subject`` also carry
  ``Nats-Expected-Last-Subject-Sequence: 0``, which dedupes forever (answer ``err_code`` 10071,
  counted as already published). Consumers stay idempotent anyway (inbox).
* **A subject's events keep their order** (per subject, not across subjects). Rows are read in
  ``seq`` order (commit order for rows about one entity, whose transactions serialise on the
  entity's row) and pipelined on one connection, and JetStream stores one connection's
  messages in the order sent. A failure that is not about one message (timeout, disconnect,
  broker down, stream missing or full) fails every later message too: the relay marks the
  acknowledged prefix and retries from the first failure, so a retry never jumps ahead.
  Two cases can still reorder, and both are counted in ``metrics.reordered_total`` and logged:
  (1) the stream refuses one message by itself (say, larger than the stream's
  ``max_msg_size``; the connection's ``max_payload`` is checked before sending, which stops the
  batch cleanly) while later ones of its subject are stored: the relay blocks on that message,
  retrying with backoff and logging each failure, and marks the later stored ones published so
  they are never stored twice; when the cause is fixed, the refused one lands after them.
  (2) the connection breaks mid-batch: messages still in the client's write buffer may be
  stored after reconnecting while earlier ones died in the socket; the retry stores the earlier
  ones after them (seen as a duplicate ack following a fresh one). Events carry ``version`` for
  consumers that care.
* **One relay per database.** A lease row (see ``Lease``) lets one process publish; the others
  idle and take over when it stops or its lease expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from nats.aio.client import Client
from nats.js import api
from nats.js.errors import APIError
from opentelemetry.trace import SpanKind
from sqlalchemy import BigInteger, Select, Text, any_, bindparam, cast, exists, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from concordia.core import tracing
from concordia.core.db import Database
from concordia.events.runtime.lease import Lease
from concordia.events.runtime.outbox import EXPECTED_LAST_SUBJECT_SEQUENCE, Outbox
from concordia.events.runtime.pipeline import AckPipeline, Route, router
from concordia.events.runtime.tasks import Worker

log = logging.getLogger("concordia.events.relay")

#: JetStream's answer when ``Nats-Expected-Last-Subject-Sequence`` does not hold.
WRONG_LAST_SEQUENCE = 10071


@dataclass
class RelayMetrics:
    """Counters and gauges of one relay, read by a metrics exporter."""

    published_total: int = 0
    duplicates_total: int = 0
    failures_total: int = 0
    reordered_total: int = 0
    pending: int = 0
    lag_seconds: float = 0.0
    is_leader: bool = False
    last_error: str | None = None
    last_published_at: float | None = None


@dataclass(slots=True)
class _Marking:
    """A batch being marked published in the background, and the rows it marks."""

    task: asyncio.Task[None]
    seqs: list[int]


@dataclass(frozen=True, slots=True)
class _Row:
    seq: int
    event_id: str
    subject: str
    payload: bytes
    headers: dict[str, str] | None


class OutboxRelay(Worker):
    """Publishes a database's outbox to JetStream in the background.

    Example (in a FastAPI lifespan)::

        nc, js = await connect(settings.nats_url, name="registry")
        relay = OutboxRelay(db, outbox, nc)          # or {"local": nc_local, "shared": nc_coal}
        async with relay:                            # start(); stop() on exit
            yield
    """

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        route: Route,
        *,
        holder: str | None = None,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        lease_ttl: float = 15.0,
        ack_timeout: float = 4.0,
        backoff_initial: float = 0.2,
        backoff_max: float = 10.0,
        retention: timedelta | None = timedelta(days=7),
        on_published: Callable[[int], None] | None = None,
    ) -> None:
        if ack_timeout * 3 > lease_ttl:
            raise ValueError("ack_timeout must be under a third of lease_ttl")
        super().__init__()
        self.db = db
        self.outbox = outbox
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.ack_timeout = ack_timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = min(backoff_max, lease_ttl / 3)
        self.retention = retention
        self.on_published = on_published
        self.metrics = RelayMetrics()
        self.lease = Lease(
            db.sessionmaker,
            outbox.lease_table,
            holder=holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
            ttl=lease_ttl,
            name=f"relay:{outbox.table.name}",
        )
        self._route = router(route)
        self._pipelines: dict[int, AckPipeline] = {}
        self._next_purge = 0.0
        self._next_gauges = 0.0
        self._marking: _Marking | None = None
        #: The next batch, read while this one's acks were awaited (the loop only).
        self._prefetch: asyncio.Task[list[_Row]] | None = None
        #: PostgreSQL: the relay's own autocommit connections, by use ("read", "mark").
        self._connections: dict[str, AsyncConnection] = {}
        self._dropped: list[AsyncConnection] = []

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Run the relay as a background task."""
        self._spawn("outbox-relay")

    async def stop(self) -> None:
        """Stop after the current batch and give the lease up."""
        await self._halt(self.ack_timeout + 5)
        await self._discard_prefetch()
        with contextlib.suppress(Exception):  # what was published is marked, if it can be
            async with asyncio.timeout(self.ack_timeout + 5):
                await self._settle()
        for pipe in self._pipelines.values():
            await pipe.close()
        self._pipelines.clear()
        await self._close_connections()
        with contextlib.suppress(Exception):
            await self.lease.release()
        self.metrics.is_leader = False

    async def wait_until_idle(self) -> None:
        """Wait until no row is pending (wrap in ``asyncio.timeout`` to bound it)."""
        while await self.pending_count() > 0:
            self.outbox.notify()
            await asyncio.sleep(0.05)

    async def pending_count(self) -> int:
        """Rows not yet published."""
        table = self.outbox.table
        async with self.db.unit_of_work(write=False) as session:
            count = await session.scalar(
                select(func.count()).select_from(table).where(table.c.published_at.is_(None))
            )
        return int(count or 0)

    # -- the loop --------------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        try:
            while not self._stopping.is_set():
                try:
                    if self.lease.needs_renewal:
                        self.metrics.is_leader = await self.lease.acquire()
                    if not self.metrics.is_leader:
                        await self._discard_prefetch()
                        await self._settle()
                        await self._pause(self.poll_interval)
                        continue
                    _, more = await self._batch(overlap=True)
                    failures = 0
                    await self._maybe_purge()
                    if not more:
                        await self._settle()
                        await self._idle()
                except Exception as exc:  # the relay must outlive any one failure
                    await self._discard_prefetch()
                    failures += 1
                    self.metrics.failures_total += 1
                    self.metrics.is_leader = self.lease.held
                    self.metrics.last_error = f"{type(exc).__name__}: {exc}"
                    # A broker restart takes a few attempts; a row the stream refuses never
                    # passes.
                    level = logging.ERROR if failures >= 10 else logging.WARNING
                    log.log(
                        level, "outbox relay: %s (attempt %d)", self.metrics.last_error, failures
                    )
                    await self._pause(self._backoff(failures))
        finally:
            await self._discard_prefetch()
            with contextlib.suppress(Exception):  # else stop() settles what is still marking
                await self._settle()
            await self._close_connections()

    def _backoff(self, failures: int) -> float:
        # Exponential, capped, with jitter: spreads the retries of many relays after an outage.
        ceiling = min(self.backoff_max, self.backoff_initial * 2 ** min(failures - 1, 30))
        return random.uniform(ceiling / 2, ceiling)

    async def _idle(self) -> None:
        wakeup = self.outbox.wakeup_event()
        stop = asyncio.ensure_future(self._stopping.wait())
        wake = asyncio.ensure_future(wakeup.wait())
        try:
            await asyncio.wait(
                {stop, wake}, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stop.cancel()
            wake.cancel()
        wakeup.clear()

    # -- one batch -------------------------------------------------------------------------

    async def publish_batch(self) -> tuple[int, bool]:
        """Publish one batch of pending rows; return (published, whether more may be pending).

        The rows are marked published before it returns. Raises when the batch failed
        part-way, after marking what the stream stored. Call it only while holding the lease.
        """
        try:
            return await self._batch(overlap=False)
        finally:
            await self._settle()
            if self._task is None:  # called on its own: keep no connection
                await self._close_connections()

    async def _batch(self, *, overlap: bool) -> tuple[int, bool]:
        """Publish one batch; with ``overlap`` (the loop), overlap it with its neighbours.

        Draining a backlog, the database's work is done while we wait for the stream's and
        the stream's while we wait for the database's: batch N+1 is read while N's acks are
        awaited, and N is marked published while N+1 is published. A read leaves out the rows
        in flight and being marked by seq (whether or not their mark has landed yet) and is
        otherwise the read as ever, pending rows from the lowest seq up: a row that committed
        late with a lower seq is still sent before any later row of its subject (which
        committed after it, so is not seen by a read that missed it). A read ahead is used
        only by the very next batch, and only when this one was stored whole; else it is
        dropped and the next batch reads afresh. N's mark is awaited before N+1's starts, and
        its failure fails N+1 too: a crash or a failed mark re-publishes at most two batches,
        which the stream drops as duplicates (``Nats-Msg-Id``).
        """
        self.outbox.wakeup_event().clear()
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is not None:
            rows = await prefetch
        else:
            marking = self._marking
            rows = await self._pending_rows(marking.seqs if marking is not None else ())
        if not rows:
            await self._settle()
            await self._update_gauges()
            return 0, False
        more = len(rows) == self.batch_size
        stored, error = await self._publish(rows, read_ahead=overlap and more)
        try:
            await self._settle()  # the previous batch's mark, overlapped with this batch
        except Exception:
            await self._discard_prefetch()
            raise
        if error is not None:
            await self._discard_prefetch()
        if stored:
            if overlap and error is None:
                task = asyncio.create_task(self._mark_and_count(stored), name="outbox-mark")
                self._marking = _Marking(task, [row.seq for row in stored])
            else:
                await self._mark_and_count(stored)
        drained = not more and error is None and self.metrics.pending > 0
        if drained or time.monotonic() >= self._next_gauges:
            # The gauges scan every pending row: once a second is plenty for a scrape, and
            # doing it per batch made draining a backlog slower the larger the backlog was.
            # A backlog just drained is counted at once (after its last mark), so the gauge
            # does not go on showing it until the next poll.
            if drained:
                await self._settle()
            await self._update_gauges()
        if error is not None:
            raise error
        return len(stored), more

    def _read_ahead(self, rows: Sequence[_Row]) -> None:
        """Start reading the batch after ``rows`` (sent, not yet acknowledged)."""
        exclude = [row.seq for row in rows]
        if self._marking is not None:
            exclude += self._marking.seqs
        self._prefetch = asyncio.create_task(self._pending_rows(exclude), name="outbox-read")

    async def _discard_prefetch(self) -> None:
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is not None:
            prefetch.cancel()
            with contextlib.suppress(BaseException):
                await prefetch
            await self._close_connections(only_dropped=True)

    async def _settle(self) -> None:
        """Wait for the batch marking in the background, if any; raise its failure."""
        marking, self._marking = self._marking, None
        if marking is not None:
            # Shielded: a cancelled loop leaves the mark running, and stop() settles it.
            await asyncio.shield(marking.task)

    async def _mark_and_count(self, rows: Sequence[_Row]) -> None:
        await self._mark_published(rows)
        self.metrics.published_total += len(rows)
        self.metrics.last_published_at = time.time()
        if self.on_published is not None:
            self.on_published(len(rows))

    async def _pending_rows(self, exclude: Sequence[int] = ()) -> list[_Row]:
        """The first pending rows by seq, leaving out ``exclude`` (rows being marked)."""
        table = self.outbox.table
        if self.db.sqlite:
            query: Select[Any] = self._rows_query(table.c.headers)
            if exclude:
                query = query.where(table.c.seq.not_in(exclude))
            async with self.db.unit_of_work(write=False) as session:
                result = await session.execute(query)
                return [_Row(*row) for row in result.all()]
        # PostgreSQL: the headers as text, decoded here (most rows share theirs, decoded once),
        # on the relay's own connection: one round trip. The rows left out are one array
        # parameter in an anti-join (hashed): "seq <> ALL(array)" compares each row with every
        # element, several milliseconds a batch.
        query = self._rows_query(cast(table.c.headers, Text))
        if exclude:
            excluded = func.unnest(_seq_array(exclude)).column_valued("excluded")
            query = query.where(~exists(select(excluded).where(excluded == table.c.seq)))
        async with self._connection("read") as conn:
            result = await conn.execute(query)
            decoded: dict[str | None, dict[str, str] | None] = {None: None, "null": None}
            rows = []
            for seq, event_id, subject, payload, text in result.all():
                try:
                    headers = decoded[text]
                except KeyError:
                    headers = decoded[text] = orjson.loads(text)
                rows.append(_Row(seq, event_id, subject, payload, headers))
            return rows

    def _rows_query(self, headers: Any) -> Select[Any]:
        table = self.outbox.table
        return (
            select(table.c.seq, table.c.event_id, table.c.subject, table.c.payload, headers)
            .where(table.c.published_at.is_(None))
            .order_by(table.c.seq)
            .limit(self.batch_size)
        )

    @contextlib.asynccontextmanager
    async def _connection(self, use: str) -> AsyncIterator[AsyncConnection]:
        """PostgreSQL: the relay's own autocommit connection for ``use``, kept across batches.

        A pooled checkout pings the server first (BEGIN, a query, ROLLBACK): three round trips
        per statement, more than the statement. A kept connection needs none; one that fails
        is dropped, and the next use opens another.
        """
        conn = self._connections.get(use)
        if conn is None:
            conn = await self.db.engine.connect()
            try:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            except BaseException:
                await conn.close()
                raise
            self._connections[use] = conn
        try:
            yield conn
        except BaseException:
            self._connections.pop(use, None)
            self._dropped.append(conn)  # closed by stop(), or now if it is an error
            if not isinstance(sys.exc_info()[1], asyncio.CancelledError):
                await self._close_connections(only_dropped=True)
            raise

    async def _close_connections(self, *, only_dropped: bool = False) -> None:
        dropped, self._dropped = self._dropped, []
        for conn in dropped:
            with contextlib.suppress(Exception):
                await conn.invalidate()  # a connection that failed is not pooled again
        if not only_dropped:
            kept, self._connections = list(self._connections.values()), {}
            for conn in kept:
                with contextlib.suppress(Exception):
                    await conn.close()

    async def _publish(
        self, rows: Sequence[_Row], *, read_ahead: bool = False
    ) -> tuple[list[_Row], Exception | None]:
        futures: list[asyncio.Future[api.PubAck]] = []
        error: Exception | None = None
        traced = tracing.active()  # off: not one call more per row
        for row in rows:
            headers = {"Nats-Msg-Id": row.event_id, **(row.headers or {})}
            try:
                nc = self._route(row.subject)
                if not nc.is_connected:
                    raise ConnectionError(f"NATS connection for {row.subject} is not connected")
                if traced and tracing.TRACEPARENT in headers:
                    futures.append(await self._publish_traced(nc, row, headers))
                else:
                    futures.append(
                        await self._pipeline(nc).publish(row.subject, row.payload, headers)
                    )
            except Exception as exc:  # nothing after a refused send goes out: order is kept
                error = exc
                break
        if read_ahead and error is None:
            self._read_ahead(rows)  # while the acks come in
        await _wait_all(futures, self.ack_timeout)
        stored = self._stored(rows, futures)
        outcomes = (_outcome(row, f) for row, f in zip(rows, futures, strict=False))
        first_failure = next((o for o in outcomes if isinstance(o, Exception)), None)
        for future in futures:
            if future.done() and not future.cancelled():
                future.exception()  # retrieved, so asyncio does not log it as forgotten
            else:
                future.cancel()
        if isinstance(first_failure, Exception):
            error = first_failure
        return stored, error

    async def _publish_traced(
        self, nc: Client, row: _Row, headers: dict[str, str]
    ) -> asyncio.Future[api.PubAck]:
        """Send a row written in a trace in a span of it; the consumer continues that span."""
        with tracing.continued(
            f"publish {row.subject}", row.headers, kind=SpanKind.PRODUCER,
            attributes=_messaging(row.subject, row.event_id),
        ) as span:  # fmt: skip
            if span is not None:
                tracing.inject(headers)
            return await self._pipeline(nc).publish(row.subject, row.payload, headers)

    def _stored(
        self, rows: Sequence[_Row], futures: Sequence[asyncio.Future[api.PubAck]]
    ) -> list[_Row]:
        """The rows the stream holds now, counting reorderings as it goes.

        Normally that is the acknowledged prefix. When the stream refused one message, later
        messages of the same pipeline may have been stored: they are included, so they are never
        stored a second time once the duplicate window has passed, and a later one on the
        subject of a refused one is counted in ``reordered_total``.
        """
        stored: list[_Row] = []
        fresh: set[str] = set()
        missing: set[str] = set()
        for row, future in zip(rows, futures, strict=False):
            outcome = _outcome(row, future)
            if isinstance(outcome, Exception):
                missing.add(row.subject)
                continue
            if outcome:  # a duplicate: stored by an earlier attempt
                self.metrics.duplicates_total += 1
            # Stored while an earlier message of its subject is not (yet), or answered as a
            # duplicate after an earlier one of its subject was freshly stored (the previous
            # attempt's later message got in while an earlier one was lost): out of order.
            if row.subject in missing or (outcome and row.subject in fresh):
                self.metrics.reordered_total += 1
                log.warning("outbox relay: %s is out of order on %s", row.event_id, row.subject)
            if not outcome:
                fresh.add(row.subject)
            stored.append(row)
        return stored

    def _pipeline(self, nc: Client) -> AckPipeline:
        pipe = self._pipelines.get(id(nc))
        if pipe is None or pipe.nc is not nc:
            pipe = self._pipelines[id(nc)] = AckPipeline(nc)
        return pipe

    async def _mark_published(self, rows: Sequence[_Row]) -> None:
        """Set ``published_at`` on ``rows`` (by explicit seq, not by range: a row with a lower
        seq may commit after we read)."""
        table = self.outbox.table
        now = datetime.now(UTC)
        seqs = [row.seq for row in rows]
        if self.db.sqlite:
            async with self.db.unit_of_work() as session:  # SQLite's one writer at a time
                for start in range(0, len(seqs), 500):
                    await session.execute(
                        update(table)
                        .where(table.c.seq.in_(seqs[start : start + 500]))
                        .values(published_at=now)
                    )
            return
        # PostgreSQL: one statement, in autocommit (atomic by itself), without the writers'
        # advisory lock. That lock keeps a unit of work's reads true until it commits; this
        # statement reads nothing it depends on. It only sets published_at on rows that this
        # relay read pending and the stream acknowledged, and no other writer touches them:
        # Outbox.add inserts new rows, purge_published deletes published rows only, and a
        # second relay (after our lease lapsed) would set the same column on the same rows,
        # which row locks order and which leaves them published either way. So marking no
        # longer queues behind (or holds up) the service's writers.
        statement = (
            update(table).where(table.c.seq == any_(_seq_array(seqs))).values(published_at=now)
        )
        async with self._connection("mark") as conn:
            await conn.execute(statement)

    async def _update_gauges(self) -> None:
        self._next_gauges = time.monotonic() + 1.0
        await self._refresh_gauges()

    async def _refresh_gauges(self) -> None:
        table = self.outbox.table
        query = select(func.count(), func.min(table.c.created_at)).where(
            table.c.published_at.is_(None)
        )
        # A pooled read, not the relay's own connection: a read ahead may be using that one.
        async with self.db.unit_of_work(write=False) as session:
            count, oldest = (await session.execute(query)).one()
        self.metrics.pending = int(count or 0)
        if oldest is None:
            self.metrics.lag_seconds = 0.0
        else:
            if oldest.tzinfo is None:  # SQLite hands back naive UTC
                oldest = oldest.replace(tzinfo=UTC)
            self.metrics.lag_seconds = max(0.0, (datetime.now(UTC) - oldest).total_seconds())

    async def _maybe_purge(self) -> None:
        if self.retention is None or time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + 3600
        async with self.db.unit_of_work() as session:
            purged = await self.outbox.purge_published(
                session, before=datetime.now(UTC) - self.retention
            )
        if purged:
            log.info("outbox relay: purged %d published rows", purged)


async def _wait_all(futures: Sequence[asyncio.Future[Any]], seconds: float) -> None:
    """Wait until every future is done or ``seconds`` have passed.

    ``asyncio.wait(futures)`` hooks a callback on each of a batch's futures and unhooks it
    after; acks arrive about in order, so waiting for each not yet done in turn mostly finds
    the later ones done already.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    for future in futures:
        if not future.done():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            await asyncio.wait((future,), timeout=remaining)


def _seq_array(seqs: Sequence[int]) -> Any:
    """``seqs`` as one PostgreSQL ``bigint[]`` parameter."""
    return bindparam("seqs", list(seqs), type_=ARRAY(BigInteger()), unique=True)


def _messaging(subject: str, event_id: str) -> dict[str, str | int]:
    """The OpenTelemetry messaging attributes of one event on NATS."""
    return {
        "messaging.system": "nats",
        "messaging.destination.name": subject,
        "messaging.message.id": event_id,
    }


def _outcome(row: _Row, future: asyncio.Future[api.PubAck]) -> bool | Exception:
    """``False`` when freshly stored, ``True`` when already stored, else the failure."""
    if not future.done() or future.cancelled():
        return TimeoutError(f"no ack for {row.event_id} on {row.subject}")
    exc = future.exception()
    if exc is None:
        return bool(future.result().duplicate)
    if (
        isinstance(exc, APIError)
        and exc.err_code == WRONG_LAST_SEQUENCE
        and EXPECTED_LAST_SUBJECT_SEQUENCE in (row.headers or {})
    ):
        return True
    return exc if isinstance(exc, Exception) else RuntimeError(repr(exc))
