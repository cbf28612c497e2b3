"""The funding feed's JSON shape, for the OpenAPI document only.

The feed routes serialise plain dicts with orjson straight to bytes (a page of 10,000 grants
through pydantic would cost more than the database does); these models only describe them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from concordia.ledger import codes


class FeedTransaction(BaseModel):
    """An IATI transaction on a grant; amounts are decimal strings."""

    id: str
    external_id: str | None
    type: codes.TransactionType = Field(description=codes.TRANSACTION_TYPES_DOC)
    amount: str = Field(examples=["25000.00"])
    currency: str = Field(examples=["SEK"])
    value_date: date
    amount_eur: str | None = Field(
        description="The amount in EUR at the latest rate on or before the value date; null "
        "where no rate covers it.",
        examples=["2175.00"],
    )
    description: str | None


class FeedDonor(BaseModel):
    """The donor of a grant."""

    id: str
    identifier: str = Field(description="The donor's organisation identifier (org-id.guide).")
    name: str
    type: Literal["government_programme", "foundation", "multilateral"]
    country: str


class FeedRecipient(BaseModel):
    """An organisation with its identifier, or a person shown only as `individual`."""

    type: Literal["organisation", "individual"]
    id: str | None = None
    identifier: str | None = None
    name: str | None = None


class FeedGrant(BaseModel):
    """A grant in the feed; a withdrawn grant is a tombstone with `id`, `feed_seq`, `withdrawn`."""

    id: str
    feed_seq: int = Field(description="The grant's feed position; it moves on every change.")
    withdrawn: bool
    version: int | None = None
    external_id: str | None = None
    donor: FeedDonor | None = None
    recipient: FeedRecipient | None = None
    title: str | None = None
    description: str | None = None
    purpose: str | None = None
    horizon: Literal["short", "mid", "long"] | None = None
    goals: list[str] | None = None
    gender_marker: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    visibility: Literal["public", "coalition"] | None = None
    updated_at: datetime | None = None
    transactions: list[FeedTransaction] | None = None


class FeedPageDoc(BaseModel):
    """A page of the funding feed, in `feed_seq` order."""

    items: list[FeedGrant]
    next: str = Field(
        description="Pass as `after` for the next page; a page shorter than `limit` is the "
        "current end (poll again with the same `next`)."
    )
