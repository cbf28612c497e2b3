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


async def ensure_streams(js: JetStreamContext, specs: list[StreamSpec]) -> None:
    """Create or update every stream to its spec (identical specs from several services agree)."""
    for spec in specs:
        await ensure_stream(js, spec.name, list(spec.subjects), **spec.limits)
