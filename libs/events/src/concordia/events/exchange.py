"""The best-practice exchange between nodes: published revisions, endorsements and comments.

These are the only shared events with free text (``ScreenedText``): the exchange sends one only
after a second person approved it and the node's registry screened every text in it for the
names, aliases, e-mail addresses and phone numbers of the people it holds. They travel as
broadcasts (``shared.<node>.broadcast.exchange.>``) to every other node. A revision's
attachments travel beside it in pieces (``AttachmentChunkPublished``, 256 KiB each, under NATS's
1 MiB payload), each attachment only once its text was extracted and screened with the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from concordia.events._model import SharedEvent
from concordia.events._types import (
    MAX_CHUNK_BYTES,
    TOKEN_PATTERN,
    Code,
    CountryCode,
    ScreenedBytes,
    ScreenedText,
    SubjectToken,
)

#: A practice's, revision's or contribution's id at every node: 32 hex digits of a UUID.
HexId = SubjectToken
#: The largest attachment a node may send (a node's own limit is at most this), in pieces.
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024
MAX_CHUNKS = -(-MAX_ATTACHMENT_BYTES // MAX_CHUNK_BYTES)


class PracticeTranslationV1(BaseModel):
    """A translation of a practice's text."""

    model_config = ConfigDict(frozen=True)

    language: Code
    title: ScreenedText
    summary: ScreenedText
    body: ScreenedText


class AttachmentRefV1(BaseModel):
    """An attachment of the revision: its address, type and size (the content travels apart)."""

    model_config = ConfigDict(frozen=True)

    sha256: Code
    media_type: Literal["application/pdf", "text/plain", "image/png", "image/jpeg"]
    size: int = Field(ge=0)


class PracticeRevisionPublished(SharedEvent):
    """A revision of a practice, approved by four eyes and screened, for every node."""

    event_name: ClassVar[str] = "broadcast.exchange.practice.published"
    once_per_subject: ClassVar[bool] = True

    node: SubjectToken = Field(description="The practice's origin node.", examples=["se"])
    practice: HexId = Field(description="The practice's id (hex), the same at every node.")
    revision: int = Field(ge=1)
    topic: Code
    standing: Literal["in_force", "pilot", "discontinued"]
    country: CountryCode
    language: Code
    tags: list[Code] = Field(max_length=20)
    author_role: Code = Field(description="The author's role, never a person.")
    title: ScreenedText
    summary: ScreenedText
    body: ScreenedText
    legal_basis: ScreenedText | None = None
    what_worked: ScreenedText | None = None
    what_did_not: ScreenedText | None = None
    translations: list[PracticeTranslationV1] = Field(max_length=15)
    attachments: list[AttachmentRefV1] = Field(max_length=50)
    created_at: datetime = Field(description="When the practice was first written (UTC).")
    published_at: datetime = Field(description="When this revision was approved (UTC).")

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.broadcast.exchange.practice.{practice}.r{revision}``."""
        return "shared.{node}.broadcast.exchange.practice.{practice}.r{revision}"

    def subject_params(self) -> dict[str, str]:
        """The practice and its revision."""
        return {"practice": self.practice, "revision": str(self.revision)}

    def producer(self) -> str:
        """The exchange service."""
        return "exchange"


class ContributionPublished(SharedEvent):
    """An endorsement or a comment on a practice, approved by four eyes and screened."""

    event_name: ClassVar[str] = "broadcast.exchange.contribution.published"
    once_per_subject: ClassVar[bool] = True

    node: SubjectToken = Field(description="The node it was written at.", examples=["pl"])
    contribution: HexId
    practice: HexId
    kind: Literal["endorsement", "comment"]
    endorsement: Literal["adopted", "adapted", "did_not_work"] | None = None
    role: Code = Field(description="The author's role, never a person.")
    country: CountryCode
    language: Code | None = None
    text: ScreenedText | None = None
    created_at: datetime
    published_at: datetime

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.broadcast.exchange.contribution.{contribution}``."""
        return "shared.{node}.broadcast.exchange.contribution.{contribution}"

    def subject_params(self) -> dict[str, str]:
        """The contribution."""
        return {"contribution": self.contribution}

    def producer(self) -> str:
        """The exchange service."""
        return "exchange"


class AttachmentChunkPublished(SharedEvent):
    """A piece of an approved revision's attachment: the receiving node joins the pieces,
    checks the SHA-256, the size and the type the content shows, and serves the attachment."""

    event_name: ClassVar[str] = "broadcast.exchange.attachment.chunk"
    once_per_subject: ClassVar[bool] = True

    node: SubjectToken = Field(description="The practice's origin node.", examples=["se"])
    practice: HexId
    sha256: Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)] = Field(
        description="SHA-256 of the whole attachment (64 hex digits).",
        examples=["2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"],
    )
    media_type: Literal["application/pdf", "text/plain", "image/png", "image/jpeg"]
    size: int = Field(ge=1, le=MAX_ATTACHMENT_BYTES, description="The whole attachment's size.")
    index: int = Field(ge=0, description="This piece's place, from 0.")
    count: int = Field(ge=1, le=MAX_CHUNKS, description="How many pieces there are.")
    data: ScreenedBytes
    published_at: datetime = Field(description="When the revision it came with was approved.")

    @classmethod
    def subject_template(cls) -> str:
        """``shared.{node}.broadcast.exchange.attachment.{practice}.{digest}.c{index}``."""
        return "shared.{node}.broadcast.exchange.attachment.{practice}.{digest}.c{index}"

    def subject_params(self) -> dict[str, str]:
        """The practice, the attachment and the piece."""
        return {"practice": self.practice, "digest": self.sha256, "index": str(self.index)}

    def producer(self) -> str:
        """The exchange service."""
        return "exchange"
