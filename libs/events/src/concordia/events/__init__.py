"""Concordia's event contracts and their delivery: envelope, schemas, outbox relay, inbox.

Every event is a frozen pydantic model (``LocalEvent`` or ``SharedEvent``) registered under a
versioned type; its NATS subject is derived from the type. Services write events to an outbox in
the unit of work of their change; an ``OutboxRelay`` publishes them to JetStream; a ``Consumer``
applies them exactly once with an inbox. ``asyncapi_document()`` describes them all.
"""

from __future__ import annotations

from concordia.events import aggregates, hub, overlap, registry
from concordia.events._asyncapi import asyncapi_document
from concordia.events._charter import CharterFollower, CharterStore, disclosure_rules
from concordia.events._consumer import Consumer, ConsumerMetrics, Handler, Outcome
from concordia.events._envelope import Envelope, EnvelopeError, UnknownEventTypeError
from concordia.events._federation import NodeLinks
from concordia.events._guard import personal_field_violations
from concordia.events._inbox import AlreadyProcessedError, Inbox
from concordia.events._lease import Lease
from concordia.events._link import BrokerUnavailableError, NatsLink
from concordia.events._metrics import RelayCollector
from concordia.events._model import Event, LocalEvent, Scope, SharedEvent, event_class, event_types
from concordia.events._nats import connect, ensure_stream
from concordia.events._outbox import EXPECTED_LAST_SUBJECT_SEQUENCE, Outbox
from concordia.events._pipeline import AckPipeline, Route
from concordia.events._psi_relay import OverlapCoordinator, PairOutcome
from concordia.events._relay import OutboxRelay, RelayMetrics
from concordia.events._snapshot_store import SnapshotStore
from concordia.events._snapshots import (
    Draft,
    Publisher,
    consistent_totals,
    published_cells,
    quarter_bounds,
    quarter_of,
    run_publisher,
)
from concordia.events._streams import (
    LOCAL_RETENTION_SECONDS,
    SHARED_LIMITS,
    StreamSpec,
    country_stream,
    ensure_streams,
    local_stream,
    shared_stream,
)
from concordia.events._types import (
    CODE_PATTERN,
    MAX_OPAQUE_BYTES,
    NON_PERSONAL_PATTERNS,
    TOKEN_PATTERN,
    Code,
    CountryCode,
    Opaque,
    OpaqueBytes,
    SubjectToken,
)
from concordia.events.aggregates import AggregateSnapshotPublished, Cell
from concordia.events.hub import (
    DEFAULT_CHARTER,
    CharterPublished,
    CodeList,
    DisclosureRules,
    PracticePublished,
    ServiceStatusReported,
    Target,
)
from concordia.events.natsserver import NatsServer, NatsServerError
from concordia.events.overlap import (
    PSI_MESSAGE_TTL_SECONDS,
    DeclineReason,
    PsiAnswer,
    PsiInvitation,
    PsiRequest,
    PsiResponse,
    PsiResult,
    PsiRole,
)
from concordia.events.registry import (
    AuditHeadAnchored,
    MembershipChanged,
    OrganisationRegistered,
    OrganisationRemoved,
    OrganisationUpdated,
    PermitRecorded,
    PermitUpdated,
    PersonErased,
    PersonRegistered,
    PersonUpdated,
)

__all__ = [
    "CODE_PATTERN",
    "DEFAULT_CHARTER",
    "EXPECTED_LAST_SUBJECT_SEQUENCE",
    "LOCAL_RETENTION_SECONDS",
    "MAX_OPAQUE_BYTES",
    "NON_PERSONAL_PATTERNS",
    "PSI_MESSAGE_TTL_SECONDS",
    "SHARED_LIMITS",
    "TOKEN_PATTERN",
    "AckPipeline",
    "AggregateSnapshotPublished",
    "AlreadyProcessedError",
    "AuditHeadAnchored",
    "BrokerUnavailableError",
    "Cell",
    "CharterFollower",
    "CharterPublished",
    "CharterStore",
    "Code",
    "CodeList",
    "Consumer",
    "ConsumerMetrics",
    "CountryCode",
    "DeclineReason",
    "DisclosureRules",
    "Draft",
    "Envelope",
    "EnvelopeError",
    "Event",
    "Handler",
    "Inbox",
    "Lease",
    "LocalEvent",
    "MembershipChanged",
    "NatsLink",
    "NatsServer",
    "NatsServerError",
    "NodeLinks",
    "Opaque",
    "OpaqueBytes",
    "OrganisationRegistered",
    "OrganisationRemoved",
    "OrganisationUpdated",
    "Outbox",
    "OutboxRelay",
    "Outcome",
    "OverlapCoordinator",
    "PairOutcome",
    "PermitRecorded",
    "PermitUpdated",
    "PersonErased",
    "PersonRegistered",
    "PersonUpdated",
    "PracticePublished",
    "PsiAnswer",
    "PsiInvitation",
    "PsiRequest",
    "PsiResponse",
    "PsiResult",
    "PsiRole",
    "Publisher",
    "RelayCollector",
    "RelayMetrics",
    "Route",
    "Scope",
    "ServiceStatusReported",
    "SharedEvent",
    "SnapshotStore",
    "StreamSpec",
    "SubjectToken",
    "Target",
    "UnknownEventTypeError",
    "aggregates",
    "asyncapi_document",
    "connect",
    "consistent_totals",
    "country_stream",
    "disclosure_rules",
    "ensure_stream",
    "ensure_streams",
    "event_class",
    "event_types",
    "hub",
    "local_stream",
    "overlap",
    "personal_field_violations",
    "published_cells",
    "quarter_bounds",
    "quarter_of",
    "registry",
    "run_publisher",
    "shared_stream",
]
