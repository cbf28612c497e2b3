"""The registry's outbox, inbox, idempotency and snapshot tables, on the registry's own MetaData."""

from __future__ import annotations

from concordia.core.bulk import IdempotencyStore
from concordia.events import Inbox, Outbox, SnapshotStore
from concordia.registry.models import Base

outbox = Outbox(Base.metadata)
inbox = Inbox(Base.metadata)
idempotency = IdempotencyStore(Base.metadata)
snapshots = SnapshotStore(Base.metadata)
