"""What the hub does with each message of a country: keep snapshots and status, refuse the rest.

A country's account can only carry ``shared.<code>.>``; a payload naming another node is refused
(a country cannot speak for another), recorded with its reason and event id, never its content.
So is what no honest node sends: a count outside 0..10^7 or an amount outside 0..10^12 EUR or
with more than two decimals (one node must not poison coalition totals), a dimension or code
outside the charter's code lists, and snapshots beyond the node's daily quota. A snapshot or
status report whose node signature does not hold against the hub's directory is refused too
(``concordia.hub.signatures``); a valid signature is kept with it, marked verified.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time

from nats.aio.msg import Msg
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.db import Database
from concordia.events import (
    AggregateSnapshotPublished,
    CharterPublished,
    Envelope,
    Event,
    Handler,
    ServiceStatusReported,
    out_of_range,
)
from concordia.events.aggregates import ALL
from concordia.hub.charter import current
from concordia.hub.models import Node, Refusal, ServiceStatus, Snapshot
from concordia.hub.signatures import SignatureCheck

log = logging.getLogger(__name__)


def ingest_handler(
    code: str, *, snapshots_per_day: int | None = None, signatures: SignatureCheck | None = None
) -> Handler:
    """The consumer handler for the account of country ``code``; ``None``: no daily quota.

    ``signatures``: how node signatures are checked (default: kept as sent, unchecked).
    """
    check = signatures or SignatureCheck()

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
        verdict = check.judge(event)
        if verdict.refusal is not None:
            await refuse(session, code, verdict.refusal, envelope.id)
            return
        now = datetime.now(UTC)
        if isinstance(event, AggregateSnapshotPublished):
            reason = inadmissible(event, await current(session=session))
            if reason is not None:
                await refuse(session, code, reason, envelope.id)
                return
            await _snapshot(
                session, code, event, envelope, now, snapshots_per_day, verdict.verified
            )
        else:
            await _status(session, event, now, verdict.verified)
        sent = min(envelope.time, now)  # a node clock ahead of ours does not make it "future"
        await session.execute(
            update(Node)
            .where(Node.code == code)
            .where((Node.last_report_at.is_(None)) | (Node.last_report_at < sent))
            .values(last_report_at=sent)
        )

    return handle


OnTerminated = Callable[[Msg, BaseException], Awaitable[None]]


def unparseable_recorder(db: Database, code: str) -> OnTerminated:
    """Records a message of ``code`` the consumer could not parse (e.g. a value beyond a float)."""

    async def record(msg: Msg, _exc: BaseException) -> None:
        event_id = (msg.headers or {}).get("Nats-Msg-Id", "")[:64]
        async with db.unit_of_work() as session:
            await refuse(session, code, "unparseable", event_id)

    return record


def inadmissible(event: AggregateSnapshotPublished, charter: CharterPublished) -> str | None:
    """Why no honest node would send ``event`` under ``charter``, or None."""
    cells = (*event.cells, *event.margins)
    for cell in cells:
        if (why := out_of_range(cell)) is not None:
            return why
    lists = {c.dimension: frozenset(c.codes) for c in charter.code_lists}
    for position, dimension in enumerate(event.dimensions):
        codes = lists.get(dimension)
        if codes is None:
            return "unknown_dimension"
        if any(c.key[position] != ALL and c.key[position] not in codes for c in cells):
            return "code_outside_code_list"
    return None


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
    per_day: int | None,
    verified: bool,
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
    if per_day is not None:
        # Counted by arrival (the hub's clock): a node cannot backdate its way past the quota.
        midnight = datetime.combine(now.date(), time(0), tzinfo=UTC)
        today = await session.scalar(
            select(func.count())
            .select_from(Snapshot)
            .where(Snapshot.node == code, Snapshot.received_at >= midnight)
        )
        if (today or 0) >= per_day:
            await refuse(session, code, "quota_exceeded", envelope.id)
            return
    session.add(
        Snapshot(
            node=event.node, service=event.service, aggregate=event.aggregate,
            period=event.period, version=event.version, measure=event.measure,
            charter_version=event.charter_version, payload=payload, event_id=envelope.id,
            published_at=envelope.time, received_at=now, signature_verified=verified,
        )
    )  # fmt: skip


async def _status(
    session: AsyncSession, event: ServiceStatusReported, now: datetime, verified: bool
) -> None:
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
    refused = event.charter_refused
    row.charter_refused = None if refused is None else refused.model_dump(mode="json")
    row.decisions_held = event.decisions_held
    signature = event.signature
    row.signature = None if signature is None else signature.model_dump(mode="json")
    row.signature_verified = verified
    row.charter_pending = event.charter_pending
    row.sent_at = sent
    row.received_at = now
