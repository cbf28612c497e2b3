"""The JetStream streams of a node, named and configured in one place for every service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nats.js import JetStreamContext, api

from concordia.events.runtime.broker import ensure_stream

#: Local events link person ids to permit facts; they are kept long enough for any consumer to
#: catch up after an outage, then age out (an erased person's trail does not live forever).
LOCAL_RETENTION_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class StreamSpec:
    """A stream's name, subjects and limits.

    Example::

        await ensure_streams(js, [local_stream("se"), shared_stream("se")])
    """

    name: str
    subjects: tuple[str, ...]
    limits: dict[str, Any] = field(default_factory=dict)


def local_stream(node: str) -> StreamSpec:
    """The node's stream of local events (``local.<node>.>``), shared by all its services."""
    return StreamSpec(
        f"LOCAL_{node.upper()}", (f"local.{node}.>",), {"max_age": LOCAL_RETENTION_SECONDS}
    )


#: Stream settings every stream holding ``shared.`` messages needs: one message per subject,
#: and per-message TTLs (nats-server 2.11+), so a message sent with ``Nats-TTL`` ages out.
SHARED_LIMITS: dict[str, Any] = {"max_msgs_per_subject": 1, "allow_msg_ttl": True}


def shared_stream(node: str) -> StreamSpec:
    """The node's outbound stream (``shared.<node>.>``) in COALITION; kept, never aged out.

    One per node, whatever service publishes into it. Every snapshot subject is unique, so one
    message per subject keeps every version and only the newest status report. Disposable
    messages (PSI runs) carry a ``Nats-TTL`` header and age out on their own.
    """
    return StreamSpec(f"SHARED_{node.upper()}", (f"shared.{node}.>",), dict(SHARED_LIMITS))


def country_stream(code: str) -> StreamSpec:
    """The hub's copy of a node's outbound stream: ``NODE_<CODE>`` sourcing ``SHARED_<CODE>``.

    Lives in the hub's account of the country and has no subjects of its own; the hub pulls
    through the node's JetStream domain, so it catches up by itself after an outage.
    """
    source = api.StreamSource(
        name=shared_stream(code).name, external=api.ExternalStream(api=f"$JS.{code}.API")
    )
    # A sourced message keeps its Nats-TTL header; the copy ages out only if TTLs are allowed.
    return StreamSpec(f"NODE_{code.upper()}", (), {"allow_msg_ttl": True, "sources": [source]})


#: What the hub relays of other nodes' broadcasts into a country's account, and what a node
#: sources of it: ``hub.broadcast.<origin>.<rest>`` (docs/federation.md, "Broadcasts").
HUB_BROADCAST_SUBJECTS = "hub.broadcast.>"


def broadcast_stream(code: str) -> StreamSpec:
    """``BROADCAST_<CODE>`` at the hub: every other node's broadcast for country ``code``.

    Lives in the hub's account of the country and captures what the hub's relay publishes
    there; kept (no age limit, one message per subject: every broadcast subject is unique), so
    a node that was offline for a day finds all of it when it returns.
    """
    limits: dict[str, Any] = {"max_msgs_per_subject": 1}
    return StreamSpec(f"BROADCAST_{code.upper()}", (HUB_BROADCAST_SUBJECTS,), limits)


#: The relay's subjects back to the origin's own: ``hub.broadcast.pl.<rest>`` is stored at
#: the receiving node as ``shared.pl.broadcast.<rest>``, the subject its envelope names.
_BACK_TO_ORIGIN = api.SubjectTransform(
    src="hub.broadcast.*.>", dest="shared.{{wildcard(1)}}.broadcast.>"
)


def inbound_stream(code: str, *, federated: bool = True) -> StreamSpec:
    """``INBOUND_<CODE>`` at a node: the coalition's broadcasts, on their origin subjects.

    Federated, it lives in COALITION and sources ``BROADCAST_<CODE>`` through the hub's
    JetStream domain (``$JS.hub.API``), so the node pulls what it missed after any outage, at
    its own pace. Not federated (one server in development and tests, no hub), it captures
    ``inbound.<code>.<origin>.<rest>``, which only a test or a tool publishes. Either way a
    message is stored under its origin subject (``shared.<origin>.broadcast.<rest>``), so a
    consumer checks the envelope's subject against it as for any event.
    """
    name = f"INBOUND_{code.upper()}"
    limits: dict[str, Any] = {"max_msgs_per_subject": 1}
    if not federated:
        injected = api.SubjectTransform(
            src=f"inbound.{code}.*.>", dest="shared.{{wildcard(1)}}.broadcast.>"
        )
        return StreamSpec(name, (f"inbound.{code}.>",), {**limits, "subject_transform": injected})
    source = api.StreamSource(
        name=broadcast_stream(code).name,
        external=api.ExternalStream(api="$JS.hub.API"),
        subject_transforms=[_BACK_TO_ORIGIN],
    )
    return StreamSpec(name, (), {**limits, "sources": [source]})


async def ensure_streams(js: JetStreamContext, specs: list[StreamSpec]) -> None:
    """Create or update every stream to its spec (identical specs from several services agree)."""
    for spec in specs:
        await ensure_stream(js, spec.name, list(spec.subjects), **spec.limits)
