"""Permits and consents of persons."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.changes import check_version, fields_of, new_id, now
from concordia.core.db import get_or_404
from concordia.core.errors import InconsistentError, NotFoundError
from concordia.core.pagination import keyset
from concordia.events.registry import PermitRecorded, PermitUpdated
from concordia.registry.models import Consent, Permit, Person
from concordia.registry.schemas import ConsentCreate, PermitCreate, PermitFields, PermitUpdate
from concordia.registry.service._common import Actor, NodeContext, emit, record_changes, save_change
from concordia.registry.service.audit import AuditTrail
from concordia.registry.service.persons import audit, audit_entries


def _check_dates(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        # Each date valid alone, their order a rule between them: 409 inconsistent-fields.
        raise InconsistentError(["body", "valid_to"], "valid_to is before valid_from")


async def _live_person(session: AsyncSession, actor: Actor, person_id: uuid.UUID) -> Person:
    """The visible person a permit's body names; 404 for an unknown or erased one."""
    person = await session.get(Person, person_id)
    if person is None or person.erased_at is not None or not actor.owns(person.owner):
        raise NotFoundError(f"no person {person_id}")
    return person


#: The columns a permit's events carry under their own names.
_EVENT_COLUMNS = ("person_id", "host_country", "track", "status", "valid_from", "valid_to",
                  "family_members_covered", "version")  # fmt: skip


def _event(permit: Permit, holder: Person | None, created: bool) -> PermitRecorded | PermitUpdated:
    cls = PermitRecorded if created else PermitUpdated
    return cls(
        permit_id=permit.id,
        # An erased holder's vulnerabilities are gone: the bit is then False.
        holder_vulnerable=bool(holder is not None and holder.vulnerabilities),
        **fields_of(permit, _EVENT_COLUMNS),
    )


def _change(permit: Permit) -> dict[str, object]:
    return {
        "owner": permit.owner,
        "entity": "permit",
        "entity_id": permit.id,
        "external_id": None,
        "version": permit.version,
        "op": "upsert",
    }


async def create(
    *, session: AsyncSession, ctx: NodeContext, actor: Actor, data: PermitCreate
) -> Permit:
    """Record a permit of a visible person; 404 for an unknown person, 409 for dates out of order.

    The permit belongs to its person's owner (an operator's admin may record it for them).
    """
    person = await _live_person(session, actor, data.person_id)
    _check_dates(data.valid_from, data.valid_to)
    at = now()
    permit = Permit(
        id=new_id(), owner=person.owner, version=1, created_at=at, updated_at=at,
        **data.model_dump(),
    )  # fmt: skip
    session.add(permit)
    await session.flush()
    await audit(session=session, actor=actor, person_ids=[person.id], action="permit_create")
    await record_changes(session, [_change(permit)])
    await emit(session, ctx, [_event(permit, person, created=True)])
    return permit


async def get(*, session: AsyncSession, actor: Actor, permit_id: uuid.UUID) -> Permit:
    """One permit the actor may see, or 404 (another owner's permit is a 404 too)."""
    return await get_or_404(
        session, Permit, permit_id, "permit", visible=lambda r: actor.owns(r.owner)
    )


async def read(
    *, session: AsyncSession, trail: AuditTrail, actor: Actor, permit_id: uuid.UUID
) -> Permit:
    """One permit, the read audited against its person (a permit is personal data)."""
    permit = await get(session=session, actor=actor, permit_id=permit_id)
    await trail.record(audit_entries(actor, [permit.person_id], "read_permit"))
    return permit


async def update(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    permit_id: uuid.UUID,
    data: PermitUpdate,
    if_match: int | None,
) -> Permit:
    """Change a permit's status, track or validity; 412 on a stale If-Match."""
    permit = await get(session=session, actor=actor, permit_id=permit_id)
    await audit(session=session, actor=actor, person_ids=[permit.person_id], action="permit_update")
    check_version(permit.version, if_match)
    current = {name: getattr(permit, name) for name in PermitFields.model_fields}
    merged = {**current, **data.model_dump(exclude_unset=True)}
    _check_dates(merged["valid_from"], merged["valid_to"])
    if merged == current:
        return permit
    holder = await session.get(Person, permit.person_id)
    await save_change(
        session, ctx, permit, merged, lambda: _change(permit),
        lambda: _event(permit, holder, created=False),
    )  # fmt: skip
    return permit


async def search(
    *,
    session: AsyncSession,
    trail: AuditTrail,
    actor: Actor,
    person_id: uuid.UUID | None,
    status: str | None,
    expiring_within_days: int | None,
    after: uuid.UUID | None,
    limit: int,
    today: date | None = None,
) -> list[Permit]:
    """Permits filtered by person, status, or expiry within N days (granted, not yet expired)."""
    query = keyset(select(Permit), Permit.id, after=after, limit=limit)
    if person_id is not None:
        query = query.where(Permit.person_id == person_id)
    if status is not None:
        query = query.where(Permit.status == status)
    if expiring_within_days is not None:
        start = today or now().date()
        query = query.where(
            Permit.status == "granted",
            Permit.valid_to >= start,
            Permit.valid_to <= start + timedelta(days=expiring_within_days),
        )
    if actor.scope is not None:
        query = query.where(Permit.owner == actor.scope)
    found = list((await session.scalars(query)).all())
    people = list(dict.fromkeys(p.person_id for p in found))
    await trail.record(audit_entries(actor, people, "list_permits"))
    return found


async def add_consent(
    *, session: AsyncSession, actor: Actor, person_id: uuid.UUID, data: ConsentCreate
) -> Consent:
    """Record a consent the person gave; it belongs to the person's owner."""
    person = await get_or_404(
        session, Person, person_id, "person",
        visible=lambda p: p.erased_at is None and actor.owns(p.owner),
    )  # fmt: skip
    consent = Consent(
        id=new_id(), owner=person.owner, person_id=person_id, given_at=now(), **data.model_dump()
    )
    session.add(consent)
    await session.flush()
    await audit(session=session, actor=actor, person_ids=[person_id], action="consent_add")
    return consent


async def consents(
    *, session: AsyncSession, trail: AuditTrail, actor: Actor, person_id: uuid.UUID
) -> list[Consent]:
    """Every consent of a person, withdrawn ones included; the read is audited.

    Another owner's person is a 404, like a missing one.
    """
    await trail.record(audit_entries(actor, [person_id], "read_consents"))
    await get_or_404(session, Person, person_id, "person", visible=lambda r: actor.owns(r.owner))
    query = select(Consent).where(Consent.person_id == person_id).order_by(Consent.given_at)
    return list((await session.scalars(query)).all())


async def withdraw_consent(
    *, session: AsyncSession, actor: Actor, person_id: uuid.UUID, consent_id: uuid.UUID
) -> Consent:
    """Mark a consent withdrawn (idempotent)."""
    consent = await session.get(Consent, consent_id)
    if consent is None or consent.person_id != person_id or not actor.owns(consent.owner):
        raise NotFoundError(f"no consent {consent_id} of person {person_id}")
    await audit(session=session, actor=actor, person_ids=[person_id], action="consent_withdraw")
    if consent.withdrawn_at is None:
        consent.withdrawn_at = now()
        await session.flush()
    return consent
