"""Routes for donors."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from concordia.core.deps import AfterDep, IfMatchDep, LimitDep, SessionDep, tagged
from concordia.core.pagination import page_of
from concordia.core.schemas import Page
from concordia.ledger.api.deps import Reader, Writer
from concordia.ledger.schemas import DonorCreate, DonorRead, DonorUpdate
from concordia.ledger.service import donors as service
from concordia.ledger.service._common import Viewer

router = APIRouter(prefix="/v1/donors", tags=["donors"])


def _read(donor: object) -> DonorRead:
    return DonorRead.model_validate(donor, from_attributes=True)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DonorRead)
async def create_donor(
    data: DonorCreate, session: SessionDep, principal: Writer, response: Response
) -> DonorRead:
    """Register a donor of the token's owner under its `{agency}-{number}` identifier."""
    donor = await service.create(session=session, viewer=Viewer(principal=principal), data=data)
    return tagged(response, donor.version, _read(donor), location=f"/v1/donors/{donor.id}")


@router.get("", response_model=Page[DonorRead])
async def list_donors(
    session: SessionDep, caller: Reader, after: AfterDep, limit: LimitDep = 100
) -> Page[DonorRead]:
    """Donors in registration order, a keyset page at a time."""
    viewer = Viewer(principal=caller)
    found = await service.list_page(session=session, viewer=viewer, after=after, limit=limit)
    return page_of(found, limit, [_read(d) for d in found])


@router.get("/{donor_id}", response_model=DonorRead)
async def get_donor(
    donor_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> DonorRead:
    """One donor."""
    donor = await service.get(session=session, viewer=Viewer(principal=caller), donor_id=donor_id)
    return tagged(response, donor.version, _read(donor))


@router.patch("/{donor_id}", response_model=DonorRead, responses={409: {}, 412: {}})
async def update_donor(
    donor_id: uuid.UUID,
    data: DonorUpdate,
    session: SessionDep,
    principal: Writer,
    if_match: IfMatchDep,
    response: Response,
) -> DonorRead:
    """Change the fields sent; `If-Match` guards against lost updates."""
    donor = await service.update(
        session=session, viewer=Viewer(principal=principal), donor_id=donor_id, data=data,
        if_match=if_match,
    )  # fmt: skip
    return tagged(response, donor.version, _read(donor))


@router.delete("/{donor_id}", status_code=status.HTTP_204_NO_CONTENT, responses={409: {}, 412: {}})
async def delete_donor(
    donor_id: uuid.UUID, session: SessionDep, principal: Writer, if_match: IfMatchDep
) -> Response:
    """Remove a donor that has no grants."""
    await service.remove(
        session=session, viewer=Viewer(principal=principal), donor_id=donor_id, if_match=if_match
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
