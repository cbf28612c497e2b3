"""Events of the ledger service.

Every event here is local: it never leaves the node. They carry ids, codes, amounts and the
grant's feed position, never a recipient person's id: whoever needs a grant's details reads the
ledger, whose feed shows a person only as "individual". Import them from this module directly.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from concordia.events._model import LocalEvent
from concordia.events.codes import TransactionType, Visibility


def _grant_id() -> Any:
    return Field(
        description="The grant's id in this node's ledger (UUIDv7).",
        examples=["01964f3c-1a2b-7c3d-8e4f-5a6b7c8d9e0f"],
    )


def _feed_seq() -> Any:
    return Field(
        ge=1,
        description="The grant's position in the funding feed after this change (increasing).",
        examples=[1042],
    )


class _GrantFacts(LocalEvent):
    grant_id: UUID = _grant_id()
    donor_id: UUID = Field(
        description="The donor's id in this node's ledger.",
        examples=["01964f3c-0000-7aaa-8bbb-0123456789ab"],
    )
    external_id: str = Field(
        min_length=1,
        max_length=128,
        description="The donor's own id of the grant (unique per donor).",
        examples=["SIDA-2026-0042"],
    )
    visibility: Visibility = Field(
        description="Who may see the grant outside the node's ledger.", examples=["public"]
    )
    version: int = Field(ge=1, description="The grant's version after this change.", examples=[2])
    feed_seq: int = _feed_seq()


class GrantRecorded(_GrantFacts):
    """A grant was recorded."""

    event_name: ClassVar[str] = "ledger.grant.recorded"


class GrantUpdated(_GrantFacts):
    """A grant changed (its fields, or its recipient was erased); read the ledger for the rest."""

    event_name: ClassVar[str] = "ledger.grant.updated"


class GrantWithdrawn(_GrantFacts):
    """A grant was withdrawn: it stays in the feed as a tombstone."""

    event_name: ClassVar[str] = "ledger.grant.withdrawn"


class TransactionRecorded(LocalEvent):
    """A transaction (commitment, disbursement...) was recorded on a grant."""

    event_name: ClassVar[str] = "ledger.transaction.recorded"

    transaction_id: UUID = Field(
        description="The transaction's id in this node's ledger.",
        examples=["01964f3d-2b3c-7d4e-9f50-6a7b8c9d0e1f"],
    )
    grant_id: UUID = _grant_id()
    type: TransactionType = Field(
        description="IATI transaction type code (1, 2, 3, 4, 11, 12).", examples=[3]
    )
    amount: Decimal = Field(
        max_digits=18, decimal_places=2, description="Amount in `currency`.", examples=["2500.00"]
    )
    currency: str = Field(
        pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.", examples=["SEK"]
    )
    value_date: date = Field(
        description="The date that fixes the exchange rate.", examples=["2026-03-01"]
    )
    feed_seq: int = _feed_seq()


class TransactionRemoved(LocalEvent):
    """A transaction recorded in error was removed from its grant."""

    event_name: ClassVar[str] = "ledger.transaction.removed"

    transaction_id: UUID = Field(
        description="The removed transaction's id.",
        examples=["01964f3d-2b3c-7d4e-9f50-6a7b8c9d0e1f"],
    )
    grant_id: UUID = _grant_id()
    feed_seq: int = _feed_seq()
