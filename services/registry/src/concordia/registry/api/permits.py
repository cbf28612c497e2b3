"""Routes for permits, including the expiry query."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from concordia.core.deps import AfterDep, IfMatchDep, LimitDep, SessionDep, tagged
from concordia.core.pagination import page_of
from concordia.core.schemas import Page
from concordia.registry import codes
from concordia.registry.api.deps import CtxDep, Reader, TrailDep, Writer
from concordia.registry.schemas import PermitCreate, PermitRead, PermitUpdate
from concordia.registry.service import permits as service

router = APIRouter(prefix="/v1/permits", tags=["permits"])


def _read(permit: object) -> PermitRead:
    return PermitRead.model_validate(permit, from_attributes=True)


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=PermitRead,
    responses={404: {"description": "No such person (the body's `person_id`)"}},
)  # fmt: skip
async def create_permit(
    data: PermitCreate, session: SessionDep, ctx: CtxDep, actor: Writer, response: Response
) -> PermitRead:
    """Record a permit or visa of a registered person of the token's owner (404 for an
    unknown one)."""
    permit = await service.create(session=session, ctx=ctx, actor=actor, data=data)
    return tagged(response, permit.version, _read(permit), location=f"/v1/permits/{permit.id}")


@router.get("", response_model=Page[PermitRead])
async def list_permits(
    session: SessionDep,
    trail: TrailDep,
    actor: Reader,
    after: AfterDep,
    person_id: uuid.UUID | None = None,
    status: codes.PermitStatus | None = None,
    expiring_within_days: Annotated[
        int | None, Query(ge=0, le=3650, description="Granted permits ending within N days.")
    ] = None,
    limit: LimitDep = 100,
) -> Page[PermitRead]:
    """Permits, filtered by person, status, or expiry within N days from today."""
    found = await service.search(
        session=session,
        trail=trail,
        actor=actor,
        person_id=person_id,
        status=status,
        expiring_within_days=expiring_within_days,
        after=after,
        limit=limit,
    )
    return page_of(found, limit, [_read(p) for p in found])


@router.get("/{permit_id}", response_model=PermitRead)
async def get_permit(
    permit_id: uuid.UUID, session: SessionDep, trail: TrailDep, actor: Reader, response: Response
) -> PermitRead:
    """One permit; the read is audited against the permit's person."""
    permit = await service.read(session=session, trail=trail, actor=actor, permit_id=permit_id)
    return tagged(response, permit.version, _read(permit))


@router.patch("/{permit_id}", response_model=PermitRead, responses={412: {}})
async def update_permit(
    permit_id: uuid.UUID,
    data: PermitUpdate,
    session: SessionDep,
    ctx: CtxDep,
    actor: Writer,
    if_match: IfMatchDep,
    response: Response,
) -> PermitRead:
    """Change a permit's status, track or validity; `If-Match` guards against lost updates."""
    permit = await service.update(
        session=session, ctx=ctx, actor=actor, permit_id=permit_id, data=data, if_match=if_match
    )
    return tagged(response, permit.version, _read(permit))
