"""Donors: government programmes, foundations and multilaterals."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import get_or_404
from concordia.core.errors import ConflictError
from concordia.core.pagination import owned_pages
from concordia.ledger.feed import moves as feed_moves
from concordia.ledger.models import Donor, Grant
from concordia.ledger.schemas import DonorCreate, DonorUpdate
from concordia.ledger.service._common import Viewer, check_version, new_id, now

#: The donor's fields that every feed item of its grants shows.
_IN_FEED_ITEMS = {"identifier", "name", "type", "country"}


async def _identifier_free(
    session: AsyncSession, identifier: str, donor_id: uuid.UUID | None = None
) -> None:
    owner = await session.scalar(select(Donor.id).where(Donor.identifier == identifier))
    if owner is not None and owner != donor_id:
        raise ConflictError(f"identifier {identifier!r} already belongs to donor {owner}")


async def create(*, session: AsyncSession, viewer: Viewer, data: DonorCreate) -> Donor:
    """Register a donor of the caller's owner; 409 on a taken identifier (identifiers are
    public registration numbers)."""
    await _identifier_free(session, data.identifier)
    at = now()
    donor = Donor(
        id=new_id(), owner=viewer.principal.owner, version=1, created_at=at, updated_at=at,
        **data.model_dump(),
    )  # fmt: skip
    session.add(donor)
    await session.flush()
    return donor


async def get(
    *, session: AsyncSession, viewer: Viewer, donor_id: uuid.UUID, change: bool = False
) -> Donor:
    """One donor, or 404 (also another owner's, unless a feed reader only reads it)."""
    return await get_or_404(
        session, Donor, donor_id, "donor", populate_existing=True,
        visible=lambda d: viewer.may_change(d.owner) or (viewer.feed_reader and not change),
    )  # fmt: skip


list_page = owned_pages(
    Donor, caller="viewer",
    doc="A keyset page of donors in creation order (a writer's own, unless it reads the feed).",
)  # fmt: skip


async def update(
    *,
    session: AsyncSession,
    viewer: Viewer,
    donor_id: uuid.UUID,
    data: DonorUpdate,
    if_match: int | None,
) -> Donor:
    """Change the fields sent; 412 on a stale If-Match, 409 on a taken identifier."""
    donor = await get(session=session, viewer=viewer, donor_id=donor_id, change=True)
    check_version(donor.version, if_match)
    changes = {
        k: v for k, v in data.model_dump(exclude_unset=True).items() if getattr(donor, k) != v
    }
    if not changes:
        return donor
    if "identifier" in changes:
        await _identifier_free(session, changes["identifier"], donor_id)
    for key, value in changes.items():
        setattr(donor, key, value)
    donor.version, donor.updated_at = donor.version + 1, now()
    await session.flush()
    if changes.keys() & _IN_FEED_ITEMS:  # portals must see the grants again
        await feed_moves.for_donor(session, donor_id)
    return donor


async def remove(
    *, session: AsyncSession, viewer: Viewer, donor_id: uuid.UUID, if_match: int | None
) -> None:
    """Delete a donor that has no grants; 409 otherwise (grants are never orphaned)."""
    donor = await get(session=session, viewer=viewer, donor_id=donor_id, change=True)
    check_version(donor.version, if_match)
    if await session.scalar(select(Grant.id).where(Grant.donor_id == donor_id).limit(1)):
        raise ConflictError("the donor has grants: withdraw them, the donor record stays")
    await session.delete(donor)
    await session.flush()
