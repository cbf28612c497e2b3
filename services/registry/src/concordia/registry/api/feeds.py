"""The delta feed, the audit log, the published aggregates and the code lists."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from concordia.core.auth import require
from concordia.core.deps import SessionDep
from concordia.core.schemas import Page
from concordia.events import asyncapi_document
from concordia.registry import codes
from concordia.registry.api.deps import CtxDep, OrgReader, Reader, TrailDep
from concordia.registry.schemas import AuditRead, ChangeRead
from concordia.registry.service import feeds as service

router = APIRouter(prefix="/v1", tags=["feeds"])

SeqCursor = Annotated[
    int,
    Query(ge=0, le=2**63 - 1, description="The `next` of the previous page; 0 to start."),
]
FeedLimit = Annotated[int, Query(ge=1, le=10000)]


@router.get("/changes", response_model=Page[ChangeRead])
async def list_changes(
    session: SessionDep,
    ctx: CtxDep,
    trail: TrailDep,
    actor: Reader,
    after: SeqCursor = 0,
    limit: FeedLimit = 1000,
) -> Page[ChangeRead]:
    """What changed in the token owner's records after the cursor, oldest first (audited)."""
    rows = await service.changes(
        session=session, ctx=ctx, trail=trail, actor=actor, after=after, limit=limit
    )
    items = [
        ChangeRead(
            seq=r.seq, entity=r.entity, id=r.entity_id, external_id=external_id,
            version=r.version, op=r.op, at=r.at,
        )
        for r, external_id in rows
    ]  # fmt: skip
    return Page(items=items, next=str(rows[-1][0].seq) if rows else str(after))


@router.get("/audit", response_model=Page[AuditRead], dependencies=[require("ops")])
async def list_audit(
    session: SessionDep,
    after: SeqCursor = 0,
    limit: FeedLimit = 1000,
    person_id: uuid.UUID | None = None,
) -> Page[AuditRead]:
    """Who read or changed which person, when and why (scope `ops`)."""
    rows = await service.audit_entries(
        session=session, after=after, limit=limit, person_id=person_id
    )
    items = [AuditRead.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, next=str(rows[-1].seq) if rows else str(after))


class AggregatesRead(BaseModel):
    """The latest version of every aggregate snapshot this node has published."""

    snapshots: list[dict[str, Any]] = Field(description="Exactly the payloads that left the node.")


@router.get("/aggregates", response_model=AggregatesRead)
async def list_aggregates(request: Request, session: SessionDep, _: OrgReader) -> AggregatesRead:
    """Exactly what this node publishes to the coalition: protected aggregate snapshots."""
    from concordia.registry.aggregates import latest_published

    return AggregatesRead(snapshots=await latest_published(session=session))


@router.get("/events/asyncapi.json", response_model=dict[str, Any])
async def event_contracts(_: OrgReader) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every event type: subjects and payload schemas."""
    return asyncapi_document()


@router.get("/codes", response_model=dict[str, Any])
async def code_lists(_: OrgReader) -> dict[str, Any]:
    """The closed vocabularies the API accepts (regions with federal districts, and the rest)."""
    return codes.code_lists()
