"""What the ledger learns from the registry's local events: organisations and persons.

One handler per message, inside the consumer's unit of work with the inbox row, so a redelivered
event is applied once. Versions guard against out-of-order delivery: an older version of a record
never overwrites a newer one. A person's erasure keeps their grants but turns the recipient into
an erased individual and scrubs the free text that could describe them (the grant's title and
description, its transactions' descriptions), and moves each grant to a new feed position so
portals learn of it; so
does an organisation's new name or identifier (``service.feed_moves``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import learn
from concordia.events import (
    Event,
    Handler,
    OrganisationRegistered,
    OrganisationRemoved,
    OrganisationUpdated,
    PersonErased,
    PersonRegistered,
    PersonUpdated,
    dispatch,
)
from concordia.events.ledger import GrantUpdated
from concordia.ledger.feed import moves as feed_moves
from concordia.ledger.models import Grant, KnownOrganisation, KnownPerson, Transaction
from concordia.ledger.service import grants
from concordia.ledger.service._common import NodeContext, emit, now

#: What an erased person's grant is called from then on (the title is required).
ERASED_TITLE = "Grant to an erased individual"

#: The registry events the ledger consumes.
SUBJECTS: list[type[Event]] = [
    OrganisationRegistered,
    OrganisationUpdated,
    OrganisationRemoved,
    PersonRegistered,
    PersonUpdated,
    PersonErased,
]


async def _organisation(session: AsyncSession, event: OrganisationRegistered) -> None:
    known = await session.get(KnownOrganisation, event.organisation_id)
    if known is not None and (known.version >= event.version or known.removed_at is not None):
        return
    facts: dict[str, Any] = {
        "identifier": event.identifier,
        "name": event.name,
        "type": event.type,
        "registration_country": event.registration_country,
        "version": event.version,
        "updated_at": now(),
    }
    shown = known is not None and (known.identifier, known.name) != (event.identifier, event.name)
    learn(session, known, KnownOrganisation, facts, id=event.organisation_id, removed_at=None)
    if shown:  # feed items show the recipient's name and identifier: portals must see them again
        await session.flush()
        await feed_moves.for_organisation(session, event.organisation_id)


async def _organisation_removed(session: AsyncSession, event: OrganisationRemoved) -> None:
    known = await session.get(KnownOrganisation, event.organisation_id)
    if known is not None and known.removed_at is None:
        known.removed_at, known.updated_at = event.removed_at, now()


async def _person(session: AsyncSession, event: PersonRegistered) -> None:
    known = await session.get(KnownPerson, event.person_id)
    if known is None:
        session.add(
            KnownPerson(id=event.person_id, version=event.version, erased_at=None, updated_at=now())
        )
    elif known.erased_at is None and known.version < event.version:
        known.version, known.updated_at = event.version, now()


async def _person_erased(session: AsyncSession, ctx: NodeContext, event: PersonErased) -> None:
    known = await session.get(KnownPerson, event.person_id)
    if known is None:
        # Erased before we heard of them: remember the id so no grant can name it.
        session.add(
            KnownPerson(id=event.person_id, version=0, erased_at=event.erased_at, updated_at=now())
        )
        await session.flush()
        return
    if known.erased_at is None:
        known.erased_at, known.updated_at = event.erased_at, now()
    query = select(Grant).where(Grant.recipient_person_id == event.person_id)
    for grant in (await session.scalars(query)).all():
        grant.recipient_type, grant.recipient_person_id = "erased_individual", None
        grant.title, grant.description = ERASED_TITLE, None
        await session.execute(
            update(Transaction).where(Transaction.grant_id == grant.id).values(description=None)
        )
        grant.digest = grants.digest(grant)
        await grants.touch(session, grant, bump_version=True)
        await emit(session, ctx, [grants.grant_event(GrantUpdated, grant)])
    await session.flush()


def handler(ctx: NodeContext) -> Handler:
    """The consumer's handler: applies one registry event in the given unit of work."""

    async def person_erased(session: AsyncSession, event: PersonErased) -> None:
        await _person_erased(session, ctx, event)

    return dispatch({
        OrganisationRegistered: _organisation, OrganisationUpdated: _organisation,
        OrganisationRemoved: _organisation_removed,
        PersonRegistered: _person, PersonUpdated: _person, PersonErased: person_erased,
    })  # fmt: skip
