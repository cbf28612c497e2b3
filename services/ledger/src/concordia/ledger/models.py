"""Tables of the ledger.

The funding feed reads grants in ``feed_seq`` order: every change of a grant or of its
transactions moves the grant to a new, higher ``feed_seq`` (unique, indexed), so a keyset page
is one index range scan however deep the cursor, and a reader sees every change exactly once in
commit order (see ``service/_common.py``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from concordia.core.auth import OPERATOR
from concordia.core.db import ScaledDecimal, SeqId, ServiceTables, new_metadata
from concordia.kit.shapes import ParticipantCounts, Tracked, UuidKey

Money = ScaledDecimal(18, 2)
RateValue = ScaledDecimal(18, 8)


class Base(ServiceTables, DeclarativeBase):
    """Declarative base bound to the ledger's own MetaData."""

    metadata = new_metadata()


class Donor(UuidKey, Tracked, Base):
    """A government programme, foundation or multilateral that funds grants."""

    __tablename__ = "donors"

    #: Whose record it is (``donor:...`` or the node's operator): its grants are theirs too.
    owner: Mapped[str] = mapped_column(String(64), index=True, server_default=OPERATOR)
    identifier: Mapped[str] = mapped_column(String(96), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(2))


class KnownOrganisation(UuidKey, Base):
    """An organisation the registry announced (its local events); removed ones stay, marked."""

    __tablename__ = "known_organisations"

    identifier: Mapped[str] = mapped_column(String(96), index=True)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(32))
    registration_country: Mapped[str] = mapped_column(String(2))
    version: Mapped[int]
    removed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class KnownPerson(UuidKey, Base):
    """A person the registry announced: the id only. Erased persons stay, marked, so no new
    grant can name them."""

    __tablename__ = "known_persons"

    version: Mapped[int]
    erased_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class Grant(UuidKey, Base):
    """A donor's grant to an organisation or a person, keyed by the donor's ``external_id``."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("donor_id", "external_id"),)

    #: The donor's owner; the grant's transactions and activities are theirs through it.
    owner: Mapped[str] = mapped_column(String(64), index=True, server_default=OPERATOR)
    donor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("donors.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    #: ``organisation``, ``person``, or ``erased_individual`` once the person was erased.
    recipient_type: Mapped[str] = mapped_column(String(24))
    recipient_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("known_organisations.id"), index=True
    )
    recipient_person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("known_persons.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(32))
    horizon: Mapped[str] = mapped_column(String(8))
    goals: Mapped[list[Any]]
    gender_marker: Mapped[int] = mapped_column(SmallInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    visibility: Mapped[str] = mapped_column(String(16))
    #: Once a grant was visible to feed readers it stays in their feed: made restricted (or
    #: withdrawn) later, it appears as a tombstone, so portals drop their copy.
    ever_visible: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The same for portals that see only public grants (and for the IATI file).
    ever_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column(default=1)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    feed_seq: Mapped[int] = mapped_column(SeqId, unique=True)
    withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Transaction(UuidKey, Base):
    """An IATI transaction on a grant: an amount in a currency on a value date."""

    __tablename__ = "transactions"
    __table_args__ = (
        UniqueConstraint("grant_id", "external_id"),
        Index("ix_transactions_grant_id_value_date", "grant_id", "value_date"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grants.id"))
    external_id: Mapped[str | None] = mapped_column(String(128))
    type: Mapped[int] = mapped_column(SmallInteger)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    value_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Rate(Base):
    """EUR per one unit of ``currency`` from ``date`` on, until the next rate of that currency."""

    __tablename__ = "rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    rate: Mapped[Decimal] = mapped_column(RateValue)
    updated_at: Mapped[datetime]


class Activity(UuidKey, Tracked, ParticipantCounts, Base):
    """An event or programme a grant funds, with participants as counts, never names."""

    __tablename__ = "activities"

    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120))


#: Grants no feed reader sees take positions from here on (the ``hidden`` counter), so the
#: feed's own positions (the ``grants`` counter) count visible grants only: no gap betrays one.
HIDDEN_BASE = 2**62


class FeedCounter(Base):
    """The last ``feed_seq`` handed out, per counter (``grants``, ``hidden``). Its row lock
    orders feed positions by commit."""

    __tablename__ = "feed_counter"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(SeqId)


class OverlapRun(Base):
    """One private-set-intersection run this ledger took part in (for the rate limit and
    the record); keys are never stored."""

    __tablename__ = "overlap_runs"
    __table_args__ = (
        Index("ix_overlap_runs_peer_scope", "peer", "period", "purpose", "role", "created_at"),
    )

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))
    peer: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))
    #: ``requested`` (client, waiting), ``answered`` (server), ``counted``, ``declined``.
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    count: Mapped[int | None]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class OverlapMatch(Base):
    """One of this node's grantees that ``peer`` funds too for a period and purpose, as the
    latest counted run with that peer found (older runs' matches are replaced)."""

    __tablename__ = "overlap_matches"

    peer: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    identifier: Mapped[str] = mapped_column(String(96), primary_key=True, index=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("overlap_runs.run_id"), index=True)
    found_at: Mapped[datetime]
