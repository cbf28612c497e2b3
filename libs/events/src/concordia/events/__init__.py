"""Concordia's event contracts, and (lazily) their delivery runtime.

The contracts (this package's topic modules: ``registry``, ``ledger``, ``aggregates``,
``overlap``, ``status``, ``practices``, ``charter``, ``codes``) are pure pydantic models and code
lists: importing them loads neither NATS nor SQLAlchemy, so anyone may read them. Every event is
a frozen model (``LocalEvent`` or ``SharedEvent``) registered under a versioned type; its NATS
subject is derived from the type. ``asyncapi_document()`` describes them all.

The delivery runtime lives in ``concordia.events.runtime`` (outbox, ``OutboxRelay``, ``Consumer``
with its inbox, leases, links, streams, snapshot publishing, the charter follower). Its names are
re-exported here too, loaded on first use (PEP 562), so ``from concordia.events import Outbox``
keeps working while ``import concordia.events.charter`` stays free of NATS and SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from concordia.events import (
    aggregates,
    charter,
    codes,
    coordination,
    overlap,
    practices,
    registry,
    signatures,
    status,
)
from concordia.events._asyncapi import asyncapi_document
from concordia.events._code_lists import BUILT_IN_CODE_LISTS
from concordia.events._envelope import Envelope, EnvelopeError, UnknownEventTypeError
from concordia.events._floors import DisclosureFloors
from concordia.events._guard import personal_field_violations
from concordia.events._model import Event, LocalEvent, Scope, SharedEvent, event_class, event_types
from concordia.events._signature import (
    EventSignatureProblem,
    NodeSignature,
    SigningIdentity,
    event_signature_problem,
    event_signer,
    sign_event,
)
from concordia.events._types import (
    CODE_PATTERN,
    MAX_CHUNK_BYTES,
    MAX_OPAQUE_BYTES,
    NON_PERSONAL_PATTERNS,
    TOKEN_PATTERN,
    CoalitionText,
    Code,
    CountryCode,
    Opaque,
    OpaqueBytes,
    Screened,
    ScreenedBytes,
    ScreenedContent,
    ScreenedText,
    SubjectToken,
)
from concordia.events.aggregates import (
    MAX_AMOUNT,
    MAX_COUNT,
    AggregateSnapshotPublished,
    Cell,
    bounds_violation,
    out_of_range,
)
from concordia.events.charter import (
    DEFAULT_CHARTER,
    CharterPublished,
    CodeList,
    DisclosureRules,
    EvaluationRules,
    SecureTable,
    Target,
    disclosure_rules,
)
from concordia.events.coordination import CoalitionDecisionPublished, FollowUp
from concordia.events.exchange import (
    AttachmentChunkPublished,
    AttachmentRefV1,
    ContributionPublished,
    PracticeRevisionPublished,
    PracticeTranslationV1,
)
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
from concordia.events.practices import PracticePublished
from concordia.events.psi_seal import (
    MAX_SEAL_SECONDS,
    PsiSeal,
    SealProblem,
    check_seal,
    make_seal,
    payload_digest,
    response_digest,
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
from concordia.events.signatures import MemberSignature, signature_shortfall
from concordia.events.status import CharterRefusal, ServiceStatusReported

if TYPE_CHECKING:  # the runtime, as the type checker sees it; loaded lazily below
    from concordia.events.natsserver import NatsServer as NatsServer
    from concordia.events.natsserver import NatsServerError as NatsServerError
    from concordia.events.runtime.broker import (
        connect as connect,
    )
    from concordia.events.runtime.broker import (
        ensure_stream as ensure_stream,
    )
    from concordia.events.runtime.charter_follower import (
        CharterFollower as CharterFollower,
    )
    from concordia.events.runtime.charter_follower import (
        CharterStore as CharterStore,
    )
    from concordia.events.runtime.charter_follower import (
        PinnedDirectoryFile as PinnedDirectoryFile,
    )
    from concordia.events.runtime.consumer import (
        Consumer as Consumer,
    )
    from concordia.events.runtime.consumer import (
        ConsumerMetrics as ConsumerMetrics,
    )
    from concordia.events.runtime.consumer import (
        EventRoute as EventRoute,
    )
    from concordia.events.runtime.consumer import (
        Handler as Handler,
    )
    from concordia.events.runtime.consumer import (
        Outcome as Outcome,
    )
    from concordia.events.runtime.consumer import (
        dispatch as dispatch,
    )
    from concordia.events.runtime.decision_follower import (
        DecisionFollower as DecisionFollower,
    )
    from concordia.events.runtime.decision_follower import (
        DecisionStore as DecisionStore,
    )
    from concordia.events.runtime.federation import (
        NodeLinks as NodeLinks,
    )
    from concordia.events.runtime.inbox import (
        AlreadyProcessedError as AlreadyProcessedError,
    )
    from concordia.events.runtime.inbox import (
        Inbox as Inbox,
    )
    from concordia.events.runtime.lease import (
        Lease as Lease,
    )
    from concordia.events.runtime.link import (
        BrokerUnavailableError as BrokerUnavailableError,
    )
    from concordia.events.runtime.link import (
        NatsLink as NatsLink,
    )
    from concordia.events.runtime.metrics import (
        ConsumerCollector as ConsumerCollector,
    )
    from concordia.events.runtime.metrics import (
        RelayCollector as RelayCollector,
    )
    from concordia.events.runtime.outbox import (
        EXPECTED_LAST_SUBJECT_SEQUENCE as EXPECTED_LAST_SUBJECT_SEQUENCE,
    )
    from concordia.events.runtime.outbox import (
        Outbox as Outbox,
    )
    from concordia.events.runtime.pipeline import (
        AckPipeline as AckPipeline,
    )
    from concordia.events.runtime.pipeline import (
        Route as Route,
    )
    from concordia.events.runtime.relay import (
        OutboxRelay as OutboxRelay,
    )
    from concordia.events.runtime.relay import (
        RelayMetrics as RelayMetrics,
    )
    from concordia.events.runtime.snapshot_store import (
        SnapshotStore as SnapshotStore,
    )
    from concordia.events.runtime.snapshots import (
        Draft as Draft,
    )
    from concordia.events.runtime.snapshots import (
        Publisher as Publisher,
    )
    from concordia.events.runtime.snapshots import (
        consistent_totals as consistent_totals,
    )
    from concordia.events.runtime.snapshots import (
        published_cells as published_cells,
    )
    from concordia.events.runtime.snapshots import (
        quarter_bounds as quarter_bounds,
    )
    from concordia.events.runtime.snapshots import (
        quarter_of as quarter_of,
    )
    from concordia.events.runtime.snapshots import (
        run_publisher as run_publisher,
    )
    from concordia.events.runtime.streams import (
        LOCAL_RETENTION_SECONDS as LOCAL_RETENTION_SECONDS,
    )
    from concordia.events.runtime.streams import (
        SHARED_LIMITS as SHARED_LIMITS,
    )
    from concordia.events.runtime.streams import (
        StreamSpec as StreamSpec,
    )
    from concordia.events.runtime.streams import (
        broadcast_stream as broadcast_stream,
    )
    from concordia.events.runtime.streams import (
        country_stream as country_stream,
    )
    from concordia.events.runtime.streams import (
        ensure_streams as ensure_streams,
    )
    from concordia.events.runtime.streams import (
        inbound_stream as inbound_stream,
    )
    from concordia.events.runtime.streams import (
        local_stream as local_stream,
    )
    from concordia.events.runtime.streams import (
        shared_stream as shared_stream,
    )

#: Runtime names re-exported here, and the module each is loaded from on first use.
_RUNTIME: dict[str, str] = {
    "connect": "concordia.events.runtime.broker",
    "ensure_stream": "concordia.events.runtime.broker",
    "CharterFollower": "concordia.events.runtime.charter_follower",
    "CharterStore": "concordia.events.runtime.charter_follower",
    "PinnedDirectoryFile": "concordia.events.runtime.charter_follower",
    "DecisionFollower": "concordia.events.runtime.decision_follower",
    "DecisionStore": "concordia.events.runtime.decision_follower",
    "Consumer": "concordia.events.runtime.consumer",
    "ConsumerMetrics": "concordia.events.runtime.consumer",
    "Handler": "concordia.events.runtime.consumer",
    "EventRoute": "concordia.events.runtime.consumer",
    "dispatch": "concordia.events.runtime.consumer",
    "Outcome": "concordia.events.runtime.consumer",
    "NodeLinks": "concordia.events.runtime.federation",
    "AlreadyProcessedError": "concordia.events.runtime.inbox",
    "Inbox": "concordia.events.runtime.inbox",
    "Lease": "concordia.events.runtime.lease",
    "BrokerUnavailableError": "concordia.events.runtime.link",
    "NatsLink": "concordia.events.runtime.link",
    "ConsumerCollector": "concordia.events.runtime.metrics",
    "RelayCollector": "concordia.events.runtime.metrics",
    "EXPECTED_LAST_SUBJECT_SEQUENCE": "concordia.events.runtime.outbox",
    "Outbox": "concordia.events.runtime.outbox",
    "AckPipeline": "concordia.events.runtime.pipeline",
    "Route": "concordia.events.runtime.pipeline",
    "OutboxRelay": "concordia.events.runtime.relay",
    "RelayMetrics": "concordia.events.runtime.relay",
    "SnapshotStore": "concordia.events.runtime.snapshot_store",
    "Draft": "concordia.events.runtime.snapshots",
    "Publisher": "concordia.events.runtime.snapshots",
    "consistent_totals": "concordia.events.runtime.snapshots",
    "published_cells": "concordia.events.runtime.snapshots",
    "quarter_bounds": "concordia.events.runtime.snapshots",
    "quarter_of": "concordia.events.runtime.snapshots",
    "run_publisher": "concordia.events.runtime.snapshots",
    "LOCAL_RETENTION_SECONDS": "concordia.events.runtime.streams",
    "SHARED_LIMITS": "concordia.events.runtime.streams",
    "StreamSpec": "concordia.events.runtime.streams",
    "broadcast_stream": "concordia.events.runtime.streams",
    "country_stream": "concordia.events.runtime.streams",
    "inbound_stream": "concordia.events.runtime.streams",
    "ensure_streams": "concordia.events.runtime.streams",
    "local_stream": "concordia.events.runtime.streams",
    "shared_stream": "concordia.events.runtime.streams",
    "NatsServer": "concordia.events.natsserver",
    "NatsServerError": "concordia.events.natsserver",
}


def __getattr__(name: str) -> Any:
    """Load a runtime name on first use, so the contracts alone never import NATS/SQLAlchemy."""
    module = _RUNTIME.get(name)
    if module is None:
        raise AttributeError(f"module 'concordia.events' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "BUILT_IN_CODE_LISTS",
    "CODE_PATTERN",
    "DEFAULT_CHARTER",
    "EXPECTED_LAST_SUBJECT_SEQUENCE",
    "LOCAL_RETENTION_SECONDS",
    "MAX_AMOUNT",
    "MAX_CHUNK_BYTES",
    "MAX_COUNT",
    "MAX_OPAQUE_BYTES",
    "MAX_SEAL_SECONDS",
    "NON_PERSONAL_PATTERNS",
    "PSI_MESSAGE_TTL_SECONDS",
    "SHARED_LIMITS",
    "TOKEN_PATTERN",
    "AckPipeline",
    "AggregateSnapshotPublished",
    "AlreadyProcessedError",
    "AttachmentChunkPublished",
    "AttachmentRefV1",
    "AuditHeadAnchored",
    "BrokerUnavailableError",
    "Cell",
    "CharterFollower",
    "CharterPublished",
    "CharterRefusal",
    "CharterStore",
    "CoalitionDecisionPublished",
    "CoalitionText",
    "Code",
    "CodeList",
    "Consumer",
    "ConsumerCollector",
    "ConsumerMetrics",
    "ContributionPublished",
    "CountryCode",
    "DecisionFollower",
    "DecisionStore",
    "DeclineReason",
    "DisclosureFloors",
    "DisclosureRules",
    "Draft",
    "Envelope",
    "EnvelopeError",
    "EvaluationRules",
    "Event",
    "EventRoute",
    "EventSignatureProblem",
    "FollowUp",
    "Handler",
    "Inbox",
    "Lease",
    "LocalEvent",
    "MemberSignature",
    "MembershipChanged",
    "NatsLink",
    "NatsServer",
    "NatsServerError",
    "NodeLinks",
    "NodeSignature",
    "Opaque",
    "OpaqueBytes",
    "OrganisationRegistered",
    "OrganisationRemoved",
    "OrganisationUpdated",
    "Outbox",
    "OutboxRelay",
    "Outcome",
    "PermitRecorded",
    "PermitUpdated",
    "PersonErased",
    "PersonRegistered",
    "PersonUpdated",
    "PinnedDirectoryFile",
    "PracticePublished",
    "PracticeRevisionPublished",
    "PracticeTranslationV1",
    "PsiAnswer",
    "PsiInvitation",
    "PsiRequest",
    "PsiResponse",
    "PsiResult",
    "PsiRole",
    "PsiSeal",
    "Publisher",
    "RelayCollector",
    "RelayMetrics",
    "Route",
    "Scope",
    "Screened",
    "ScreenedBytes",
    "ScreenedContent",
    "ScreenedText",
    "SealProblem",
    "SecureTable",
    "ServiceStatusReported",
    "SharedEvent",
    "SigningIdentity",
    "SnapshotStore",
    "StreamSpec",
    "SubjectToken",
    "Target",
    "UnknownEventTypeError",
    "aggregates",
    "asyncapi_document",
    "bounds_violation",
    "broadcast_stream",
    "charter",
    "check_seal",
    "codes",
    "connect",
    "consistent_totals",
    "coordination",
    "country_stream",
    "disclosure_rules",
    "dispatch",
    "ensure_stream",
    "ensure_streams",
    "event_class",
    "event_signature_problem",
    "event_signer",
    "event_types",
    "inbound_stream",
    "local_stream",
    "make_seal",
    "out_of_range",
    "overlap",
    "payload_digest",
    "personal_field_violations",
    "practices",
    "published_cells",
    "quarter_bounds",
    "quarter_of",
    "registry",
    "response_digest",
    "run_publisher",
    "shared_stream",
    "sign_event",
    "signature_shortfall",
    "signatures",
    "status",
]
