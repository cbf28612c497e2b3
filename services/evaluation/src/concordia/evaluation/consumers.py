"""What evaluation learns from the node's local events: organisations, grants, activities,
and of permits only what the plurality indicators count (no person: ``KnownPermit``).

Never from the registry's or ledger's databases. Each event is applied in the consumer's unit of
work with its inbox row (a redelivered event changes nothing); versions and feed positions
keep an older event from overwriting a newer state when delivery is out of order.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import learn
from concordia.evaluation.models import (
    KnownActivity,
    KnownGrant,
    KnownOrganisation,
    KnownPermit,
    KnownTransaction,
)
from concordia.events import (
    Envelope,
    Event,
    EventRoute,
    Handler,
    OrganisationRegistered,
    OrganisationRemoved,
    OrganisationUpdated,
    PermitRecorded,
    PermitUpdated,
    dispatch,
)
from concordia.events.ledger import (
    PARTICIPANT_COUNTS,
    ActivityRecorded,
    ActivityRemoved,
    ActivityUpdated,
    GrantRecorded,
    GrantUpdated,
    GrantWithdrawn,
    TransactionRecorded,
    TransactionRemoved,
)

#: A permit in one of these states was granted (an expired one too, in its day).
GRANTED = frozenset({"granted", "expired"})


async def _organisation(session: AsyncSession, event: OrganisationRegistered) -> None:
    known = await session.get(KnownOrganisation, event.organisation_id)
    if known is not None and (known.version >= event.version or known.removed):
        return
    facts = {
        "identifier": event.identifier, "type": event.type, "version": event.version,
        "represents": list(event.represents), "regions_of_focus": list(event.regions_of_focus),
    }  # fmt: skip
    learn(session, known, KnownOrganisation, facts, id=event.organisation_id, removed=False)


async def _removed(session: AsyncSession, event: OrganisationRemoved) -> None:
    known = await session.get(KnownOrganisation, event.organisation_id)
    if known is None:
        session.add(KnownOrganisation(
            id=event.organisation_id, identifier="", type="", represents=[], regions_of_focus=[],
            version=0, removed=True,
        ))  # fmt: skip
    else:
        known.removed = True


async def _grant(session: AsyncSession, event: GrantRecorded) -> None:
    known = await session.get(KnownGrant, event.grant_id)
    if known is not None and known.feed_seq >= event.feed_seq:
        return
    facts = {
        "donor_id": event.donor_id, "organisation_id": event.recipient_organisation_id,
        "purpose": event.purpose, "horizon": event.horizon, "goals": list(event.strategic_goals),
        "start_date": event.start_date, "end_date": event.end_date, "feed_seq": event.feed_seq,
        "withdrawn": isinstance(event, GrantWithdrawn),
    }  # fmt: skip
    learn(session, known, KnownGrant, facts, id=event.grant_id)


async def _transaction(session: AsyncSession, event: TransactionRecorded) -> None:
    if await session.get(KnownTransaction, event.transaction_id) is None:
        session.add(KnownTransaction(
            id=event.transaction_id, grant_id=event.grant_id, type=event.type,
            amount_eur=event.amount_eur, value_date=event.value_date,
        ))  # fmt: skip


async def _activity(session: AsyncSession, event: ActivityRecorded) -> None:
    known = await session.get(KnownActivity, event.activity_id)
    if known is not None and known.version >= event.version:
        return
    facts = {name: getattr(event, name) for name in PARTICIPANT_COUNTS}
    facts |= {"grant_id": event.grant_id, "kind": event.kind, "start_date": event.start_date,
              "version": event.version}  # fmt: skip
    learn(session, known, KnownActivity, facts, id=event.activity_id)


async def _permit(session: AsyncSession, event: PermitRecorded, at: date) -> None:
    known = await session.get(KnownPermit, event.permit_id)
    if known is not None and known.version >= event.version:
        return
    granted_on = known.granted_on if known is not None else None
    if event.status == "granted":
        granted_on = event.valid_from or granted_on or at
    elif event.status == "expired":  # granted before: on its first valid day, if known
        granted_on = event.valid_from or granted_on
    facts = {
        "status": event.status, "granted_on": granted_on, "version": event.version,
        "holder_vulnerable": event.holder_vulnerable,
        "family_members_covered": event.family_members_covered,
    }  # fmt: skip
    learn(session, known, KnownPermit, facts, id=event.permit_id)


async def _transaction_removed(session: AsyncSession, event: TransactionRemoved) -> None:
    await session.execute(
        delete(KnownTransaction).where(KnownTransaction.id == event.transaction_id)
    )


async def _activity_removed(session: AsyncSession, event: ActivityRemoved) -> None:
    await session.execute(delete(KnownActivity).where(KnownActivity.id == event.activity_id))


async def _permit_change(session: AsyncSession, envelope: Envelope[Event]) -> None:
    # A permit granted without a first valid day counts from the day the registry said so.
    await _permit(session, envelope.data, envelope.time.date())  # type: ignore[arg-type]


#: How each local event is applied, in the consumer's unit of work.
ROUTES: dict[type[Event], EventRoute] = {
    OrganisationRegistered: _organisation, OrganisationUpdated: _organisation,
    OrganisationRemoved: _removed,
    GrantRecorded: _grant, GrantUpdated: _grant, GrantWithdrawn: _grant,
    TransactionRecorded: _transaction, TransactionRemoved: _transaction_removed,
    ActivityRecorded: _activity, ActivityUpdated: _activity, ActivityRemoved: _activity_removed,
}  # fmt: skip
PERMIT_ROUTES: dict[type[Event], Handler] = {
    PermitRecorded: _permit_change,
    PermitUpdated: _permit_change,
}

#: The local events evaluation consumes.
SUBJECTS: list[type[Event]] = [*ROUTES, *PERMIT_ROUTES]


def handler() -> Handler:
    """The consumer's handler: applies one local event in the given unit of work."""
    return dispatch(ROUTES, enveloped=PERMIT_ROUTES)
