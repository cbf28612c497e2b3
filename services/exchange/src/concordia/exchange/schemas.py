"""Request and response bodies of the exchange API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

from concordia.core.errors import inconsistent
from concordia.core.schemas import Partial, StrictModel
from concordia.core.types import VISIBLE, Country, LongText, Text
from concordia.exchange.codes import EndorsementKind, Language, MediaType, Role, Standing, Topic
from concordia.exchange.codes import Workflow as WorkflowState

Markdown = Annotated[str, StringConstraints(min_length=1, max_length=100_000, pattern=VISIBLE)]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Reason = Annotated[str, StringConstraints(min_length=10, max_length=1000, pattern=VISIBLE)]


class Translation(StrictModel):
    """The practice's text in another language."""

    # Not the practice's own (the examples' `en`): an example that breaks no rule.
    language: Language = Field(examples=["ru"])
    title: Text
    summary: LongText
    body: Markdown


class PracticeFields(StrictModel):
    """What a practice says: its text, codes and the author's role (never a name)."""

    title: Text = Field(examples=["A fast track for threatened journalists"])
    summary: LongText
    body: Markdown = Field(description="Markdown.")
    topic: Topic
    legal_basis: LongText | None = None
    what_worked: LongText | None = None
    what_did_not: LongText | None = None
    standing: Standing = "pilot"
    country: Country = Field(examples=["SE"])
    language: Language = Field(description="Language of the text above.")
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    author_role: Role
    translations: list[Translation] = Field(default_factory=list, max_length=15)

    @model_validator(mode="after")
    def _languages(self) -> PracticeFields:
        seen = [t.language for t in self.translations]
        if self.language in seen or len(set(seen)) != len(seen):
            # A rule between fields (409), not a field's own.
            raise inconsistent("each translation needs its own language, not the practice's own")
        return self


class PracticeCreate(PracticeFields):
    """A new practice (its first revision, a draft)."""


class PracticeUpdate(Partial, of=PracticeFields):
    """An edit: the fields sent replace the current revision's in a new revision.

    A field every practice has may be left out but never sent as ``null`` (422); ``null``
    clears only the optional texts (``legal_basis``, ``what_worked``, ``what_did_not``).
    """


class PracticeContent(BaseModel):
    """A revision's fields as served."""

    title: str
    summary: str
    body: str
    topic: Topic
    legal_basis: str | None
    what_worked: str | None
    what_did_not: str | None
    standing: Standing
    country: str
    language: Language
    tags: list[str]
    author_role: Role
    translations: list[Translation]


class PracticeRead(PracticeContent):
    """A practice with its served revision: the newest at its origin, the published elsewhere."""

    id: uuid.UUID
    origin: str = Field(description="The node it was written at; only there can it be edited.")
    owner: str
    workflow: WorkflowState
    revision: int = Field(description="The revision served (also the ETag).")
    published_revision: int | None
    created_at: datetime
    updated_at: datetime


class RevisionRead(PracticeContent):
    """One revision in a practice's history."""

    number: int
    state: str = Field(description="draft, in_review, published or superseded.")
    created_at: datetime
    approved_at: datetime | None
    overridden: bool = Field(description="Approved over a screen match, with a recorded reason.")


class ApproveRequest(StrictModel):
    """An approval; a reason is needed only to override a screen match judged false."""

    override_reason: Reason | None = None


class EndorsementCreate(StrictModel):
    """Another state's experience with the practice."""

    kind: EndorsementKind
    role: Role
    country: Country
    language: Language | None = None
    note: LongText | None = None


class CommentCreate(StrictModel):
    """A comment on the practice, by a role and a country."""

    role: Role
    country: Country
    language: Language
    text: LongText


class ContributionRead(BaseModel):
    """An endorsement or a comment."""

    id: uuid.UUID
    practice_id: uuid.UUID
    kind: str
    endorsement: EndorsementKind | None
    role: Role
    country: str
    origin: str
    language: str | None
    text: str | None
    state: str = Field(description="pending (awaiting a second person) or published.")
    created_at: datetime
    published_at: datetime | None


class AttachmentRead(BaseModel):
    """An attachment's metadata; the content is at its own address."""

    sha256: str
    media_type: MediaType
    size: int
    text_extracted: bool = Field(description="False: no text could be read, so it cannot leave.")
    created_at: datetime


class PracticeHit(BaseModel):
    """One practice in search results."""

    id: uuid.UUID
    origin: str
    title: str
    topic: Topic
    country: str
    language: str
    languages: list[str]
    standing: str
    workflow: str
    revision: int
    updated_at: datetime
    score: float = Field(description="Relevance (higher is better; 0 without a query).")


class Facets(BaseModel):
    """Counts over every matching practice, not only this page."""

    topic: dict[str, int]
    country: dict[str, int]
    language: dict[str, int]


class SearchPage(BaseModel):
    """A page of practices, ranked, with facets and the cursor of the next page."""

    items: list[PracticeHit]
    facets: Facets
    total: int
    next: str | None = Field(description="Pass as `after` to get the next page.")
