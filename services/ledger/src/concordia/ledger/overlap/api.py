"""Route for overlap detection: which of this node's grantees other nodes fund too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from concordia.core.deps import QuarterQuery, SessionDep
from concordia.ledger.api.deps import Reader
from concordia.ledger.codes import Purpose
from concordia.ledger.overlap import service
from concordia.ledger.overlap.schemas import OverlapsRead

router = APIRouter(prefix="/v1", tags=["overlaps"])


@router.get("/overlaps", response_model=OverlapsRead)
async def list_overlaps(
    session: SessionDep,
    _: Reader,
    period: QuarterQuery,
    purpose: Annotated[Purpose, Query(description="The grants' purpose.")],
) -> OverlapsRead:
    """This node's grantees that other coalition nodes fund for the same purpose and quarter.

    Found by private set intersection: only this node's own grantees are named, never another
    node's; restricted grants never take part.
    """
    return await service.overlaps(session=session, period=period, purpose=purpose)
