"""Request and response models of the evaluation API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, WithJsonSchema

from concordia.core.auth import OWNER_PATTERN
from concordia.core.schemas import IsoDate, StrictModel, UuidStr, json_int
from concordia.core.types import QUARTER_PATTERN, LongText, Text
from concordia.events import codes

#: A reporting period: a calendar quarter, as the node's aggregates use.
PERIOD_PATTERN = QUARTER_PATTERN
Period = Annotated[str, StringConstraints(pattern=PERIOD_PATTERN)]
ItemType = Literal["grant", "organisation"]
#: The three mid-term criteria, then relevance and impact.
CRITERIA: tuple[str, ...] = ("standards", "knowledge", "inside_support", "relevance", "impact")
Relationship = Literal["employment", "board", "family", "funding", "advisory", "other"]


def _language(value: str) -> str:
    if value not in codes.LANGUAGES:
        raise ValueError(f"{value!r} is not an ISO 639-1 language code")
    return value


Language = Annotated[
    str, AfterValidator(_language),
    WithJsonSchema({"type": "string", "enum": sorted(codes.LANGUAGES)}),
]  # fmt: skip


class EvaluatorCreate(StrictModel):
    """An independent expert (the name stays encrypted in this node)."""

    name: Text = Field(examples=["Example Evaluator One"])
    account: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")] = Field(
        description="The name of the token the evaluator scores with.", examples=["evaluator"]
    )
    expertise: list[codes.Purpose] = Field(min_length=1, max_length=13)
    languages: list[Language] = Field(min_length=1, max_length=20)
    european: bool = Field(description="A European (non-Russian) expert.")
    owner: Annotated[str, StringConstraints(pattern=OWNER_PATTERN.pattern)] | None = Field(
        default=None,
        description="Whose evaluator (the owner of the tokens it scores with); default: yours.",
        examples=["agency:se-migration"],
    )


class EvaluatorRead(BaseModel):
    """An evaluator; the name only for administrators."""

    id: uuid.UUID
    name: str | None
    account: str
    expertise: list[str]
    languages: list[str]
    european: bool
    active: bool
    owner: str
    created_at: datetime


class ConflictCreate(StrictModel):
    """A declared relationship with an organisation or a donor."""

    evaluator_id: UuidStr
    organisation_id: UuidStr | None = None
    donor_id: UuidStr | None = None
    relationship: Relationship


class ConflictRead(BaseModel):
    """A declared conflict of interest."""

    id: uuid.UUID
    evaluator_id: uuid.UUID
    organisation_id: uuid.UUID | None
    donor_id: uuid.UUID | None
    relationship: str
    owner: str
    declared_at: datetime


class AssignmentRequest(StrictModel):
    """Draw assessors for an item and period; nobody picks them by hand."""

    item_type: ItemType
    item_id: UuidStr
    period: Period = Field(examples=["2026-Q4"])
    language: Language | None = Field(default=None, description="Assessors must read it.")


class DrawRead(BaseModel):
    """A draw: re-run it with ``random.Random(seed).sample(eligible, len(drawn))``."""

    id: uuid.UUID
    item_type: str
    item_id: uuid.UUID
    period: str
    seed: str
    eligible: list[uuid.UUID]
    drawn: list[uuid.UUID]
    assignment_ids: list[uuid.UUID]
    owner: str
    created_at: datetime


class CriterionScore(StrictModel):
    """One criterion: a score from 0 to 4 and the written evidence for it."""

    score: json_int(ge=0, le=4)  # type: ignore[valid-type]
    evidence: LongText


class AssessmentCreate(StrictModel):
    """An assessor's scores on the five criteria, each with evidence."""

    assignment_id: UuidStr
    standards: CriterionScore
    knowledge: CriterionScore
    inside_support: CriterionScore
    relevance: CriterionScore
    impact: CriterionScore


class AssessmentRead(BaseModel):
    """An assessment (another assessor's only once the item has two)."""

    id: uuid.UUID
    assignment_id: uuid.UUID
    evaluator_id: uuid.UUID
    item_type: str
    item_id: uuid.UUID
    period: str
    scores: dict[str, int]
    evidence: dict[str, str]
    owner: str
    created_at: datetime


class PanelCreate(StrictModel):
    """The panel that decided a research or media grant's award."""

    grant_id: UuidStr
    members: list[UuidStr] = Field(min_length=1, max_length=12)
    decided_on: IsoDate


class PanelRead(BaseModel):
    """An award panel."""

    id: uuid.UUID
    grant_id: uuid.UUID
    members: list[uuid.UUID]
    decided_on: date
    owner: str
    created_at: datetime


class Indicator(BaseModel):
    """One indicator of a period: its value, definition and whether nodes' values combine."""

    code: str
    value: Any
    definition: str
    level: Literal["node", "combinable"]


class IndicatorsRead(BaseModel):
    """Every indicator of a period."""

    period: str
    indicators: list[Indicator]


class TargetsRead(BaseModel):
    """The status of every charter target in a period."""

    period: str
    charter_version: str
    targets: list[dict[str, Any]]


class AgreementRead(BaseModel):
    """Agreement per criterion in a period."""

    period: str
    min_items: int
    criteria: list[dict[str, Any]]
