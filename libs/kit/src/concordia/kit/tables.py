"""The tables the libraries own, on one MetaData, migrated once by the kit's Alembic branch.

Every service database holds them (outbox and relay lease, inbox, idempotency keys, the log
of sync runs, published aggregates with their release contributions, applied charters, the
coalition's decisions, the secure-aggregation participant's state).
Services import the stores from here; their own ``models.py`` holds only their domain tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.bulk import IdempotencyStore, SyncRunLog
from concordia.core.db import Database, new_metadata
from concordia.events import (
    AggregateSnapshotPublished,
    CharterStore,
    DecisionStore,
    Draft,
    Inbox,
    Outbox,
    Publisher,
    SnapshotStore,
)
from concordia.kit._secure_state import SecureStateStore

metadata = new_metadata()
outbox = Outbox(metadata)
inbox = Inbox(metadata)
idempotency = IdempotencyStore(metadata)
sync_runs = SyncRunLog(metadata)
snapshots = SnapshotStore(metadata)
charters = CharterStore(metadata)
decisions = DecisionStore(metadata)
#: Secure aggregation at the node: rounds, release log, epsilon ledger (``concordia.kit.secure``).
secure_state = SecureStateStore(metadata)

T = TypeVar("T")


async def publish_aggregates(
    db: Database, node: str, service: str, *, k: int, charter_version: str,
    sign: Callable[[AggregateSnapshotPublished], AggregateSnapshotPublished] | None,
    gather: Callable[[AsyncSession], Awaitable[T]], protect: Callable[[T], Sequence[Draft]],
    secure: frozenset[str], at: datetime,
    fingerprint: Callable[[AsyncSession], Awaitable[object]] | None = None,
) -> list[AggregateSnapshotPublished]:  # fmt: skip
    """Publish a service's tables (``Publisher.publish``) into ``snapshots``, each release
    written to ``outbox`` in the round's unit of work.

    ``secure``: tables the nodes compute by secure aggregation (or that carry a secure table's
    figures); they are never published per node, whatever ``protect`` drafts.
    """

    async def emit(session: AsyncSession, events: list[AggregateSnapshotPublished]) -> None:
        await outbox.add_many(session, events, node=node)

    publisher = Publisher(
        db, snapshots, node=node, service=service, k=k, charter_version=charter_version,
        emit=emit, sign=sign,
    )  # fmt: skip
    return await publisher.publish(
        gather=gather,
        protect=lambda rows: [d for d in protect(rows) if d.name not in secure],
        at=at,
        fingerprint=fingerprint,
    )
