"""API models of overlap detection: this node's grantees that other nodes fund too."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class OverlapRead(BaseModel):
    """One of this node's grantees that other coalition nodes fund for the same purpose."""

    identifier: str = Field(examples=["SE-ON-8020000001"])
    organisation_id: uuid.UUID
    name: str = Field(examples=["Example Media"])
    funded_elsewhere_by: list[str] = Field(
        description="The nodes whose ledgers fund it too (latest run with each).",
        examples=[["de", "pl"]],
    )
    checked_at: datetime = Field(description="When the latest run found it.")


class OverlapPeerRead(BaseModel):
    """The latest finished run with one peer, as this node saw it (the client side)."""

    peer: str = Field(examples=["pl"])
    status: str = Field(description="`counted` or `declined`.", examples=["counted"])
    reason: str | None = Field(default=None, examples=["set_too_small"])
    count: int | None = Field(default=None, examples=[3])
    at: datetime | None = None


class OverlapsRead(BaseModel):
    """What private set intersection found for one period and purpose."""

    period: str = Field(examples=["2026-Q4"])
    purpose: str = Field(examples=["independent_media"])
    items: list[OverlapRead]
    peers: list[OverlapPeerRead] = Field(
        description="Every peer this node has run overlap detection with for this scope."
    )
