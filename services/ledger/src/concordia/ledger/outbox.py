"""The ledger's outbox, inbox, idempotency and snapshot tables, on the ledger's own MetaData."""

from __future__ import annotations

from concordia.core.bulk import IdempotencyStore
from concordia.events import Inbox, Outbox, SnapshotStore
from concordia.ledger.models import Base

outbox = Outbox(Base.metadata)
inbox = Inbox(Base.metadata)
idempotency = IdempotencyStore(Base.metadata)
snapshots = SnapshotStore(Base.metadata)
