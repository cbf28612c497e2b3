"""Organisations and memberships."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.changes import check_version, field_reader, fields_of, new_id, now
from concordia.core.db import get_or_404
from concordia.core.errors import ConflictError, NotFoundError
from concordia.core.pagination import owned_pages
from concordia.events.registry import (
    MembershipChanged,
    OrganisationRegistered,
    OrganisationRemoved,
    OrganisationUpdated,
)
from concordia.registry.models import Membership, Organisation, Person
from concordia.registry.schemas import (
    MembershipCreate,
    OrganisationCreate,
    OrganisationFields,
    OrganisationUpdate,
)
from concordia.registry.service._common import Actor, NodeContext, emit, record_changes, save_change
from concordia.registry.service.audit import AuditTrail
from concordia.registry.service.external_ids import ensure_external_id_free
from concordia.registry.service.persons import audit, audit_entries


def fields_digest(ctx: NodeContext, fields: dict[str, Any]) -> bytes:
    """A keyed digest of an organisation's fields, to detect unchanged syncs."""
    return ctx.cipher.digest(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS))


def org_event(
    values: dict[str, Any] | Organisation, *, created: bool
) -> OrganisationRegistered | OrganisationUpdated:
    """The local event that tells other services (the ledger) about an organisation."""
    get = field_reader(values)
    cls = OrganisationRegistered if created else OrganisationUpdated
    return cls(
        organisation_id=get("id"),
        represents=tuple(get("represents") or ()),
        regions_of_focus=tuple(get("regions_of_focus") or ()),
        **fields_of(values, ("identifier", "name", "type", "registration_country", "version")),
    )


def _change(org: dict[str, Any] | Organisation, op: str) -> dict[str, Any]:
    get = field_reader(org)
    return {
        "owner": get("owner"),
        "entity": "organisation",
        "entity_id": get("id"),
        "external_id": get("external_id"),
        "version": get("version"),
        "op": op,
    }


async def _identifier_free(
    session: AsyncSession, actor: Actor, identifier: str, org_id: uuid.UUID | None = None
) -> None:
    """409 when another organisation holds ``identifier`` (a public registration number, one
    organisation per node); another owner's organisation is not named."""
    holder = (
        await session.execute(
            select(Organisation.id, Organisation.owner).where(Organisation.identifier == identifier)
        )
    ).first()
    if holder is None or holder.id == org_id:
        return
    if actor.owns(holder.owner):
        raise ConflictError(f"identifier {identifier!r} already belongs to {holder.id}")
    raise ConflictError(f"identifier {identifier!r} is already registered on this node")


async def create(
    *, session: AsyncSession, ctx: NodeContext, actor: Actor, data: OrganisationCreate
) -> Organisation:
    """Register an organisation of the actor's owner; 409 on a taken identifier or external id."""
    await ensure_external_id_free(
        session=session, model=Organisation, owner=actor.owner, external_id=data.external_id
    )
    await _identifier_free(session, actor, data.identifier)
    fields = data.model_dump(mode="json", exclude={"external_id"})
    at = now()
    row = {
        "id": new_id(),
        "owner": actor.owner,
        "external_id": data.external_id,
        "version": 1,
        "digest": fields_digest(ctx, fields),
        "created_at": at,
        "updated_at": at,
        **fields,
    }
    await session.execute(insert(Organisation), [row])
    await record_changes(session, [_change(row, "upsert")])
    await emit(session, ctx, [org_event(row, created=True)])
    return await get(session=session, actor=actor, org_id=row["id"])


async def get(*, session: AsyncSession, actor: Actor, org_id: uuid.UUID) -> Organisation:
    """One organisation the actor may see, or 404."""
    return await get_or_404(
        session, Organisation, org_id, "organisation", visible=lambda r: actor.owns(r.owner),
        populate_existing=True,
    )  # fmt: skip


list_page = owned_pages(
    Organisation,
    caller="actor",
    doc="A keyset page of the actor's organisations in creation order.",
)


async def update(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    org_id: uuid.UUID,
    data: OrganisationUpdate,
    if_match: int | None,
) -> Organisation:
    """Change the fields sent; 412 on a stale If-Match."""
    org = await get(session=session, actor=actor, org_id=org_id)
    check_version(org.version, if_match)
    current = {name: getattr(org, name) for name in OrganisationFields.model_fields}
    merged = OrganisationFields.model_validate(
        {**current, **data.model_dump(mode="json", exclude_unset=True)}, strict=False
    ).model_dump(mode="json")
    if merged["identifier"] != org.identifier:
        await _identifier_free(session, actor, merged["identifier"], org_id)
    digest = fields_digest(ctx, merged)
    if digest == org.digest:
        return org
    await save_change(
        session,
        ctx,
        org,
        {**merged, "digest": digest},
        lambda: _change(org, "upsert"),
        lambda: org_event(org, created=False),
    )
    return org


async def remove(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    org_id: uuid.UUID,
    if_match: int | None,
) -> None:
    """Delete an organisation and its memberships."""
    org = await get(session=session, actor=actor, org_id=org_id)
    check_version(org.version, if_match)
    change = _change(org, "delete") | {"version": org.version + 1}
    await session.execute(delete(Membership).where(Membership.organisation_id == org_id))
    await session.delete(org)
    await session.flush()
    await record_changes(session, [change])
    await emit(session, ctx, [OrganisationRemoved(organisation_id=org_id, removed_at=now())])


async def add_member(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    org_id: uuid.UUID,
    data: MembershipCreate,
) -> Membership:
    """Link a visible person to an organisation; 404 for an unknown or erased person."""
    await get(session=session, actor=actor, org_id=org_id)
    person = await session.get(Person, data.person_id)
    if person is None or person.erased_at is not None or not actor.owns(person.owner):
        raise NotFoundError(f"no person {data.person_id}")
    await audit(session=session, actor=actor, person_ids=[person.id], action="member_add")
    existing = await session.get(Membership, (data.person_id, org_id))
    if existing is not None:
        raise ConflictError("the person is already a member of this organisation")
    member = Membership(
        person_id=data.person_id, organisation_id=org_id, role=data.role, since=data.since
    )
    session.add(member)
    await session.flush()
    event = MembershipChanged(person_id=data.person_id, organisation_id=org_id, change="joined")
    await emit(session, ctx, [event])
    return member


async def members(
    *, session: AsyncSession, trail: AuditTrail, actor: Actor, org_id: uuid.UUID
) -> list[Membership]:
    """The memberships of one organisation; each member's appearance is audited."""
    await get(session=session, actor=actor, org_id=org_id)
    query = select(Membership).where(Membership.organisation_id == org_id)
    found = list((await session.scalars(query.order_by(Membership.person_id))).all())
    await trail.record(audit_entries(actor, [m.person_id for m in found], "read_membership"))
    return found


async def remove_member(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    actor: Actor,
    org_id: uuid.UUID,
    person_id: uuid.UUID,
) -> None:
    """End a membership; 404 if there is none (or the organisation is not the actor's)."""
    await get(session=session, actor=actor, org_id=org_id)
    member = await session.get(Membership, (person_id, org_id))
    if member is None:
        raise NotFoundError("no such membership")
    await audit(session=session, actor=actor, person_ids=[person_id], action="member_remove")
    await session.delete(member)
    await session.flush()
    event = MembershipChanged(person_id=person_id, organisation_id=org_id, change="left")
    await emit(session, ctx, [event])
