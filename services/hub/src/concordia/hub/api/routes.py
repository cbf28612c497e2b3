"""The hub API: nodes, aggregates, coalition indicators and the charter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from concordia.core.deps import IfMatchDep, SessionDep, etag
from concordia.events import CharterPublished
from concordia.events._types import TOKEN_PATTERN
from concordia.hub import charter as charters
from concordia.hub import indicators, service
from concordia.hub.api.deps import Admin, FederationDep, Reader, hub_settings
from concordia.hub.schemas import CharterUpdate, CoalitionIndicators, NodeRead, SnapshotRead
from concordia.kit import runtime

router = APIRouter(prefix="/v1", tags=["hub"])
Token = Annotated[str | None, Query(pattern=TOKEN_PATTERN)]


@router.get("/nodes", response_model=list[NodeRead])
async def list_nodes(
    session: SessionDep, federation: FederationDep, request: Request, _: Reader
) -> list[NodeRead]:
    """Every country node: last report, the charter each service runs, lag, staleness."""
    stale_after = hub_settings(request).stale_after_seconds
    return await service.nodes(session=session, federation=federation, stale_after=stale_after)


@router.get("/aggregates", response_model=list[SnapshotRead])
async def list_aggregates(
    session: SessionDep,
    _: Reader,
    name: Token = None,
    period: Token = None,
    node: Token = None,
    service_: Annotated[str | None, Query(alias="service", pattern=TOKEN_PATTERN)] = None,
    history: Annotated[bool, Query(description="Every version, not only the newest.")] = False,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[SnapshotRead]:
    """Stored aggregate snapshots, newest version of each (all versions with `history=true`)."""
    filters = {"aggregate": name, "period": period, "node": node, "service": service_}
    return await service.aggregates(session=session, filters=filters, history=history, limit=limit)


@router.get("/coalition/indicators", response_model=CoalitionIndicators)
async def coalition_indicators(
    session: SessionDep, _: Reader, period: Annotated[str, Query(pattern=TOKEN_PATTERN)]
) -> CoalitionIndicators:
    """Coalition totals of a period from every node's protected cells, and the targets."""
    snapshots = await service.aggregates(
        session=session, filters={"period": period}, history=False, limit=100_000
    )
    charter = await charters.current(session=session)
    return indicators.coalition(period, snapshots, charter)


@router.get("/charter", response_model=CharterPublished)
async def get_charter(session: SessionDep, _: Reader, response: Response) -> CharterPublished:
    """The current charter; its ETag is its revision (the built-in defaults are revision 0)."""
    charter = await charters.current(session=session)
    response.headers["ETag"] = etag(charter.revision)
    return charter


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
    response.headers["ETag"] = etag(charter.revision)
    return charter
