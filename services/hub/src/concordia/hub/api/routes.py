"""The hub API: nodes, aggregates and coalition indicators (the charter's routes included)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import TypeAdapter

from concordia.core.deps import SessionDep
from concordia.events._types import TOKEN_PATTERN
from concordia.hub import indicators, service
from concordia.hub.api.deps import FederationDep, Reader, hub_settings
from concordia.hub.charter import api as charter_api
from concordia.hub.charter import service as charters
from concordia.hub.schemas import CoalitionIndicators, NodeRead, SnapshotRead
from concordia.hub.secure import service as secure

router = APIRouter(prefix="/v1", tags=["hub"])
Token = Annotated[str | None, Query(pattern=TOKEN_PATTERN)]
_SNAPSHOTS = TypeAdapter(list[SnapshotRead])


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
    rows = await service.aggregates(session=session, filters=filters, history=history, limit=limit)
    # Validated once (from the stored payload) and serialised once: returned as models, FastAPI
    # would dump and validate every row again before serialising (the listing is polled).
    return Response(_SNAPSHOTS.dump_json(rows), media_type="application/json")  # type: ignore[return-value]


@router.get("/coalition/indicators", response_model=CoalitionIndicators)
async def coalition_indicators(
    session: SessionDep, _: Reader, period: Annotated[str, Query(pattern=TOKEN_PATTERN)]
) -> CoalitionIndicators:
    """Coalition totals of a period from every node's protected cells (and, for the charter's
    secure tables, from their secure release), and the targets."""
    snapshots = await service.aggregates(
        session=session, filters={"period": period}, history=False, limit=100_000
    )
    charter = await charters.current(session=session)
    released = secure.totals(await secure.releases(session, period=period))
    return indicators.coalition(period, snapshots, charter, released)


# The charter's routes live with the charter; app.py keeps including this router alone.
router.include_router(charter_api.router)
