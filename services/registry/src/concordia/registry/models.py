"""Tables of the registry. Personal names live only as ciphertext; codes stay queryable."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from concordia.core.auth import OPERATOR
from concordia.core.db import SeqId, ServiceTables, new_metadata
from concordia.kit.shapes import Tracked, UuidKey


class Base(ServiceTables, DeclarativeBase):
    """Declarative base bound to the registry's own MetaData."""

    metadata = new_metadata()


def _owner() -> Mapped[str]:
    # Whose record it is: an agency (``agency:...``) or the node's operator. Records made before
    # owners existed belong to the operator.
    return mapped_column(String(64), index=True, server_default=OPERATOR)


class Person(UuidKey, Base):
    """A person at risk. Names are ciphertext; erasure nulls every personal column."""

    __tablename__ = "persons"
    #: An agency's case number identifies a person among that agency's records only. It is
    #: never stored as text: ``external_key`` is its keyed digest (HMAC under the node key, with
    #: the owner), by which it is found, and ``external_id_enc`` the value, encrypted.
    __table_args__ = (UniqueConstraint("owner", "external_key"),)

    owner: Mapped[str] = _owner()
    external_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    external_id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(default=1)
    digest: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    aliases_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    gender: Mapped[str | None] = mapped_column(String(16))
    ethnic_origin: Mapped[str | None] = mapped_column(String(16))
    national_minority: Mapped[str | None] = mapped_column(String(32))
    region_of_origin: Mapped[str | None] = mapped_column(String(8))
    profession_category: Mapped[str | None] = mapped_column(String(32))
    host_country: Mapped[str | None] = mapped_column(String(2))
    host_city_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    vulnerabilities: Mapped[list[Any] | None]
    risk_level: Mapped[str | None] = mapped_column(String(16))
    family: Mapped[list[Any] | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    erased_at: Mapped[datetime | None]
    #: Keyed digest of the agency's external id, kept after erasure so that the agency's next
    #: full sync does not quietly re-create the person it was asked to forget.
    erased_key: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)


class Organisation(UuidKey, Base):
    """An organisation of the exiled civil society, known by its standard identifier."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("owner", "external_id"),)

    owner: Mapped[str] = _owner()
    external_id: Mapped[str | None] = mapped_column(String(128))
    identifier: Mapped[str] = mapped_column(String(96), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    digest: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(32))
    focus: Mapped[list[Any]]
    languages: Mapped[list[Any]]
    #: Groups it represents (``RepresentedGroup`` codes) and the regions it works for.
    represents: Mapped[list[Any]] = mapped_column(server_default="[]")
    regions_of_focus: Mapped[list[Any]] = mapped_column(server_default="[]")
    registration_country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Membership(Base):
    """A person's role in an organisation."""

    __tablename__ = "memberships"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(64))
    since: Mapped[date | None] = mapped_column(Date)


class Permit(UuidKey, Tracked, Base):
    """A residence/work permit or visa of a person in a host state."""

    __tablename__ = "permits"
    __table_args__ = (Index("ix_permits_status_valid_to", "status", "valid_to"),)

    owner: Mapped[str] = _owner()
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    host_country: Mapped[str] = mapped_column(String(2))
    track: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    family_members_covered: Mapped[int] = mapped_column(default=0)


class Consent(UuidKey, Base):
    """A person's consent to one purpose of processing, and its withdrawal."""

    __tablename__ = "consents"

    owner: Mapped[str] = _owner()
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str] = mapped_column(String(64))
    given_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


class Change(Base):
    """The delta feed: one row per change, ordered by ``seq`` (the agencies' cursor)."""

    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    #: The changed record's owner: an agency's feed shows its own records only.
    owner: Mapped[str] = _owner()
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[uuid.UUID]
    #: An organisation's external id; a person's is read, decrypted, from the person.
    external_id: Mapped[str | None] = mapped_column(String(128))
    version: Mapped[int]
    op: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(server_default=func.now())


class AuditEntry(Base):
    """Who read or changed which person's record, when, and why (the X-Purpose header).

    Entries form a hash chain (``service/audit_chain.py``); on PostgreSQL a trigger refuses
    every UPDATE and DELETE of this table.
    """

    __tablename__ = "audit"

    seq: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    token_id: Mapped[str] = mapped_column(String(32))
    token_name: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    purpose: Mapped[str | None] = mapped_column(String(256))
    #: The calling token's owner (entries made before owners existed have none).
    owner: Mapped[str | None] = mapped_column(String(64))
    #: SHA-256 over the previous entry's hash and this entry's content.
    hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))


class ScreenLogEntry(Base):
    """One call of the screen: who, when, how many texts and matches (never the text)."""

    __tablename__ = "screen_log"
    __table_args__ = (Index("ix_screen_log_token_id_at", "token_id", "at"),)

    seq: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    token_id: Mapped[str] = mapped_column(String(32))
    token_name: Mapped[str] = mapped_column(String(128))
    texts: Mapped[int]
    matches: Mapped[int]
    purpose: Mapped[str | None] = mapped_column(String(256))
