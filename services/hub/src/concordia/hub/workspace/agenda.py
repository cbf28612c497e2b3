"""The agenda: items raised by signals (one per signal key) or added by members, discussed.

``scan`` reads what the hub holds (coalition indicators, per-node health shares, overlap
outcomes, commitments, node status), turns it into signals and raises an item for each signal
key not seen before. The key is unique in the database, so two hubs' workers scanning at once
still raise one item.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database, get_or_404, where_given
from concordia.core.errors import ConflictError
from concordia.events.runtime.snapshots import quarter_of
from concordia.hub import indicators, service
from concordia.hub.charter import service as charters
from concordia.hub.models import AgendaComment, AgendaItem, OverlapOutcome
from concordia.hub.nodes import Federation
from concordia.hub.secure import service as secure
from concordia.hub.workspace import commitments, signals
from concordia.hub.workspace.members import Role
from concordia.hub.workspace.schemas import (
    AgendaItemCreate,
    AgendaItemRead,
    CommentCreate,
    CommentRead,
    ScanResult,
)

log = logging.getLogger(__name__)


def recent_periods(today: datetime, count: int = 2) -> list[str]:
    """The current quarter and the ``count - 1`` before it, oldest first."""
    periods = [quarter_of(today.date())]
    while len(periods) < count:
        periods.insert(0, signals.previous_period(periods[0]))
    return periods


async def _overlaps(session: AsyncSession, periods: list[str]) -> dict[tuple[str, str], int]:
    wanted = sorted({p for period in periods for p in (period, signals.previous_period(period))})
    rows = await session.execute(
        select(OverlapOutcome.period, OverlapOutcome.purpose, func.sum(OverlapOutcome.count))
        .where(OverlapOutcome.period.in_(wanted), OverlapOutcome.status == "done")
        .group_by(OverlapOutcome.period, OverlapOutcome.purpose)
    )
    return {(period, purpose): int(total or 0) for period, purpose, total in rows}


async def detect(
    session: AsyncSession, federation: Federation, periods: list[str], stale_after: float
) -> list[signals.Signal]:
    """Every signal the hub sees now over ``periods``."""
    charter = await charters.current(session=session)
    snapshots = {
        p: await service.aggregates(session=session, filters={"period": p}, history=False,
                                    limit=100_000)
        for p in periods
    }  # fmt: skip
    released = {p: secure.totals(await secure.releases(session, period=p)) for p in periods}
    return signals.every(
        periods=periods,
        indicators={
            p: indicators.coalition(p, snapshots[p], charter, released[p]) for p in periods
        },
        snapshots=snapshots,
        overlaps=await _overlaps(session, periods),
        commitments=await commitments.tracked_all(session, periods),
        node_rows=await service.nodes(
            session=session, federation=federation, stale_after=stale_after
        ),
        charter=charter,
    )


async def raise_items(db: Database, found: list[signals.Signal]) -> list[str]:
    """An item for each signal whose key has none yet; the ids raised."""
    async with db.unit_of_work(write=False) as session:
        keys = [s.key for s in found]
        query = select(AgendaItem.signal_key).where(AgendaItem.signal_key.in_(keys))
        known = set(await session.scalars(query)) if keys else set()
    raised = []
    for signal in found:
        if signal.key in known:
            continue
        now = datetime.now(UTC)
        item = AgendaItem(
            id=str(uuid.uuid4()), kind=signal.kind, signal_key=signal.key, title=signal.title,
            period=signal.period, evidence=signal.evidence, status="open", raised_by="hub",
            raised_at=now, updated_at=now,
        )  # fmt: skip
        try:
            async with db.unit_of_work() as session:
                session.add(item)
        except IntegrityError:
            continue  # another worker raised it first: still one item
        log.info("agenda item raised", extra={"kind": signal.kind, "item_id": item.id})
        raised.append(item.id)
    return raised


async def scan(
    db: Database, federation: Federation, periods: list[str], stale_after: float
) -> ScanResult:
    """Detect the signals and raise the new ones."""
    async with db.unit_of_work(write=False) as session:
        found = await detect(session, federation, periods, stale_after)
    raised = await raise_items(db, found)
    async with db.unit_of_work(write=False) as session:
        items = [await read(session, item_id) for item_id in raised]
    return ScanResult(periods=periods, signals=len(found), raised=items)


async def add(session: AsyncSession, member: str, data: AgendaItemCreate) -> AgendaItemRead:
    """A member's own item."""
    now = datetime.now(UTC)
    evidence = {} if data.description is None else {"description": data.description}
    item = AgendaItem(
        id=str(uuid.uuid4()), kind="member", signal_key=None, title=data.title,
        period=data.period, evidence=evidence, status="open", raised_by=member,
        raised_at=now, updated_at=now,
    )  # fmt: skip
    session.add(item)
    await session.flush()
    return await read(session, item.id)


async def get(session: AsyncSession, item_id: str) -> AgendaItem:
    """The item, or 404."""
    return await get_or_404(session, AgendaItem, item_id, "agenda item")


async def comment(
    session: AsyncSession, item_id: str, author: str, role: Role, data: CommentCreate
) -> CommentRead:
    """A comment on an open item; only experts propose objectives."""
    item = await get(session, item_id)
    if item.status != "open":
        raise ConflictError("the item is decided: its discussion is closed")
    if data.kind == "objective" and role != "expert":
        data = data.model_copy(update={"kind": "comment"})
    row = AgendaComment(
        item_id=item.id, author=author, role=role, kind=data.kind, body=data.body,
        at=datetime.now(UTC),
    )  # fmt: skip
    session.add(row)
    item.updated_at = row.at
    await session.flush()
    return CommentRead.model_validate(row, from_attributes=True)


async def read(session: AsyncSession, item_id: str) -> AgendaItemRead:
    """An item with its comments and decision."""
    from concordia.hub.workspace import decisions  # decisions read items too

    item = await get(session, item_id)
    rows = await session.scalars(
        select(AgendaComment).where(AgendaComment.item_id == item_id).order_by(AgendaComment.id)
    )
    return AgendaItemRead(
        id=item.id, kind=item.kind, signal_key=item.signal_key, title=item.title,
        period=item.period, evidence=item.evidence, status=item.status,
        raised_by=item.raised_by, raised_at=item.raised_at, updated_at=item.updated_at,
        comments=[CommentRead.model_validate(c, from_attributes=True) for c in rows],
        decision=await decisions.of_item(session, item_id),
    )  # fmt: skip


async def listed(
    session: AsyncSession, *, status: str | None, kind: str | None, limit: int
) -> list[AgendaItemRead]:
    """Items, newest first."""
    query = where_given(
        select(AgendaItem.id).order_by(AgendaItem.raised_at.desc(), AgendaItem.id),
        (AgendaItem.status, status), (AgendaItem.kind, kind),
    )  # fmt: skip
    return [await read(session, i) for i in await session.scalars(query.limit(limit))]


async def counts(session: AsyncSession) -> dict[str, int]:
    """Open items by kind."""
    rows = await session.execute(
        select(AgendaItem.kind, func.count()).where(AgendaItem.status == "open")
        .group_by(AgendaItem.kind)
    )  # fmt: skip
    out: dict[str, int] = defaultdict(int)
    for kind, n in rows:
        out[kind] = n
    return dict(out)
