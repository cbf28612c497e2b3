"""What every registry write shares: the node context, the delta feed, versions and events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Caller
from concordia.core.changes import check_version, new_id, now, serialise_appends
from concordia.core.crypto import FieldCipher
from concordia.core.db import insert_rows, table_of
from concordia.events import Event
from concordia.kit.tables import outbox
from concordia.registry.models import Change

__all__ = [
    "Actor",
    "NodeContext",
    "check_version",
    "emit",
    "new_id",
    "now",
    "record_changes",
]

# Any fixed 64-bit number: the PostgreSQL advisory lock that orders the delta feed.
_CHANGES_LOCK = 0x436F6E636F726401


#: Who acts, and why (the X-Purpose header), for the audit trail: the route's ``Caller``, whose
#: admin scope (``registry:admin``) sees every owner's records.
Actor = Caller


@dataclass(frozen=True, slots=True)
class NodeContext:
    """The node-wide things a registry operation needs: its code and its field cipher."""

    node: str
    cipher: FieldCipher


async def record_changes(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Append entries to the delta feed (owner, entity, entity_id, external_id, version, op)."""
    if not rows:
        return
    await serialise_appends(session, _CHANGES_LOCK)
    at = now()
    await insert_rows(session, table_of(Change), [{**row, "at": at} for row in rows])


async def emit(session: AsyncSession, ctx: NodeContext, events: list[Event]) -> None:
    """Write events to the outbox in the caller's unit of work."""
    await outbox.add_many(session, events, node=ctx.node)


async def save_change(
    session: AsyncSession,
    ctx: NodeContext,
    record: Any,
    values: dict[str, Any],
    change: Callable[[], dict[str, Any]],
    event: Callable[[], Event],
) -> None:
    """Write ``values`` into ``record`` as its next version, then its delta-feed entry and its
    event (``change`` and ``event`` read the record as changed)."""
    for key, value in values.items():
        setattr(record, key, value)
    record.version += 1
    record.updated_at = now()
    await session.flush()
    await record_changes(session, [change()])
    await emit(session, ctx, [event()])
