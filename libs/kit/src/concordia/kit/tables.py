"""The tables the libraries own, on one MetaData, migrated once by the kit's Alembic branch.

Every service database holds them (outbox and relay lease, inbox, idempotency keys, the log
of sync runs, published aggregates with their release contributions, applied charters, the
coalition's decisions, the secure-aggregation participant's state).
Services import the stores from here; their own ``models.py`` holds only their domain tables.
"""

from __future__ import annotations

from concordia.core.bulk import IdempotencyStore, SyncRunLog
from concordia.core.db import new_metadata
from concordia.events import CharterStore, DecisionStore, Inbox, Outbox, SnapshotStore
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
