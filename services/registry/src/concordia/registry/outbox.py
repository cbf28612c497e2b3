"""The registry's outbox, inbox, idempotency, snapshot and charter tables (own MetaData)."""

from __future__ import annotations

from concordia.core.bulk import IdempotencyStore
from concordia.events import CharterStore, Inbox, Outbox, SnapshotStore
from concordia.registry.models import Base

outbox = Outbox(Base.metadata)
inbox = Inbox(Base.metadata)
idempotency = IdempotencyStore(Base.metadata)
snapshots = SnapshotStore(Base.metadata)
charters = CharterStore(Base.metadata)
