"""Request and response bodies of the workspace API."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)

from concordia.core.schemas import OMITTED, IsoDate
from concordia.core.types import QUARTER_PATTERN, LongText
from concordia.core.types import Text as OneLine
from concordia.events import CharterPublished, MemberSignature
from concordia.events.codes import GoalCode, Horizon, Purpose
from concordia.hub.schemas import CharterUpdate

PERIOD = QUARTER_PATTERN
MEMBER = r"^(state:[a-z]{2}|donor:[a-z0-9][a-z0-9._-]{0,62})$"
CommitmentKind = Literal["permits", "funding", "research"]
Measure = Literal["permits_granted", "eur_committed", "eur_disbursed"]
CommitmentStatus = Literal["met", "on_track", "behind", "unknown"]
Text = LongText
#: A target: positive, in EUR or in places, at most two decimals (a decimal string or a number).
Target = Annotated[
    Decimal,
    Field(gt=0, le=Decimal(10) ** 12, max_digits=15, decimal_places=2),
    WithJsonSchema({
        "type": "string", "pattern": r"^(?!0+(\.0+)?$)[0-9]{1,12}(\.[0-9]{1,2})?$",
        "description": "A positive figure, at most 2 decimal places.", "examples": ["250000"],
    }),
]  # fmt: skip
_NAME_LIKE = re.compile(r"\b(mr|mrs|ms|dr)\.?\s+[A-Z]", re.IGNORECASE)


def _no_title_and_name(value: str) -> str:
    # People act in a role, never by name: an honorific followed by a name is refused.
    if _NAME_LIKE.search(value):
        raise ValueError("name a role (e.g. 'the Swedish migration agency'), not a person")
    return value


class Strict(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


#: Free text of and about roles (an honorific followed by a name is refused): a line, a text.
RoleLine = Annotated[OneLine, AfterValidator(_no_title_and_name)]
RoleText = Annotated[Text, AfterValidator(_no_title_and_name)]
#: A target in whole cents.
CentsTarget = Annotated[Target, AfterValidator(_cents)]


class PurposePledge(Strict):
    """Funding for one purpose."""

    dimension: Literal["purpose"]
    level: Purpose


class HorizonPledge(Strict):
    """Funding of one horizon (short, mid, long)."""

    dimension: Literal["horizon"]
    level: Horizon


class GoalPledge(Strict):
    """Funding towards one strategic goal."""

    dimension: Literal["strategic_goal"]
    level: GoalCode


Pledge = Annotated[PurposePledge | HorizonPledge | GoalPledge, Field(discriminator="dimension")]


class _Commitment(Strict):
    """What every kind of commitment has; each kind says what it is tracked on (``tracked``)."""

    period: str = Field(pattern=PERIOD, examples=["2026-Q4"])
    node: str = Field(
        default=OMITTED, pattern=r"^[a-z]{2}$",
        description="The node whose aggregates track it (a state's own node by default; a "
        "donor's commitment without one is tracked on the coalition's totals).",
    )  # fmt: skip
    target: CentsTarget
    note: RoleText = OMITTED


class PermitsCommitment(_Commitment):
    """Places for key actors and their families: tracked as permits granted at the node."""

    kind: Literal["permits"]

    def tracked(self) -> tuple[str, str | None, str | None]:
        """Permits granted."""
        return "permits_granted", None, None


class FundingCommitment(_Commitment):
    """Funding pledged, in EUR: in all, or for one purpose, horizon or strategic goal."""

    kind: Literal["funding"]
    measure: Literal["eur_committed", "eur_disbursed"] = "eur_committed"
    pledge: Pledge = OMITTED

    def tracked(self) -> tuple[str, str | None, str | None]:
        """The measure, and the pledge's dimension and level if any."""
        if self.pledge is None:
            return self.measure, None, None
        return self.measure, self.pledge.dimension, self.pledge.level


class ResearchCommitment(_Commitment):
    """Research support: funding for the purpose 'research'."""

    kind: Literal["research"]
    measure: Literal["eur_committed", "eur_disbursed"] = "eur_committed"

    def tracked(self) -> tuple[str, str | None, str | None]:
        """Funding for research."""
        return self.measure, "purpose", "research"


CommitmentCreate = Annotated[
    PermitsCommitment | FundingCommitment | ResearchCommitment, Field(discriminator="kind")
]


class CommitmentUpdate(Strict):
    """A change to a commitment: a new target or note, or its withdrawal (fields sent only)."""

    target: CentsTarget = OMITTED
    note: RoleText = OMITTED
    withdrawn: bool = OMITTED


class Progress(BaseModel):
    """What the aggregates show for a commitment."""

    actual: Decimal | None = Field(description="The tracked figure; null when not known.")
    expected: Decimal = Field(description="What is due by now (the target pro rata).")
    status: CommitmentStatus
    reason: str | None = Field(default=None, description="Why the status is unknown.")
    evidence: dict[str, Any] = Field(description="The aggregate versions it was read from.")


class CommitmentRead(BaseModel):
    """A commitment with its progress."""

    id: str
    member: str
    kind: CommitmentKind
    period: str
    node: str | None
    measure: Measure
    dimension: str | None
    level: str | None
    target: Decimal
    note: str | None
    withdrawn: bool
    revision: int
    created_at: datetime
    updated_at: datetime
    progress: Progress | None = None


class CommitmentRevisionRead(BaseModel):
    """One revision of a commitment, as it was."""

    revision: int
    changed_by: str
    at: datetime
    commitment: dict[str, Any]


class AgendaItemCreate(Strict):
    """An item a member adds to the agenda."""

    title: RoleLine
    period: str | None = Field(default=None, pattern=PERIOD)
    description: RoleText | None = None


class CommentCreate(Strict):
    """A comment; an expert may also propose an objective."""

    body: RoleText
    kind: Literal["comment", "objective"] = "comment"


class CommentRead(BaseModel):
    """A comment, by role."""

    id: int
    author: str
    role: Literal["member", "expert", "admin"]
    kind: Literal["comment", "objective"]
    body: str
    at: datetime


class FollowUpCreate(Strict):
    """A follow-up action: what, who acts (a member), by when."""

    action: RoleLine
    actor: str = Field(pattern=MEMBER, examples=["state:se"])
    due: IsoDate | None = None


class FollowUpRead(BaseModel):
    """A follow-up action and whether it is done."""

    number: int
    action: str
    actor: str
    due: date | None
    done_at: datetime | None
    done_by: str | None


class DecisionCreate(Strict):
    """How the group closes an agenda item."""

    decided: RoleText = Field(description="What was decided.")
    rationale: RoleText = Field(description="Why.")
    concerns: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(
        default_factory=list, max_length=64, description="The nodes it concerns (empty: all)."
    )
    due: IsoDate | None = None
    follow_ups: list[FollowUpCreate] = Field(default_factory=list, max_length=50)
    charter: CharterUpdate | None = Field(
        default=None,
        description="The charter revision the decision adopts; it takes effect only once the "
        "member states have signed it.",
    )

    @field_validator("concerns")
    @classmethod
    def _nodes(cls, value: list[str]) -> list[str]:
        return sorted(set(value))


class DecisionRead(BaseModel):
    """A decision with its follow-ups."""

    id: str
    item_id: str
    title: str
    decided: str
    rationale: str
    period: str | None
    concerns: list[str]
    due: date | None
    status: Literal["taken", "pending_signatures", "in_force", "done"]
    charter_version: str | None
    decided_by: str
    decided_at: datetime
    updated_at: datetime
    follow_ups: list[FollowUpRead]
    signatures: list[MemberSignature] = Field(
        default=[], description="The member states' signatures relayed so far."
    )


class AgendaItemRead(BaseModel):
    """An agenda item with its evidence, its discussion and its decision."""

    id: str
    kind: str
    signal_key: str | None
    title: str
    period: str | None
    evidence: dict[str, Any]
    status: Literal["open", "decided"]
    raised_by: str
    raised_at: datetime
    updated_at: datetime
    comments: list[CommentRead] = Field(default_factory=list)
    decision: DecisionRead | None = None


class ScanResult(BaseModel):
    """What a scan of the signals found and raised."""

    periods: list[str]
    signals: int = Field(description="Signals seen (each persisting one counted once).")
    raised: list[AgendaItemRead] = Field(description="Items raised now (new signals only).")


def charter_of(data: CharterUpdate, revision: int) -> CharterPublished:
    """The charter a decision proposes, as it would be published at ``revision``."""
    return CharterPublished(
        revision=revision,
        **data.model_dump(exclude={"code_lists"}),
        code_lists=tuple(data.merged_code_lists()),
    )
