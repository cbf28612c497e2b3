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
from concordia.events.codes import (
    ActivityKind,
    GoalCode,
    Horizon,
    Purpose,
    TransactionType,
    Visibility,
)


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
    # Added for evaluation (additive: events written before read as unknown). Never a person's
    # id: a grant to a person names only "individual".
    purpose: Purpose | None = Field(
        default=None, description="What the grant is for.", examples=["independent_media"]
    )
    horizon: Horizon | None = Field(
        default=None, description="Short (1-2 y), mid (~5 y) or long term.", examples=["mid"]
    )
    strategic_goals: tuple[GoalCode, ...] = Field(
        default=(), description="The long-term strategic goals it serves.",
        examples=[["value_of_politics"]],
    )  # fmt: skip
    recipient_organisation_id: UUID | None = Field(
        default=None,
        description="The recipient organisation's id in this node's registry (null: a person "
        "or an erased individual).",
        examples=["01964f3a-9a10-7b7c-8c55-6f0e21d4a3b2"],
    )
    start_date: date | None = Field(default=None, description="First day funded.")
    end_date: date | None = Field(default=None, description="Last day funded.")


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
    amount_eur: Decimal | None = Field(
        default=None, max_digits=18, decimal_places=2,
        description="The amount in EUR at the rate of the value date (null: no rate yet).",
        examples=["220.00"],
    )  # fmt: skip


class TransactionRemoved(LocalEvent):
    """A transaction recorded in error was removed from its grant."""

    event_name: ClassVar[str] = "ledger.transaction.removed"

    transaction_id: UUID = Field(
        description="The removed transaction's id.",
        examples=["01964f3d-2b3c-7d4e-9f50-6a7b8c9d0e1f"],
    )
    grant_id: UUID = _grant_id()
    feed_seq: int = _feed_seq()


def _count(what: str) -> Any:
    return Field(ge=0, description=f"Participants who are {what} (a count).", examples=[12])


class _ActivityFacts(LocalEvent):
    activity_id: UUID = Field(
        description="The activity's id in this node's ledger.",
        examples=["01964f3e-3c4d-7e5f-a061-7b8c9d0e1f20"],
    )
    grant_id: UUID = _grant_id()
    version: int = Field(ge=1, description="The activity's version.", examples=[1])


class ActivityRecorded(_ActivityFacts):
    """An activity (an event or a programme) a grant funds: participants as counts only."""

    event_name: ClassVar[str] = "ledger.activity.recorded"

    kind: ActivityKind = Field(description="An event or a programme.", examples=["event"])
    start_date: date = Field(description="First day.", examples=["2026-05-04"])
    end_date: date = Field(description="Last day.", examples=["2026-05-05"])
    country: str = Field(
        pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 of where it took place.",
        examples=["SE"],
    )  # fmt: skip
    women: int = _count("women")
    men: int = _count("men")
    gender_other: int = _count("of another gender")
    gender_undisclosed: int = _count("of undisclosed gender")
    russian: int = _count("of Russian origin")
    non_russian: int = _count("of non-Russian origin")
    origin_undisclosed: int = _count("of undisclosed origin")


#: The participant counts an activity carries, by gender then by origin: the same names in the
#: ledger's activities, in what other services learn of them, and in their tables. Fixed: the
#: first migrations of those tables are written from it, so another count is a new event version
#: and a new migration, never a change here.
PARTICIPANT_COUNTS = ("women", "men", "gender_other", "gender_undisclosed", "russian",
                      "non_russian", "origin_undisclosed")  # fmt: skip


class ActivityUpdated(ActivityRecorded):
    """An activity changed: the event carries its whole new state."""

    event_name: ClassVar[str] = "ledger.activity.updated"


class ActivityRemoved(_ActivityFacts):
    """An activity recorded in error was removed."""

    event_name: ClassVar[str] = "ledger.activity.removed"
