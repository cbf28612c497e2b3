"""What every versioned write shares: time-ordered ids, UTC times, version checks, feed order.

Services keep their own change tables; these helpers are the parts that do not depend on them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

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
    if expected is not None and expected < 0:
        raise PreconditionFailedError("If-Match names no version of this record: read it again")
    if expected is not None and expected != current:
        raise PreconditionFailedError(
            f"the record is at version {current}, not {expected}: read it again and retry"
        )


def field_reader(values: dict[str, Any] | object) -> Callable[[str], Any]:
    """Reads a field of ``values`` by name: a row as a dict (a bulk sync's; a missing key reads
    None) or a record's attribute, so one function builds an event or a digest from either."""
    if isinstance(values, dict):
        return values.get
    return lambda name: getattr(values, name)


def fields_of(values: dict[str, Any] | object, names: Iterable[str]) -> dict[str, Any]:
    """The fields ``names`` of ``values`` (a row's dict or a record, see :func:`field_reader`)."""
    get = field_reader(values)
    return {name: get(name) for name in names}


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
