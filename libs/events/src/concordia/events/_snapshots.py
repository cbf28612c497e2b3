"""What every service shares about publishing aggregate snapshots: where they are kept, how a
new version is released, the reporting periods, and the background loop.

A service decides *what* to publish (its tables, through ``concordia.disclosure``); this module
decides *how*: a release is stored exactly as it is sent, in the same unit of work as its outbox
row; a version is only released when the protected content changed; nothing is ever edited.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database, UtcDateTime
from concordia.events.aggregates import ALL, AggregateSnapshotPublished, Cell

log = logging.getLogger("concordia.events.snapshots")
_CENT = Decimal("0.01")


def quarter_of(day: date) -> str:
    """The reporting period of a day: its calendar quarter, e.g. ``2026-Q4``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(period: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-Qn`` period."""
    year, quarter = int(period[:4]), int(period[-1])
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, after - timedelta(days=1)


def published_cells(cells: Iterable[Any]) -> tuple[Cell, ...]:
    """Protected cells (``concordia.disclosure.ProtectedCell``) as they may leave the node.

    The suppression reason stays home: "threshold" would bound a hidden count to 1..k-1,
    "dominance" would say that one or two contributors hold most of a hidden sum.
    """
    out = []
    for cell in cells:
        key = tuple(ALL if part is None else part for part in cell.key)
        if cell.suppressed:
            out.append(Cell(key=key, suppressed=True))
        elif isinstance(cell.value, Decimal):
            out.append(Cell(key=key, amount=cell.value.quantize(_CENT)))
        else:
            out.append(Cell(key=key, value=cell.value))
    return tuple(out)


class SnapshotStore:
    """Every snapshot a service published, exactly as it left: versions, never edits.

    Example::

        snapshots = SnapshotStore(Base.metadata)      # next to the outbox; Alembic sees it
        event = await snapshots.release(session, name=..., period=..., digest=..., build=...)
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
        )

    async def release(
        self,
        session: AsyncSession,
        *,
        name: str,
        period: str,
        digest: bytes,
        build: Callable[[int], AggregateSnapshotPublished],
        at: datetime,
    ) -> AggregateSnapshotPublished | None:
        """Store the next version of ``name`` for ``period`` unless its content is unchanged.

        ``build(version)`` makes the event; the caller writes it to its outbox in the same
        unit of work. Returns None when the last release already had this ``digest``.
        """
        t = self.table
        last = (
            await session.execute(
                select(t.c.version, t.c.digest)
                .where(t.c.name == name, t.c.period == period)
                .order_by(t.c.version.desc())
                .limit(1)
            )
        ).first()
        if last is not None and last.digest == digest:
            return None
        event = build(1 if last is None else last.version + 1)
        await session.execute(
            insert(t).values(
                name=name,
                period=period,
                version=event.version,
                digest=digest,
                payload=event.model_dump(mode="json"),
                published_at=at,
            )
        )
        return event

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
        t = self.table
        newest = (
            select(t.c.name, t.c.period, func.max(t.c.version).label("version"))
            .group_by(t.c.name, t.c.period)
            .subquery()
        )
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


async def run_publisher(
    db: Database,
    publish: Callable[..., Awaitable[object]],
    *,
    interval: float,
    is_leader: Callable[[], bool] = lambda: True,
) -> None:
    """Call ``publish(session=...)`` in a unit of work every ``interval`` s until cancelled.

    Only the worker that ``is_leader`` (the one holding the outbox relay's lease) publishes, so
    several uvicorn workers do not all scan their database for one release.
    """
    while True:
        await asyncio.sleep(interval)
        if not is_leader():
            continue
        try:
            async with db.unit_of_work() as session:
                await publish(session=session)
        except IntegrityError:
            # Another worker released this version first; the primary key kept one copy.
            log.info("aggregate version already published by another worker")
        except Exception:  # keep publishing next round; the failure is logged with its cause
            log.exception("aggregate publication failed")
