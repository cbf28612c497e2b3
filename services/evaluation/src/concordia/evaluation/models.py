"""Tables of the evaluation service.

What it learns from the ledger's and registry's local events (``known_*``: no names, no persons)
beside what it records itself: evaluators (names encrypted with the node key), declared
conflicts of interest, draws and assignments, assessments and award panels. Every record it
writes carries its ``owner`` (the token's ``Principal.owner``; conflicts and assessments: the
evaluator's): a token reads its owner's records only, unless it holds ``evaluation:admin``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from concordia.core.db import ServiceTables, new_metadata
from concordia.kit.shapes import OwnedRecord, ParticipantCounts, UuidKey


class Base(ServiceTables, DeclarativeBase):
    """Declarative base bound to the evaluation service's own MetaData."""

    metadata = new_metadata()
    type_annotation_map = {**ServiceTables.type_annotation_map, Decimal: Numeric(18, 2)}


class KnownOrganisation(UuidKey, Base):
    """An organisation the registry announced: codes only (groups, regions), no members."""

    __tablename__ = "known_organisations"

    identifier: Mapped[str] = mapped_column(String(96))
    type: Mapped[str] = mapped_column(String(32))
    represents: Mapped[list[Any]]
    regions_of_focus: Mapped[list[Any]]
    version: Mapped[int]
    removed: Mapped[bool] = mapped_column(default=False)


class KnownGrant(UuidKey, Base):
    """A grant the ledger announced; ``feed_seq`` orders its changes (an older one is ignored)."""

    __tablename__ = "known_grants"

    donor_id: Mapped[uuid.UUID] = mapped_column(index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    purpose: Mapped[str | None] = mapped_column(String(32))
    horizon: Mapped[str | None] = mapped_column(String(8))
    goals: Mapped[list[Any]]
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    feed_seq: Mapped[int] = mapped_column(BigInteger)
    withdrawn: Mapped[bool] = mapped_column(default=False)


class KnownTransaction(UuidKey, Base):
    """A grant's transaction, in EUR as the ledger converted it (None: no rate then)."""

    __tablename__ = "known_transactions"
    __table_args__ = (Index("ix_known_transactions_grant_date", "grant_id", "value_date"),)

    grant_id: Mapped[uuid.UUID]
    type: Mapped[int] = mapped_column(SmallInteger)
    amount_eur: Mapped[Decimal | None]
    value_date: Mapped[date] = mapped_column(Date, index=True)


class KnownActivity(UuidKey, ParticipantCounts, Base):
    """An activity a grant funds: dates, kind and participant counts."""

    __tablename__ = "known_activities"

    grant_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date, index=True)
    version: Mapped[int]


class KnownPermit(UuidKey, Base):
    """A permit the registry announced, reduced to what the plurality indicators count: no
    person, no track, no dates but the day it counts from; whether its holder is in a
    vulnerable group (one bit, as the event says) and how many family members it covers."""

    __tablename__ = "known_permits"

    status: Mapped[str] = mapped_column(String(16))
    #: The day it was granted: its first valid day, else the day the registry said "granted".
    granted_on: Mapped[date | None] = mapped_column(Date, index=True)
    holder_vulnerable: Mapped[bool]
    family_members_covered: Mapped[int]
    version: Mapped[int]


class Evaluator(UuidKey, OwnedRecord, Base):
    """An independent expert; the name is personal data, encrypted with the node key."""

    __tablename__ = "evaluators"
    #: A token is its owner and its name, so an account is unique per owner: an agency's token
    #: may share a name with the operator's, and neither blocks (or reveals) the other.
    __table_args__ = (UniqueConstraint("owner", "account"),)

    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    #: The name of the token the evaluator scores with (with ``owner``, that token).
    account: Mapped[str] = mapped_column(String(128))
    expertise: Mapped[list[Any]]
    languages: Mapped[list[Any]]
    european: Mapped[bool]
    active: Mapped[bool] = mapped_column(default=True)


class Conflict(UuidKey, Base):
    """A declared relationship of an evaluator with an organisation or a donor."""

    __tablename__ = "conflicts"

    evaluator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluators.id"), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    donor_id: Mapped[uuid.UUID | None]
    relationship: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(128))
    declared_at: Mapped[datetime]


class Draw(UuidKey, OwnedRecord, Base):
    """A random draw of assessors: the seed and the eligible list let anyone re-run it."""

    __tablename__ = "draws"

    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[uuid.UUID]
    period: Mapped[str] = mapped_column(String(8))
    seed: Mapped[str] = mapped_column(String(64))
    eligible: Mapped[list[Any]]
    drawn: Mapped[list[Any]]


class Assignment(UuidKey, OwnedRecord, Base):
    """One drawn assessor for one item (a grant or an organisation) and period."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("item_type", "item_id", "period", "evaluator_id"),
        Index("ix_assignments_item", "item_type", "item_id", "period"),
    )

    draw_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("draws.id"))
    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[uuid.UUID]
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    period: Mapped[str] = mapped_column(String(8))
    evaluator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluators.id"), index=True)


class Assessment(UuidKey, OwnedRecord, Base):
    """An assessor's scores (0-4) with written evidence on the five criteria."""

    __tablename__ = "assessments"

    assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assignments.id"), unique=True)
    evaluator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evaluators.id"))
    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[uuid.UUID]
    organisation_id: Mapped[uuid.UUID | None]
    period: Mapped[str] = mapped_column(String(8), index=True)
    standards: Mapped[int] = mapped_column(SmallInteger)
    knowledge: Mapped[int] = mapped_column(SmallInteger)
    inside_support: Mapped[int] = mapped_column(SmallInteger)
    relevance: Mapped[int] = mapped_column(SmallInteger)
    impact: Mapped[int] = mapped_column(SmallInteger)
    evidence: Mapped[dict[str, Any]]


class Panel(UuidKey, OwnedRecord, Base):
    """The panel that decided a research or media grant's award."""

    __tablename__ = "panels"

    grant_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    members: Mapped[list[Any]]
    decided_on: Mapped[date] = mapped_column(Date)
