"""Read-side feeds: the agencies' delta feed and the ops audit trail."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.bulk import fetch_in
from concordia.registry.models import AuditEntry, Change, Permit, Person
from concordia.registry.service._common import Actor, NodeContext
from concordia.registry.service.audit import AuditTrail
from concordia.registry.service.persons import audit_entries as entries_for
from concordia.registry.service.persons import external_id_of


async def changes(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    trail: AuditTrail,
    actor: Actor,
    after: int,
    limit: int,
) -> list[tuple[Change, str | None]]:
    """The actor's changes with a sequence number above ``after``, oldest first, each with the
    external id of the record it names.

    The page names persons (and permits, which are a person's), so it is audited against each
    person it names before it is answered. A person's external id is decrypted from the person
    (the feed never holds it): an erased person's is gone from every entry.
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
    named = [r.entity_id for r in rows if r.entity == "person"]
    cols = (Person.id, Person.external_id_enc)
    persons = await fetch_in(session, cols, Person.id, named)
    external = {p.id: external_id_of(ctx, p) for p in persons}
    return [(r, external.get(r.entity_id) if r.entity == "person" else r.external_id) for r in rows]


async def audit_entries(
    *, session: AsyncSession, after: int, limit: int, person_id: uuid.UUID | None
) -> list[AuditEntry]:
    """Audit entries above ``after``, optionally for one person, oldest first."""
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    if person_id is not None:
        query = query.where(AuditEntry.person_id == person_id)
    return list((await session.scalars(query)).all())
