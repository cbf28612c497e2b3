"""The JetStream streams of a node, named and configured in one place for every service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nats.js import JetStreamContext

from concordia.events._nats import ensure_stream

#: Local events link person ids to permit facts; they are kept long enough for any consumer to
#: catch up after an outage, then age out (an erased person's trail does not live forever).
LOCAL_RETENTION_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class StreamSpec:
    """A stream's name, subjects and limits.

    Example::

        await ensure_streams(js, [local_stream("se"), shared_stream("se", "registry")])
    """

    name: str
    subjects: tuple[str, ...]
    limits: dict[str, Any] = field(default_factory=dict)


def local_stream(node: str) -> StreamSpec:
    """The node's stream of local events (``local.<node>.>``), shared by all its services."""
    return StreamSpec(
        f"LOCAL_{node.upper()}", (f"local.{node}.>",), {"max_age": LOCAL_RETENTION_SECONDS}
    )


def shared_stream(node: str, service: str) -> StreamSpec:
    """A service's outbound stream (``shared.<node>.<service>.>``); kept, never aged out.

    One per service: JetStream refuses streams whose subjects overlap on one server.
    """
    return StreamSpec(f"SHARED_{node.upper()}_{service.upper()}", (f"shared.{node}.{service}.>",))


async def ensure_streams(js: JetStreamContext, specs: list[StreamSpec]) -> None:
    """Create or update every stream to its spec (identical specs from several services agree)."""
    for spec in specs:
        await ensure_stream(js, spec.name, list(spec.subjects), **spec.limits)
