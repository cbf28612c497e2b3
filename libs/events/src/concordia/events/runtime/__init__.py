"""The delivery runtime of Concordia's events: NATS links, outbox relay, inbox consumer, leases.

Everything here talks to NATS or a database (or both); the contracts it carries live one level
up in ``concordia.events`` and import neither, so any service or tool may read them.
"""

from __future__ import annotations

from concordia.events.runtime.broker import connect, ensure_stream
from concordia.events.runtime.charter_follower import CharterFollower, CharterStore
from concordia.events.runtime.consumer import Consumer, ConsumerMetrics, Handler, Outcome
from concordia.events.runtime.decision_follower import DecisionFollower, DecisionStore
from concordia.events.runtime.federation import NodeLinks
from concordia.events.runtime.inbox import AlreadyProcessedError, Inbox
from concordia.events.runtime.lease import Lease
from concordia.events.runtime.link import BrokerUnavailableError, NatsLink
from concordia.events.runtime.metrics import ConsumerCollector, RelayCollector
from concordia.events.runtime.outbox import EXPECTED_LAST_SUBJECT_SEQUENCE, Outbox
from concordia.events.runtime.pipeline import AckPipeline, Route
from concordia.events.runtime.relay import OutboxRelay, RelayMetrics
from concordia.events.runtime.snapshot_store import Released, SnapshotStore
from concordia.events.runtime.snapshots import (
    Draft,
    Publisher,
    consistent_totals,
    published_cells,
    quarter_bounds,
    quarter_of,
    run_publisher,
)
from concordia.events.runtime.streams import (
    LOCAL_RETENTION_SECONDS,
    SHARED_LIMITS,
    StreamSpec,
    broadcast_stream,
    country_stream,
    ensure_streams,
    inbound_stream,
    local_stream,
    shared_stream,
)

__all__ = [
    "EXPECTED_LAST_SUBJECT_SEQUENCE",
    "LOCAL_RETENTION_SECONDS",
    "SHARED_LIMITS",
    "AckPipeline",
    "AlreadyProcessedError",
    "BrokerUnavailableError",
    "CharterFollower",
    "CharterStore",
    "Consumer",
    "ConsumerCollector",
    "ConsumerMetrics",
    "DecisionFollower",
    "DecisionStore",
    "Draft",
    "Handler",
    "Inbox",
    "Lease",
    "NatsLink",
    "NodeLinks",
    "Outbox",
    "OutboxRelay",
    "Outcome",
    "Publisher",
    "RelayCollector",
    "RelayMetrics",
    "Released",
    "Route",
    "SnapshotStore",
    "StreamSpec",
    "broadcast_stream",
    "connect",
    "consistent_totals",
    "country_stream",
    "ensure_stream",
    "ensure_streams",
    "inbound_stream",
    "local_stream",
    "published_cells",
    "quarter_bounds",
    "quarter_of",
    "run_publisher",
    "shared_stream",
]
