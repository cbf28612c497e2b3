"""Tables of the hub. Nothing personal: only what the shared event models can carry."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from concordia.core.db import SeqId, ServiceTables, new_metadata
from concordia.kit.shapes import Prose, numbered, part_of

#: A country's node (``se``), as the nodes directory names it; also its NATS account.
NodeCode = Annotated[str, mapped_column(String(8))]
#: A name out of a shared event: a service, a table, a measure, a version, an event's id.
Name = Annotated[str, mapped_column(String(64))]
#: A period of the workspace and of the overlap rounds: a quarter (``2026-Q4``).
Period = Annotated[str, mapped_column(String(16))]
#: A workspace record's key: a UUID as text.
RecordId = Annotated[str, mapped_column(String(36))]
#: Who acted in the workspace: a member (``state:se``, ``donor:<name>``) or the operator.
Actor = Annotated[str, mapped_column(String(80))]


class Base(ServiceTables, DeclarativeBase):
    """Declarative base bound to the hub's own MetaData."""

    metadata = new_metadata()


class Node(Base):
    """A country known from the nodes directory; kept after its file goes (history stays)."""

    __tablename__ = "nodes"

    code: Mapped[NodeCode] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(128))
    first_seen_at: Mapped[datetime]
    last_report_at: Mapped[datetime | None]


class ServiceStatus(Base):
    """The newest status report of one service of one node."""

    __tablename__ = "service_status"

    node: Mapped[NodeCode] = mapped_column(primary_key=True)
    service: Mapped[Name] = mapped_column(primary_key=True)
    charter_version: Mapped[Name]
    charter_revision: Mapped[int]
    outbox_pending: Mapped[int]
    sent_at: Mapped[datetime]
    received_at: Mapped[datetime]
    #: The newest charter it refused (``CharterRefusal`` as JSON), or None.
    charter_refused: Mapped[dict[str, Any] | None]
    #: The newest decision log entry it holds in order; None: it does not follow decisions.
    decisions_held: Mapped[int | None]
    #: The node's signature of that report (``NodeSignature`` as JSON), or None.
    signature: Mapped[dict[str, Any] | None]
    #: Whether the signature was checked against the hub's directory and holds.
    signature_verified: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A signed charter revision it holds until its effective day, or None.
    charter_pending: Mapped[int | None]


class Snapshot(Base):
    """One version of one aggregate of one node, exactly as received; never edited or deleted."""

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("node", "service", "aggregate", "period", "version"),
        Index("ix_snapshots_node_received_at", "node", "received_at"),  # the daily quota
    )

    id: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    node: Mapped[NodeCode]
    service: Mapped[Name]
    aggregate: Mapped[Name]
    period: Mapped[Name]
    version: Mapped[int]
    measure: Mapped[Name]
    charter_version: Mapped[Name]
    payload: Mapped[dict[str, Any]]
    event_id: Mapped[Name]
    published_at: Mapped[datetime]
    received_at: Mapped[datetime]
    #: Whether the node's signature (in ``payload``) was checked against the hub's directory.
    signature_verified: Mapped[bool] = mapped_column(default=False, server_default=false())


class Refusal(Base):
    """A message the hub refused (a country speaking for another...): reason only, no payload."""

    __tablename__ = "refusals"

    id: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    account: Mapped[NodeCode] = mapped_column(index=True)
    reason: Mapped[Name]
    event_id: Mapped[Name]
    at: Mapped[datetime]


class Charter(Base):
    """One revision of the coalition charter; the highest revision is current."""

    __tablename__ = "charters"

    revision: Mapped[int] = numbered()
    version: Mapped[Name] = mapped_column(unique=True)
    effective: Mapped[date]
    #: ``CharterPublished`` without its signatures: what the members sign.
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    #: The member states' signatures (``MemberSignature`` as JSON), as relayed to the nodes.
    signatures: Mapped[list[Any]] = mapped_column(server_default="[]")
    #: When m members had signed it: adopted from then on (None: a proposal).
    signed_at: Mapped[datetime | None]


class OverlapOutcome(Base):
    """How one PSI run between two nodes ended: a count or a decline code, never identifiers."""

    __tablename__ = "overlap_outcomes"

    run_id: Mapped[Name] = mapped_column(primary_key=True)
    period: Mapped[Period] = mapped_column(index=True)
    purpose: Mapped[Name]
    client: Mapped[NodeCode]
    server: Mapped[NodeCode]
    status: Mapped[str] = mapped_column(String(16))
    count: Mapped[int | None]
    declined_by: Mapped[NodeCode | None]
    reason: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime]


class LibraryPractice(Base):
    """The coalition's library: the newest revision of every practice a node broadcast.

    Its text was approved by four eyes and screened at its origin before it left (the only
    shared events with free text); the hub keeps a copy as it relays it, for the dashboard.
    """

    __tablename__ = "library_practices"

    practice: Mapped[Name] = mapped_column(primary_key=True)
    origin: Mapped[NodeCode] = mapped_column(index=True)
    revision: Mapped[int]
    topic: Mapped[Name] = mapped_column(index=True)
    standing: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(8))
    tags: Mapped[list[Any]]
    title: Mapped[Prose]
    summary: Mapped[Prose]
    body: Mapped[Prose]
    legal_basis: Mapped[Prose | None]
    what_worked: Mapped[Prose | None]
    what_did_not: Mapped[Prose | None]
    published_at: Mapped[datetime]
    received_at: Mapped[datetime]


# --- the coordination group's workspace (nothing personal: members act in a role) ---------------


class Commitment(Base):
    """What a member state or donor commits to for a period; each change is a new revision."""

    __tablename__ = "commitments"

    id: Mapped[RecordId] = mapped_column(primary_key=True)
    #: The member who made it: ``state:se`` or ``donor:<name>`` (the token's owner).
    member: Mapped[Actor] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[Period] = mapped_column(index=True)
    #: The node whose aggregates track it; None: the coalition's totals.
    node: Mapped[NodeCode | None]
    measure: Mapped[str] = mapped_column(String(32))
    dimension: Mapped[str | None] = mapped_column(String(32))
    level: Mapped[Name | None]
    target: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    note: Mapped[Prose | None]
    withdrawn: Mapped[bool]
    revision: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CommitmentRevision(Base):
    """One revision of a commitment, as it was (its history)."""

    __tablename__ = "commitment_revisions"

    commitment_id: Mapped[str] = part_of("commitments")
    revision: Mapped[int] = numbered()
    payload: Mapped[dict[str, Any]]
    changed_by: Mapped[Actor]
    at: Mapped[datetime]


class AgendaItem(Base):
    """Something the coordination group should look at: raised by a signal or by a member."""

    __tablename__ = "agenda_items"

    id: Mapped[RecordId] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    #: What raised it (a signal and its subject); unique, so a persisting signal raises once.
    signal_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    title: Mapped[Prose]
    period: Mapped[Period | None]
    #: The aggregate versions and indicator values behind it.
    evidence: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), index=True)
    raised_by: Mapped[Actor]
    raised_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AgendaComment(Base):
    """A comment on an agenda item by a member's representative or an expert (advisory)."""

    __tablename__ = "agenda_comments"

    id: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[Actor]
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[Prose]
    at: Mapped[datetime]


class Decision(Base):
    """How the group closed an agenda item: what, why, who acts, by when."""

    __tablename__ = "decisions"

    id: Mapped[RecordId] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("agenda_items.id"), unique=True)
    decided: Mapped[Prose]
    rationale: Mapped[Prose]
    period: Mapped[Period | None]
    concerns: Mapped[list[Any]]
    due: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(24))
    #: The charter revision it adopts, as proposed; in force once the members have signed it.
    charter_version: Mapped[Name | None]
    charter_payload: Mapped[dict[str, Any] | None]
    #: The member states' signatures of the decision (``MemberSignature`` as JSON).
    signatures: Mapped[list[Any]] = mapped_column(server_default="[]")
    decided_by: Mapped[Actor]
    decided_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DecisionFollowUp(Base):
    """One follow-up action of a decision, tracked to done."""

    __tablename__ = "decision_follow_ups"

    decision_id: Mapped[str] = part_of("decisions")
    number: Mapped[int] = numbered()
    action: Mapped[Prose]
    actor: Mapped[Actor]
    due: Mapped[date | None]
    done_at: Mapped[datetime | None]
    done_by: Mapped[Actor | None]


class DecisionLogEntry(Base):
    """The decision log the nodes follow: a decision as it stood after each change."""

    __tablename__ = "decision_log"

    seq: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    decision_id: Mapped[RecordId] = mapped_column(index=True)
    #: The nodes it concerns (empty: every node).
    concerns: Mapped[list[Any]]
    #: ``CoalitionDecisionPublished`` without ``seq`` and ``previous``.
    payload: Mapped[dict[str, Any]]
    at: Mapped[datetime]


class SecureRelease(Base):
    """One release of a secure table (``concordia.secagg``): the coalition total, never a node's.

    ``phase`` ``count``: ``values`` holds how many nodes populate each cell (nodes, not people);
    ``sum``: the totals of the cells opened (at least 3 contributing nodes) after the
    coalition-level rules, as ``[{"key": [...], "value": ..., "suppressed": ...}]``. ``release``
    is the statement every survivor signed and their signatures: the table's append-only log,
    sent back to the nodes with every round.
    """

    __tablename__ = "secure_releases"
    __table_args__ = (UniqueConstraint("service", "aggregate", "period", "phase"),)

    seq: Mapped[int] = mapped_column(SeqId, primary_key=True, autoincrement=True)
    release_id: Mapped[Name] = mapped_column(unique=True)
    service: Mapped[Name]
    aggregate: Mapped[Name] = mapped_column(index=True)
    period: Mapped[Name]
    phase: Mapped[NodeCode]
    round_id: Mapped[Name]
    measure: Mapped[Name]
    dimension: Mapped[Name]
    roster: Mapped[list[Any]]
    survivors: Mapped[list[Any]]
    cells: Mapped[list[Any]]
    values: Mapped[list[Any]]
    epsilon: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    sensitivity: Mapped[int]
    release: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
