"""Routes for activities that grants fund."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from concordia.core.auth import Principal
from concordia.core.deps import IfMatchDep, SessionDep, tagged
from concordia.ledger.api.deps import CtxDep, Writer
from concordia.ledger.schemas import ActivityCreate, ActivityRead, ActivityUpdate
from concordia.ledger.service import activities as service
from concordia.ledger.service._common import Viewer

router = APIRouter(prefix="/v1", tags=["activities"])


def _full(principal: Principal) -> Viewer:
    return Viewer(principal=principal)


@router.post(
    "/grants/{grant_id}/activities",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivityRead,
)
async def create_activity(
    grant_id: uuid.UUID,
    data: ActivityCreate,
    session: SessionDep,
    ctx: CtxDep,
    principal: Writer,
    response: Response,
) -> ActivityRead:
    """Record an event or programme a grant funds, with participant counts (never names)."""
    activity = await service.create(
        session=session, ctx=ctx, viewer=_full(principal), grant_id=grant_id, data=data
    )
    return tagged(
        response, activity.version, service.read(activity), location=f"/v1/activities/{activity.id}"
    )


@router.get("/grants/{grant_id}/activities", response_model=list[ActivityRead])
async def list_activities(
    grant_id: uuid.UUID, session: SessionDep, principal: Writer
) -> list[ActivityRead]:
    """The activities of a grant."""
    found = await service.list_for(session=session, grant_id=grant_id, viewer=_full(principal))
    return [service.read(a) for a in found]


@router.get("/activities/{activity_id}", response_model=ActivityRead)
async def get_activity(
    activity_id: uuid.UUID, session: SessionDep, principal: Writer, response: Response
) -> ActivityRead:
    """One activity."""
    activity = await service.get(session=session, activity_id=activity_id, viewer=_full(principal))
    return tagged(response, activity.version, service.read(activity))


@router.patch("/activities/{activity_id}", response_model=ActivityRead, responses={412: {}})
async def update_activity(
    activity_id: uuid.UUID,
    data: ActivityUpdate,
    session: SessionDep,
    ctx: CtxDep,
    principal: Writer,
    if_match: IfMatchDep,
    response: Response,
) -> ActivityRead:
    """Change the fields sent; `If-Match` guards against lost updates."""
    activity = await service.update(
        session=session, ctx=ctx, activity_id=activity_id, data=data, if_match=if_match,
        viewer=_full(principal),
    )  # fmt: skip
    return tagged(response, activity.version, service.read(activity))


@router.delete(
    "/activities/{activity_id}", status_code=status.HTTP_204_NO_CONTENT, responses={412: {}}
)
async def delete_activity(
    activity_id: uuid.UUID,
    session: SessionDep,
    ctx: CtxDep,
    principal: Writer,
    if_match: IfMatchDep,
) -> Response:
    """Delete an activity."""
    await service.remove(
        session=session, ctx=ctx, activity_id=activity_id, if_match=if_match,
        viewer=_full(principal),
    )  # fmt: skip
    return Response(status_code=status.HTTP_204_NO_CONTENT)
