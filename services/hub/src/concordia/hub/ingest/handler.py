"""What the hub does with each message of a country: keep snapshots and status, refuse the rest.

A country's account can only carry ``shared.<code>.>``; a payload naming another node is refused
(a country cannot speak for another), recorded with its reason and event id, never its content.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.events import (
    AggregateSnapshotPublished,
    Envelope,
    Event,
    Handler,
    ServiceStatusReported,
)
from concordia.hub.models import Node, Refusal, ServiceStatus, Snapshot

log = logging.getLogger(__name__)


def ingest_handler(code: str) -> Handler:
    """The consumer handler for the account of country ``code``."""

    async def handle(session: AsyncSession, envelope: Envelope[Event]) -> None:
        event = envelope.data
        if not isinstance(event, AggregateSnapshotPublished | ServiceStatusReported):
            await refuse(session, code, "unexpected_type", envelope.id)
            return
        if event.node != code:
            await refuse(session, code, "foreign_node", envelope.id)
            return
        if event.subject(code) != envelope.subject:
            # The subject names the release (one per aggregate, period and version): a payload
            # claiming another would dodge the broker's one-message-per-subject guarantee.
            await refuse(session, code, "subject_mismatch", envelope.id)
            return
        now = datetime.now(UTC)
        if isinstance(event, AggregateSnapshotPublished):
            await _snapshot(session, code, event, envelope, now)
        else:
            await _status(session, event, now)
        sent = min(envelope.time, now)  # a node clock ahead of ours does not make it "future"
        await session.execute(
            update(Node)
            .where(Node.code == code)
            .where((Node.last_report_at.is_(None)) | (Node.last_report_at < sent))
            .values(last_report_at=sent)
        )

    return handle


async def refuse(session: AsyncSession, code: str, reason: str, event_id: str) -> None:
    """Record a refused message (reason and id only) and log it without its payload."""
    log.warning("message refused", extra={"node": code, "reason": reason, "event_id": event_id})
    session.add(Refusal(account=code, reason=reason, event_id=event_id, at=datetime.now(UTC)))


async def _snapshot(
    session: AsyncSession,
    code: str,
    event: AggregateSnapshotPublished,
    envelope: Envelope[Event],
    now: datetime,
) -> None:
    payload = event.model_dump(mode="json")
    existing = await session.scalar(
        select(Snapshot.payload).where(
            Snapshot.node == event.node,
            Snapshot.service == event.service,
            Snapshot.aggregate == event.aggregate,
            Snapshot.period == event.period,
            Snapshot.version == event.version,
        )
    )
    if existing is not None:
        # The same release sent again under a new event id counts once; a different content
        # under a taken version is a node bug: the first stays, the second is refused.
        if existing != payload:
            await refuse(session, code, "conflicting_version", envelope.id)
        return
    session.add(
        Snapshot(
            node=event.node, service=event.service, aggregate=event.aggregate,
            period=event.period, version=event.version, measure=event.measure,
            charter_version=event.charter_version, payload=payload, event_id=envelope.id,
            published_at=envelope.time, received_at=now,
        )
    )  # fmt: skip


async def _status(session: AsyncSession, event: ServiceStatusReported, now: datetime) -> None:
    # A node clock ahead of ours must not make a report "future": it would hide every later one
    # and keep a dead service looking fresh.
    sent = min(event.sent_at, now)
    row = await session.get(ServiceStatus, (event.node, event.service))
    if row is None:
        row = ServiceStatus(node=event.node, service=event.service)
        session.add(row)
    elif row.sent_at >= sent:
        return  # an older report delivered late changes nothing
    row.charter_version = event.charter_version
    row.charter_revision = event.charter_revision
    row.outbox_pending = event.outbox_pending
    row.sent_at = sent
    row.received_at = now
