"""What every versioned write shares: time-ordered ids, UTC times, version checks, feed order.

Services keep their own change tables; these helpers are the parts that do not depend on them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import uuid_utils
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.errors import PreconditionFailedError


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


async def serialise_appends(session: AsyncSession, lock_key: int) -> None:
    """Make commit order equal sequence order for a feed appended in this unit of work.

    A feed's cursor is a sequence number. On PostgreSQL two transactions may commit their numbers
    out of order, and a reader between the commits would skip the later-committing lower number
    forever. Holding one transaction-scoped advisory lock while appending prevents that. SQLite
    serialises writers by itself. Taken at most once per session and lock.
    """
    taken: set[int] = session.info.setdefault("concordia.advisory_locks", set())
    if lock_key in taken:
        return
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key})
    taken.add(lock_key)
