"""The transactional outbox: events are rows written in the same unit of work as the change.

The tables live on the service's own MetaData, so its Alembic migrations create them. Rows are
written with Core inserts (no ORM identity map) and committed by the caller's unit of work; a
SQLAlchemy ``after_commit`` hook then wakes the in-process relay at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    event,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from concordia.core import tracing
from concordia.core.db import insert_rows
from concordia.events._envelope import Envelope
from concordia.events._model import Event

#: Header that makes JetStream store a message only if its subject holds no message yet.
EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence"
_WAKE_KEY = "concordia.events.outbox.wake"
_TRACE_KEY = "concordia.events.outbox.traced"

#: Autoincrementing on every backend: BIGSERIAL-like on PostgreSQL, ``INTEGER PRIMARY KEY
#: AUTOINCREMENT`` on SQLite (which only autoincrements a column typed exactly INTEGER).
SeqType = BigInteger().with_variant(Integer(), "sqlite")


class Outbox:
    """The outbox and relay-lease tables on a service's MetaData, and the way to add events.

    Example::

        metadata = new_metadata()
        outbox = Outbox(metadata)                   # at import time, next to the models

        async with db.unit_of_work() as session:    # in a route or a service function
            session.add(person)
            await outbox.add(session, PersonRegistered(...), node="se")
    """

    def __init__(
        self,
        metadata: MetaData,
        *,
        table_name: str = "outbox",
        lease_table_name: str = "outbox_lease",
    ) -> None:
        self.table = Table(
            table_name,
            metadata,
            Column("seq", SeqType, primary_key=True, autoincrement=True),
            Column("event_id", String(64), nullable=False, unique=True),
            Column("subject", String(255), nullable=False),
            Column("type", String(255), nullable=False),
            Column("payload", LargeBinary, nullable=False),
            Column("headers", JSON, nullable=True),
            Column("created_at", DateTime(timezone=True), nullable=False),
            Column("published_at", DateTime(timezone=True), nullable=True),
            sqlite_autoincrement=True,
            comment="Events committed with their change, waiting for (or sent by) the relay.",
        )
        # Only unpublished rows are indexed: the relay's scan stays small however long the
        # history grows.
        pending = self.table.c.published_at.is_(None)
        Index(
            f"ix_{table_name}_pending",
            self.table.c.seq,
            postgresql_where=pending,
            sqlite_where=pending,
        )
        Index(f"ix_{table_name}_published_at", self.table.c.published_at)
        self.lease_table = Table(
            lease_table_name,
            metadata,
            Column("name", String(64), primary_key=True),
            Column("holder", String(255), nullable=False),
            Column("expires_at_ms", BigInteger, nullable=False),
            comment="Which relay process may publish this database's outbox, until when.",
        )
        self._wakeup: asyncio.Event | None = None
        self._wakeup_loop: asyncio.AbstractEventLoop | None = None

    def build_row(
        self,
        envelope: Envelope[Event],
        *,
        headers: Mapping[str, str] | None = None,
        created_at: datetime | None = None,
    ) -> dict[str, Any]:
        """The outbox row for ``envelope`` (headers default to what its type requires)."""
        merged: dict[str, str] = {}
        if envelope.data.once_per_subject:
            merged[EXPECTED_LAST_SUBJECT_SEQUENCE] = "0"
        if envelope.traceparent is not None:
            merged[tracing.TRACEPARENT] = envelope.traceparent
        merged.update(headers or {})
        return {
            "event_id": envelope.id,
            "subject": envelope.subject,
            "type": envelope.type,
            "payload": envelope.to_bytes(),
            "headers": merged or None,
            "created_at": created_at or datetime.now(UTC),
        }

    async def add(
        self,
        session: AsyncSession,
        event: Event | Envelope[Event],
        *,
        node: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Envelope[Event]:
        """Write one event in the caller's unit of work (never commits); return its envelope."""
        envelopes = await self.add_many(session, [event], node=node, headers=headers)
        return envelopes[0]

    async def add_many(
        self,
        session: AsyncSession,
        events: Iterable[Event | Envelope[Event]],
        *,
        node: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> list[Envelope[Event]]:
        """Write events, in order, in the caller's unit of work (never commits).

        In a trace, each envelope carries its ``traceparent`` (kept when it has one already),
        and the change is noted for the next release round once committed.
        """
        # One time for the unit of work's events (they are committed together).
        at = datetime.now(UTC)
        envelopes = [_envelope(item, node, at) for item in events]
        if not envelopes:
            return []
        traceparent = tracing.current_traceparent()
        if traceparent is not None:
            envelopes = [
                env if env.traceparent else replace(env, traceparent=traceparent)
                for env in envelopes
            ]
            if tracing.recording_changes():
                session.info.setdefault(_TRACE_KEY, []).append(traceparent)
        rows = [self.build_row(env, headers=headers, created_at=at) for env in envelopes]
        await insert_rows(session, self.table, rows)
        session.info.setdefault(_WAKE_KEY, set()).add(self)
        return envelopes

    async def purge_published(self, session: AsyncSession, *, before: datetime) -> int:
        """Delete rows published before ``before``; return how many."""
        table = self.table
        result = await session.execute(
            delete(table).where(table.c.published_at.is_not(None), table.c.published_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def notify(self) -> None:
        """Wake the relay of this process (called after a commit that added rows)."""
        self.wakeup_event().set()

    def wakeup_event(self) -> asyncio.Event:
        """The event the relay waits on; one per running event loop."""
        loop = asyncio.get_running_loop()
        if self._wakeup is None or self._wakeup_loop is not loop:
            self._wakeup, self._wakeup_loop = asyncio.Event(), loop
        return self._wakeup


def _envelope(item: Event | Envelope[Event], node: str | None, at: datetime) -> Envelope[Event]:
    if isinstance(item, Envelope):
        return item
    if node is None:
        raise TypeError("outbox.add needs node=... to build the envelope of a bare event")
    return Envelope.wrap(item, node=node, time=at)


@event.listens_for(Session, "after_commit")
def _wake_relays(session: Session) -> None:
    traced = session.info.pop(_TRACE_KEY, None)
    if traced:
        tracing.note_change(session.get_bind(), traced)
    for outbox in session.info.pop(_WAKE_KEY, ()):
        # Outside a running loop (sync use) there is no relay to wake here: the poll covers it.
        with contextlib.suppress(RuntimeError):
            outbox.notify()


@event.listens_for(Session, "after_rollback")
def _forget_wake(session: Session) -> None:
    session.info.pop(_WAKE_KEY, None)
    session.info.pop(_TRACE_KEY, None)
