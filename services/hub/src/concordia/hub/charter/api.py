"""The hub API of the charter: read it, its versions, and set a new one (scope `hub:admin`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from concordia.core.deps import IfMatchDep, SessionDep, tagged
from concordia.events import CharterPublished
from concordia.hub.api.deps import Admin, FederationDep, Reader
from concordia.hub.charter import service as charters
from concordia.hub.schemas import CharterUpdate
from concordia.kit import runtime

# No prefix of its own: ``concordia.hub.api.routes`` includes it under ``/v1``.
router = APIRouter(tags=["hub"])


@router.get("/charter", response_model=CharterPublished)
async def get_charter(session: SessionDep, _: Reader, response: Response) -> CharterPublished:
    """The current charter; its ETag is its revision (the built-in defaults are revision 0)."""
    charter = await charters.current(session=session)
    return tagged(response, charter.revision, charter)


@router.get("/charter/versions", response_model=list[CharterPublished])
async def charter_versions(session: SessionDep, _: Reader) -> list[CharterPublished]:
    """Every revision of the charter, oldest first."""
    return await charters.versions(session=session)


@router.put("/charter", response_model=CharterPublished)
async def put_charter(
    data: CharterUpdate,
    request: Request,
    federation: FederationDep,
    _: Admin,
    if_match: IfMatchDep,
    response: Response,
) -> CharterPublished:
    """Set a new charter (scope `hub:admin`) and send it to every node; a stale If-Match: 409."""
    async with runtime(request).db.unit_of_work() as session:
        charter = await charters.put(session=session, data=data, if_match=if_match)
    # Committed: now every country hears of it (and is re-sent it until it reports running it).
    await charters.broadcast(federation, charter, list(federation.links))
    return tagged(response, charter.revision, charter)
