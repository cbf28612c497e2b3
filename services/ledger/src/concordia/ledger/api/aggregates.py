"""Route for what the ledger shares with the coalition: its published aggregate snapshots."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from concordia.core.deps import SessionDep
from concordia.ledger import aggregates
from concordia.ledger.api.deps import Reader

router = APIRouter(prefix="/v1", tags=["aggregates"])


class AggregatesRead(BaseModel):
    """The latest version of every aggregate snapshot the ledger has published."""

    snapshots: list[dict[str, Any]] = Field(description="Exactly the payloads that left the node.")


@router.get("/aggregates", response_model=AggregatesRead)
async def list_aggregates(session: SessionDep, _: Reader) -> AggregatesRead:
    """Exactly what this ledger publishes to the coalition: protected funding snapshots."""
    return AggregatesRead(snapshots=await aggregates.latest_published(session=session))
