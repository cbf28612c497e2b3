"""Grants: a donor's funding of an organisation or a person, and its place in the feed."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import orjson
from sqlalchemy import false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.changes import field_reader, fields_of
from concordia.core.db import get_or_404
from concordia.core.errors import ConflictError, InconsistentError, NotFoundError
from concordia.core.pagination import keyset
from concordia.events.ledger import GrantRecorded, GrantUpdated, GrantWithdrawn
from concordia.ledger.feed import service as feed
from concordia.ledger.models import Donor, Grant, Transaction
from concordia.ledger.overlap import service as overlaps
from concordia.ledger.schemas import GrantCreate, GrantRead, GrantUpdate, RecipientRef
from concordia.ledger.service import rates, recipients
from concordia.ledger.service._common import (
    NodeContext,
    Viewer,
    check_version,
    emit,
    new_id,
    new_position,
    now,
    shown,
)

#: The grant columns a client sets (besides donor and external id); the digest covers them.
FIELD_COLUMNS = (
    "recipient_type",
    "recipient_organisation_id",
    "recipient_person_id",
    "title",
    "description",
    "purpose",
    "horizon",
    "goals",
    "gender_marker",
    "start_date",
    "end_date",
    "visibility",
)


#: The columns a grant's events carry under their own names.
_EVENT_COLUMNS = ("donor_id", "external_id", "visibility", "version", "feed_seq", "purpose",
                  "horizon", "start_date", "end_date")  # fmt: skip


def digest(columns: dict[str, Any] | Grant) -> bytes:
    """A fingerprint of a grant's client-set columns, to detect unchanged syncs and patches."""
    values = fields_of(columns, FIELD_COLUMNS)
    # default=str: asyncpg hands back its own UUID subclass, which orjson does not take.
    raw = orjson.dumps(values, default=str, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).digest()


def columns_of(data: GrantCreate | dict[str, Any], recipient: dict[str, Any]) -> dict[str, Any]:
    """The grant's client-set columns from validated fields and resolved recipient columns."""
    fields = data if isinstance(data, dict) else data.model_dump()
    values = {k: fields[k] for k in FIELD_COLUMNS if k in fields}
    return {**values, **recipient}


def grant_event(
    cls: type[GrantRecorded] | type[GrantUpdated] | type[GrantWithdrawn],
    values: dict[str, Any] | Grant,
) -> GrantRecorded | GrantUpdated | GrantWithdrawn:
    """The local event for a grant's change."""
    get = field_reader(values)
    return cls(
        grant_id=get("id"),
        strategic_goals=tuple(get("goals") or ()),
        recipient_organisation_id=(
            get("recipient_organisation_id") if get("recipient_type") == "organisation" else None
        ),
        **fields_of(values, _EVENT_COLUMNS),
    )


async def _recipient(session: AsyncSession, ref: RecipientRef) -> dict[str, Any]:
    index = await recipients.index_for(session, [ref])
    try:
        return index.columns(ref)
    except recipients.UnknownRecipientError as exc:
        raise NotFoundError(f"{exc} (body.recipient)") from None


async def _external_id_free(
    session: AsyncSession, donor_id: uuid.UUID, external_id: str, grant_id: uuid.UUID | None = None
) -> None:
    owner = await session.scalar(
        select(Grant.id).where(Grant.donor_id == donor_id, Grant.external_id == external_id)
    )
    if owner is not None and owner != grant_id:
        raise ConflictError(f"the donor's external_id {external_id!r} is grant {owner}")


async def create(
    *, session: AsyncSession, ctx: NodeContext, viewer: Viewer, data: GrantCreate
) -> Grant:
    """Record a grant of one of the caller's donors; 404 for an unknown (or another owner's)
    donor or an unknown recipient, 409 on a taken external id."""
    donor = await session.get(Donor, data.donor_id)
    if donor is None or not viewer.may_change(donor.owner):
        raise NotFoundError(f"no donor {data.donor_id} (body.donor_id)")
    await _external_id_free(session, data.donor_id, data.external_id)
    values = columns_of(data, await _recipient(session, data.recipient))
    at = now()
    row = Grant(
        id=new_id(),
        owner=donor.owner,
        donor_id=data.donor_id,
        external_id=data.external_id,
        version=1,
        digest=digest(values),
        feed_seq=await new_position(
            session, was_shown=False, is_shown=shown(values["visibility"], None), current=None
        ),
        ever_visible=values["visibility"] != "restricted",
        ever_public=values["visibility"] == "public",
        created_at=at,
        updated_at=at,
        **values,
    )
    session.add(row)
    await session.flush()
    await emit(session, ctx, [grant_event(GrantRecorded, row)])
    return row


async def get(
    *, session: AsyncSession, grant_id: uuid.UUID, viewer: Viewer, change: bool = False
) -> Grant:
    """One live grant, or 404: also for a grant the viewer may not see (another owner's, or a
    restricted one for a feed reader), or with ``change`` may not change."""

    def visible(grant: Grant) -> bool:
        if grant.withdrawn_at is not None:
            return False
        if change:
            return viewer.may_change(grant.owner)
        return viewer.may_see(grant.owner, grant.visibility)

    return await get_or_404(
        session, Grant, grant_id, "grant", visible=visible, populate_existing=True
    )


async def list_page(
    *,
    session: AsyncSession,
    viewer: Viewer,
    donor_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> list[Grant]:
    """A keyset page of live grants in creation order, optionally of one donor."""
    query = keyset(
        select(Grant).where(Grant.withdrawn_at.is_(None)), Grant.id, after=after, limit=limit
    )
    if not viewer.admin:
        mine = (
            Grant.owner == viewer.principal.owner
            if "ledger:write" in viewer.principal.scopes
            else false()
        )
        shown = Grant.visibility.in_(sorted(viewer.audience))
        visible = shown if viewer.feed_reader else false()
        query = query.where(or_(mine, visible))
    if donor_id is not None:
        query = query.where(Grant.donor_id == donor_id)
    return list((await session.scalars(query)).all())


async def read(
    session: AsyncSession, grant: Grant, viewer: Viewer, *, with_totals: bool = False
) -> GrantRead:
    """The API view of a grant; totals in EUR when asked."""
    totals = None
    if with_totals:
        txs = list(
            (
                await session.scalars(
                    select(Transaction)
                    .where(Transaction.grant_id == grant.id)
                    .order_by(Transaction.id)
                )
            ).all()
        )
        totals = rates.totals(txs, await rates.in_eur(session, txs))
    recipient = await recipients.read(session, grant, full=viewer.may_change(grant.owner))
    elsewhere: list[str] = []
    if recipient.identifier is not None and grant.visibility != "restricted":
        elsewhere = await overlaps.funded_elsewhere(
            session=session, identifier=recipient.identifier, purpose=grant.purpose,
            start=grant.start_date, end=grant.end_date,
        )  # fmt: skip
    fields = {name: getattr(grant, name) for name in GrantRead.model_fields if hasattr(grant, name)}
    if not viewer.may_change(grant.owner) and feed.is_individual(grant.recipient_type):
        fields |= {"title": feed.INDIVIDUAL_TITLE, "description": None}
    return GrantRead.model_validate(
        {**fields, "recipient": recipient, "totals": totals, "funded_elsewhere": elsewhere}
    )


async def update(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    viewer: Viewer,
    grant_id: uuid.UUID,
    data: GrantUpdate,
    if_match: int | None,
) -> Grant:
    """Change the fields sent; 412 on a stale If-Match, 409 when the dates end up reversed."""
    grant = await get(session=session, grant_id=grant_id, viewer=viewer, change=True)
    check_version(grant.version, if_match)
    sent = data.model_dump(exclude_unset=True)
    merged = {name: getattr(grant, name) for name in FIELD_COLUMNS}
    merged.update({k: v for k, v in sent.items() if k in FIELD_COLUMNS})
    if merged["end_date"] < merged["start_date"]:
        loc = "end_date" if "end_date" in sent else "start_date"
        raise InconsistentError(["body", loc], "end_date must not be before start_date")
    if data.recipient is not None:
        merged.update(await _recipient(session, data.recipient))
    external_id = sent.get("external_id", grant.external_id)
    if external_id != grant.external_id:
        await _external_id_free(session, grant.donor_id, external_id, grant.id)
    new_digest = digest(merged)
    if new_digest == grant.digest and external_id == grant.external_id:
        return grant
    was_shown = shown(grant.visibility, grant.withdrawn_at)
    for key, value in merged.items():
        setattr(grant, key, value)
    grant.external_id, grant.digest = external_id, new_digest
    grant.ever_visible = grant.ever_visible or grant.visibility != "restricted"
    grant.ever_public = grant.ever_public or grant.visibility == "public"
    await touch(session, grant, bump_version=True, was_shown=was_shown)
    await emit(session, ctx, [grant_event(GrantUpdated, grant)])
    return grant


async def withdraw(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    viewer: Viewer,
    grant_id: uuid.UUID,
    if_match: int | None,
) -> None:
    """Withdraw a grant: gone from reads, still in the feed as a tombstone."""
    grant = await get(session=session, grant_id=grant_id, viewer=viewer, change=True)
    check_version(grant.version, if_match)
    was_shown = shown(grant.visibility, grant.withdrawn_at)
    grant.withdrawn_at = now()
    await touch(session, grant, bump_version=True, was_shown=was_shown)
    await emit(session, ctx, [grant_event(GrantWithdrawn, grant)])


async def touch(
    session: AsyncSession, grant: Grant, *, bump_version: bool, was_shown: bool | None = None
) -> None:
    """Move a changed grant to a new feed position if a feed shows the change (and a new
    version, for its own fields); ``was_shown`` is its state before, if that changed."""
    is_shown = shown(grant.visibility, grant.withdrawn_at)
    grant.feed_seq = await new_position(
        session,
        was_shown=is_shown if was_shown is None else was_shown,
        is_shown=is_shown,
        current=grant.feed_seq,
    )
    grant.updated_at = now()
    if bump_version:
        grant.version += 1
    await session.flush()
