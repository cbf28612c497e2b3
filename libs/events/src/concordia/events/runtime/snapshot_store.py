"""Where a service keeps the aggregate snapshots it published: every version exactly as it
left, with what each (hashed) contributor added to its cells, which stays home. See
``snapshots`` (and ``concordia.disclosure.releasable``) for the release rule that reads it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import UtcDateTime
from concordia.events.aggregates import AggregateSnapshotPublished, Cell

Key = tuple[str, ...]


def _stored(contributions: Mapping[str, Mapping[Key, Decimal]]) -> dict[str, dict[str, str]]:
    return {
        who: {orjson.dumps(list(key)).decode(): str(v) for key, v in adds.items()}
        for who, adds in contributions.items()
    }


def _loaded(stored: Mapping[str, Mapping[str, str]] | None) -> dict[str, dict[Key, Decimal]]:
    return {
        who: {tuple(orjson.loads(key)): Decimal(v) for key, v in adds.items()}
        for who, adds in (stored or {}).items()
    }


@dataclass(frozen=True, slots=True)
class Released:
    """The last release of one table and period: its version, cells and contributions."""

    version: int
    cells: dict[Key, Cell]
    contributions: dict[str, dict[Key, Decimal]]
    charter_version: str = "default"


def digest_of(payload: Mapping[str, Any]) -> bytes:
    """The fingerprint of a snapshot: SHA-256 of its JSON form (``model_dump(mode="json")``)
    with sorted keys. The node's console and the hub's dashboard show the same one."""
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).digest()


class SnapshotStore:
    """Every snapshot a service published, exactly as it left: versions, never edits.

    Example::

        snapshots = SnapshotStore(Base.metadata)      # next to the outbox; Alembic sees it
        released = await snapshots.last_releases(session)
        await snapshots.store(session, event, contributions=..., at=...)
    """

    def __init__(self, metadata: MetaData, *, table_name: str = "published_aggregates") -> None:
        self.table = Table(
            table_name,
            metadata,
            Column("name", String(64), primary_key=True),
            Column("period", String(16), primary_key=True),
            Column("version", Integer, primary_key=True, autoincrement=False),
            Column("digest", LargeBinary(32), nullable=False),
            Column("payload", JSON, nullable=False),
            Column("published_at", UtcDateTime(), nullable=False),
            # What each (hashed) contributor added to each inner cell: stays home; the release
            # rule compares the next computation with it. Null in releases made before it.
            Column("contributions", JSON, nullable=True),
        )

    def _newest(self) -> Any:
        t = self.table
        return (
            select(t.c.name, t.c.period, func.max(t.c.version).label("version"))
            .group_by(t.c.name, t.c.period)
            .subquery()
        )

    async def last_releases(self, session: AsyncSession) -> dict[tuple[str, str], Released]:
        """The newest release of every table and period, with what stood behind its cells."""
        t, newest = self.table, self._newest()
        rows = await session.execute(
            select(t.c.name, t.c.period, t.c.version, t.c.payload, t.c.contributions).join(
                newest,
                (t.c.name == newest.c.name)
                & (t.c.period == newest.c.period)
                & (t.c.version == newest.c.version),
            )
        )
        out = {}
        for name, period, version, payload, contributions in rows:
            event = AggregateSnapshotPublished.model_validate(payload)
            cells = {c.key: c for c in (*event.cells, *event.margins)}
            out[(name, period)] = Released(
                version, cells, _loaded(contributions), event.charter_version
            )
        return out

    async def store(
        self,
        session: AsyncSession,
        event: AggregateSnapshotPublished,
        *,
        contributions: Mapping[str, Mapping[Key, Decimal]],
        at: datetime,
    ) -> bool:
        """Store ``event`` as the next version unless another release got there first.

        The caller writes the event to its outbox in the same unit of work.
        """
        t = self.table
        last = await session.scalar(
            select(func.max(t.c.version)).where(
                t.c.name == event.aggregate, t.c.period == event.period
            )
        )
        if (last or 0) != event.version - 1:
            return False
        payload = event.model_dump(mode="json")
        await session.execute(
            insert(t).values(
                name=event.aggregate,
                period=event.period,
                version=event.version,
                digest=digest_of(payload),
                payload=payload,
                published_at=at,
                contributions=_stored(contributions),
            )
        )
        return True

    async def last_release_times(
        self, session: AsyncSession, names: Iterable[str] | None = None
    ) -> dict[str, datetime]:
        """When each period was last released (optionally among some aggregates only)."""
        t = self.table
        query = select(t.c.period, func.max(t.c.published_at)).group_by(t.c.period)
        if names is not None:
            query = query.where(t.c.name.in_(list(names)))
        return {row[0]: row[1] for row in await session.execute(query)}

    async def latest(self, session: AsyncSession) -> list[dict[str, Any]]:
        """The newest version of each aggregate and period, exactly as it was sent."""
        t, newest = self.table, self._newest()
        rows = await session.execute(
            select(t.c.payload)
            .join(
                newest,
                (t.c.name == newest.c.name)
                & (t.c.period == newest.c.period)
                & (t.c.version == newest.c.version),
            )
            .order_by(t.c.period, t.c.name)
        )
        return [payload for (payload,) in rows]
