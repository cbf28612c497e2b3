"""Routes for endorsements and comments, and their four-eyes approval."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from concordia.core.deps import SessionDep
from concordia.exchange import contributions as service
from concordia.exchange.api.deps import Approver, Reader, StateDep, Writer
from concordia.exchange.schemas import (
    ApproveRequest,
    CommentCreate,
    ContributionRead,
    EndorsementCreate,
)

router = APIRouter(prefix="/v1/practices/{practice_id}", tags=["contributions"])


@router.post("/endorsements", status_code=status.HTTP_201_CREATED, response_model=ContributionRead)
async def create_endorsement(
    practice_id: uuid.UUID,
    data: EndorsementCreate,
    session: SessionDep,
    state: StateDep,
    principal: Writer,
) -> ContributionRead:
    """Endorse a published practice (adopted, adapted, did not work); pending until approved."""
    c = await service.create(
        session=session, node=state.node, principal=principal, practice_id=practice_id, data=data
    )
    return service.to_read(c)


@router.get("/endorsements", response_model=list[ContributionRead])
async def list_endorsements(
    practice_id: uuid.UUID, session: SessionDep, state: StateDep, _: Reader
) -> list[ContributionRead]:
    """Published endorsements, and this node's pending ones."""
    return await service.listing(session, practice_id, "endorsement", state.node)


@router.post("/comments", status_code=status.HTTP_201_CREATED, response_model=ContributionRead)
async def create_comment(
    practice_id: uuid.UUID,
    data: CommentCreate,
    session: SessionDep,
    state: StateDep,
    principal: Writer,
) -> ContributionRead:
    """Comment on a published practice; pending until a second person approves it."""
    c = await service.create(
        session=session, node=state.node, principal=principal, practice_id=practice_id, data=data
    )
    return service.to_read(c)


@router.get("/comments", response_model=list[ContributionRead])
async def list_comments(
    practice_id: uuid.UUID, session: SessionDep, state: StateDep, _: Reader
) -> list[ContributionRead]:
    """Published comments, and this node's pending ones."""
    return await service.listing(session, practice_id, "comment", state.node)


async def _approve(
    practice_id: uuid.UUID,
    contribution_id: uuid.UUID,
    kind: str,
    data: ApproveRequest,
    session: SessionDep,
    state: StateDep,
    principal: Approver,
) -> ContributionRead:
    c = await service.approve(
        session=session, node=state.node, principal=principal, contribution_id=contribution_id,
        override_reason=data.override_reason, screen=state.screen,
        practice_id=practice_id, kind=kind,
    )  # fmt: skip
    return service.to_read(c)


@router.post("/endorsements/{contribution_id}/approve", response_model=ContributionRead)
async def approve_endorsement(
    practice_id: uuid.UUID,
    contribution_id: uuid.UUID,
    data: ApproveRequest,
    session: SessionDep,
    state: StateDep,
    principal: Approver,
) -> ContributionRead:
    """Approve an endorsement (not its author); screened by the registry, then sent."""
    return await _approve(
        practice_id, contribution_id, "endorsement", data, session, state, principal
    )


@router.post("/comments/{contribution_id}/approve", response_model=ContributionRead)
async def approve_comment(
    practice_id: uuid.UUID,
    contribution_id: uuid.UUID,
    data: ApproveRequest,
    session: SessionDep,
    state: StateDep,
    principal: Approver,
) -> ContributionRead:
    """Approve a comment (not its author); screened by the registry, then sent."""
    return await _approve(practice_id, contribution_id, "comment", data, session, state, principal)
