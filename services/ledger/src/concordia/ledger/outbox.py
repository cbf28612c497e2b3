"""The ledger's outbox, inbox and idempotency tables, on the ledger's own MetaData."""

from __future__ import annotations

from concordia.core.bulk import IdempotencyStore
from concordia.events import Inbox, Outbox
from concordia.ledger.models import Base

outbox = Outbox(Base.metadata)
inbox = Inbox(Base.metadata)
idempotency = IdempotencyStore(Base.metadata)
