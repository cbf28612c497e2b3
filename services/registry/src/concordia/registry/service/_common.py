"""What every registry write shares: the node context, the delta feed, versions and events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import uuid_utils
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.crypto import FieldCipher
from concordia.core.errors import PreconditionFailedError
from concordia.events import Event
from concordia.registry.models import Change
from concordia.registry.outbox import outbox

# Any fixed 64-bit number: the PostgreSQL advisory lock that orders the delta feed.
_CHANGES_LOCK = 0x436F6E636F726401


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and why (the X-Purpose header), for the audit trail."""

    principal: Principal
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class NodeContext:
    """The node-wide things a registry operation needs: its code and its field cipher."""

    node: str
    cipher: FieldCipher


def new_id() -> uuid.UUID:
    """A time-ordered UUIDv7, so keyset pages follow creation order."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def now() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


def check_version(current: int, expected: int | None) -> None:
    """Refuse a write whose ``If-Match`` names a stale version (412)."""
    if expected is not None and expected != current:
        raise PreconditionFailedError(
            f"the record is at version {current}, not {expected}: read it again and retry"
        )


async def _serialise_changes(session: AsyncSession) -> None:
    # The feed's cursor is the change sequence. On PostgreSQL two transactions may commit their
    # sequence numbers out of order, and a reader between the commits would skip the later-
    # committing lower number forever. Holding one transaction-scoped lock while appending makes
    # commit order equal sequence order. SQLite serialises writers by itself.
    if session.info.get("changes_locked"):
        return
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHANGES_LOCK})
    session.info["changes_locked"] = True


async def record_changes(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Append entries to the delta feed (entity, entity_id, external_id, version, op)."""
    if not rows:
        return
    await _serialise_changes(session)
    at = now()
    await session.execute(insert(Change), [{**row, "at": at} for row in rows])


async def emit(session: AsyncSession, ctx: NodeContext, events: list[Event]) -> None:
    """Write events to the outbox in the caller's unit of work."""
    await outbox.add_many(session, events, node=ctx.node)
