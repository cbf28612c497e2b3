"""The hub API of overlap detection: start a round, read the counts per pair."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from concordia.core.deps import QuarterQuery, SessionDep
from concordia.events.codes import Purpose
from concordia.hub.api.deps import Admin, Reader, hub_state
from concordia.hub.overlap import service as overlap
from concordia.hub.schemas import (
    OverlapPairRead,
    OverlapRoundAccepted,
    OverlapRoundCreate,
    OverlapRunRead,
)

router = APIRouter(prefix="/v1", tags=["overlaps"])


@router.post(
    "/overlaps/runs", response_model=OverlapRoundAccepted, status_code=status.HTTP_202_ACCEPTED
)
async def start_round(data: OverlapRoundCreate, request: Request, _: Admin) -> OverlapRoundAccepted:
    """Start an overlap round (scope `hub:admin`): PSI between every ordered pair of countries.

    Answers at once with the run ids; each run's count or decline appears under
    `GET /v1/overlaps`. 409 with fewer than two countries linked; 429 when every pair has used
    today's runs for this period and purpose.
    """
    rounds = hub_state(request).rounds
    planned = rounds.start_round(period=data.period, purpose=data.purpose)
    return OverlapRoundAccepted(
        period=data.period,
        purpose=data.purpose,
        runs=[OverlapRunRead(run_id=p.run_id, client=p.client, server=p.server) for p in planned],
    )


@router.get("/overlaps", response_model=list[OverlapPairRead])
async def list_overlaps(
    session: SessionDep,
    _: Reader,
    period: QuarterQuery,
    purpose: Annotated[Purpose, Query(description="The grants' purpose code.")],
) -> list[OverlapPairRead]:
    """The newest outcome per ordered pair: how many grantees overlap, never which."""
    rows = await overlap.outcomes(session=session, period=period, purpose=purpose)
    return [OverlapPairRead.model_validate(row) for row in rows]
