"""The inbox: which events each consumer has applied, written in the effect's unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


class AlreadyProcessedError(Exception):
    """The event was already applied by this consumer: skip the effect, acknowledge."""


class Inbox:
    """The inbox table on a service's MetaData.

    Example::

        inbox = Inbox(metadata)                      # next to the models
        async with db.unit_of_work() as session:
            await inbox.claim(session, consumer="hub-ingest", event_id=envelope.id)
            ...apply the effect...                   # commits with the inbox row, or neither
    """

    def __init__(self, metadata: MetaData, *, table_name: str = "inbox") -> None:
        self.table = Table(
            table_name,
            metadata,
            Column("consumer", String(128), primary_key=True),
            Column("event_id", String(64), primary_key=True),
            Column("processed_at", DateTime(timezone=True), nullable=False),
            comment="Events each consumer applied; makes redelivery harmless.",
        )
        Index(f"ix_{table_name}_processed_at", self.table.c.processed_at)

    async def seen(self, session: AsyncSession, *, consumer: str, event_id: str) -> bool:
        """Whether ``consumer`` already applied ``event_id``."""
        table = self.table
        found = await session.scalar(
            select(table.c.event_id).where(
                table.c.consumer == consumer, table.c.event_id == event_id
            )
        )
        return found is not None

    async def claim(self, session: AsyncSession, *, consumer: str, event_id: str) -> None:
        """Record the event as applied; raise ``AlreadyProcessedError`` if it already was.

        Call it first in the unit of work: on a clash the transaction is spoiled and must be
        rolled back (the consumer does that).
        """
        if await self.seen(session, consumer=consumer, event_id=event_id):
            raise AlreadyProcessedError(event_id)
        try:
            await session.execute(
                insert(self.table).values(
                    consumer=consumer, event_id=event_id, processed_at=datetime.now(UTC)
                )
            )
        except IntegrityError:  # a concurrent delivery of the same event committed first
            raise AlreadyProcessedError(event_id) from None

    async def purge(self, session: AsyncSession, *, before: datetime) -> int:
        """Forget entries older than ``before`` (keep them longer than any redelivery window)."""
        table = self.table
        result = await session.execute(delete(table).where(table.c.processed_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
