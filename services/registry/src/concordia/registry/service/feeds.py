"""Read-side feeds: the agencies' delta feed and the ops audit trail."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.registry.models import AuditEntry, Change


async def changes(*, session: AsyncSession, after: int, limit: int) -> list[Change]:
    """Changes with a sequence number above ``after``, oldest first."""
    query = select(Change).where(Change.seq > after).order_by(Change.seq).limit(limit)
    return list((await session.scalars(query)).all())


async def audit_entries(
    *, session: AsyncSession, after: int, limit: int, person_id: uuid.UUID | None
) -> list[AuditEntry]:
    """Audit entries above ``after``, optionally for one person, oldest first."""
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    if person_id is not None:
        query = query.where(AuditEntry.person_id == person_id)
    return list((await session.scalars(query)).all())
