"""Read-side feeds: the agencies' delta feed and the ops audit trail."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.registry.models import AuditEntry, Change, Permit
from concordia.registry.service._common import Actor
from concordia.registry.service.audit import AuditTrail
from concordia.registry.service.persons import audit_entries as entries_for


async def changes(
    *, session: AsyncSession, trail: AuditTrail, actor: Actor, after: int, limit: int
) -> list[Change]:
    """The actor's changes with a sequence number above ``after``, oldest first.

    The page names persons (and permits, which are a person's), so it is audited against each
    person it names before it is answered.
    """
    query = select(Change).where(Change.seq > after).order_by(Change.seq).limit(limit)
    if actor.scope is not None:
        query = query.where(Change.owner == actor.scope)
    rows = list((await session.scalars(query)).all())
    people = [r.entity_id for r in rows if r.entity == "person"]
    permits = [r.entity_id for r in rows if r.entity == "permit"]
    if permits:
        owners = select(Permit.person_id).where(Permit.id.in_(permits))
        people.extend((await session.scalars(owners)).all())
    await trail.record(entries_for(actor, list(dict.fromkeys(people)), "changes"))
    return rows


async def audit_entries(
    *, session: AsyncSession, after: int, limit: int, person_id: uuid.UUID | None
) -> list[AuditEntry]:
    """Audit entries above ``after``, optionally for one person, oldest first."""
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    if person_id is not None:
        query = query.where(AuditEntry.person_id == person_id)
    return list((await session.scalars(query)).all())
