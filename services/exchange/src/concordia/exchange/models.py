"""Tables of the exchange: practices, their revisions, endorsements, comments, attachments.

A practice's id is the same at every node (made at its origin), so a replica is the same row
everywhere. ``practice_search`` holds the stemmed text of each practice's served revision; the
migration indexes it with SQLite FTS5 or PostgreSQL full-text search (see ``search``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from concordia.core.db import SeqId, ServiceTables, new_metadata
from concordia.kit.shapes import OwnedRecord, UuidKey

#: Tables the migration makes outside the models (SQLite FTS5 and its shadow tables).
FTS_TABLES: frozenset[str] = frozenset(
    f"practice_fts{suffix}" for suffix in ("", "_data", "_idx", "_docsize", "_config", "_content")
)


class Base(ServiceTables, DeclarativeBase):
    """Declarative base bound to the exchange's own MetaData."""

    metadata = new_metadata()
    metadata.info["unmapped_tables"] = FTS_TABLES
    #: PostgreSQL keeps the stemmed text's tsvector in a generated column with a GIN index, a
    #: type and an index the models (shared with SQLite) cannot state.
    metadata.info["unmapped_indexes"] = frozenset({"ix_practice_search_tsv"})
    metadata.info["unmapped_columns"] = frozenset({("practice_search", "stemmed_tsv")})


class Practice(UuidKey, Base):
    """A practice: where it comes from, who owns it, its workflow and served revision."""

    __tablename__ = "practices"
    __table_args__ = (Index("ix_practices_topic_country", "topic", "country"),)

    #: The node it was written at; only there can it be edited.
    origin: Mapped[str] = mapped_column(String(8), index=True)
    owner: Mapped[str] = mapped_column(String(128))
    workflow: Mapped[str] = mapped_column(String(16), index=True)
    #: The newest revision (the ETag); ``published_revision`` the newest approved one.
    revision: Mapped[int]
    published_revision: Mapped[int | None]
    #: Denormalised from the served revision, for filters and facets.
    topic: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(8))
    languages: Mapped[list[Any]]
    standing: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Revision(UuidKey, Base):
    """One revision of a practice: every edit is a new one, none is ever changed but its state."""

    __tablename__ = "practice_revisions"
    __table_args__ = (UniqueConstraint("practice_id", "number"),)

    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    #: draft, in_review, published (approved), superseded (an edit replaced it before approval).
    state: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]]
    author_token: Mapped[str | None] = mapped_column(String(32))
    author_owner: Mapped[str | None] = mapped_column(String(128))
    approver_token: Mapped[str | None] = mapped_column(String(32))
    approver_owner: Mapped[str | None] = mapped_column(String(128))
    override_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]


class Contribution(UuidKey, Base):
    """An endorsement or a comment on a practice, by a role and a country, never a person."""

    __tablename__ = "contributions"

    #: No foreign key: a replicated comment may arrive before its practice does.
    practice_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))  # endorsement | comment
    endorsement: Mapped[str | None] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    origin: Mapped[str] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # pending | published
    owner: Mapped[str] = mapped_column(String(128))
    author_token: Mapped[str | None] = mapped_column(String(32))
    approver_token: Mapped[str | None] = mapped_column(String(32))
    override_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


class Attachment(OwnedRecord, Base):
    """A file of a practice, addressed by the SHA-256 of its content."""

    __tablename__ = "attachments"

    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    #: Extracted text for the screen; None when none could be extracted (it cannot leave then).
    text: Mapped[str | None] = mapped_column(Text)


class Blob(Base):
    """Attachment content, stored once per SHA-256 however many practices carry it."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AttachmentPart(Base):
    """A piece of another node's attachment, kept until every piece is in and it is joined."""

    __tablename__ = "attachment_parts"

    #: No foreign key: pieces may arrive before their practice's revision.
    practice_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    index: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    origin: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    published_at: Mapped[datetime]


class PracticeSearch(Base):
    """The stemmed words of a practice's served revision, indexed for full-text search."""

    __tablename__ = "practice_search"

    seq: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), unique=True
    )
    stemmed: Mapped[str] = mapped_column(Text)


class PracticeLanguage(Base):
    """A language a practice can be read in (its own or a translation's), for filters and facets."""

    __tablename__ = "practice_languages"

    practice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)
