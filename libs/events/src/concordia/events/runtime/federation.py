"""A service's NATS links: LOCAL for local events, COALITION for what leaves the node.

With ``CONCORDIA_NATS_SHARED_URL`` set (a generated node, see docs/federation.md) a service
opens a second connection as its ``<service>-shared`` user, ensures ``SHARED_<NODE>`` there and
publishes every ``shared.>`` subject on it; ``local.>`` stays on the LOCAL connection. Unset (one
plain nats-server in tests and development), everything goes over the LOCAL connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from concordia.events.runtime.link import NatsLink
from concordia.events.runtime.pipeline import Route
from concordia.events.runtime.streams import (
    StreamSpec,
    ensure_streams,
    inbound_stream,
    local_stream,
    shared_stream,
)

ReadinessCheck = Callable[[], Awaitable[None]]


class NodeLinks:
    """The LOCAL link of a service and, when federated, its COALITION link.

    Example::

        links = NodeLinks("registry", "se", settings.nats_url, settings.nats_shared_url)
        await links.start()                          # connects in the background
        relay = OutboxRelay(db, outbox, links.route())
        await links.stop()
    """

    def __init__(
        self,
        service: str,
        node: str,
        url: str,
        shared_url: str | None = None,
        *,
        local_streams: list[StreamSpec] | None = None,
        inbound: bool = False,
    ) -> None:
        self.node = node
        self.local = NatsLink(url, name=f"concordia-{service}-{node}")
        self.shared = (
            NatsLink(shared_url, name=f"concordia-{service}-{node}-shared") if shared_url else None
        )
        self._local_streams = local_streams or [local_stream(node)]
        #: Whether this service reads the coalition's broadcasts (``INBOUND_<NODE>``).
        self.reads_inbound = inbound

    def inbound(self) -> StreamSpec:
        """The coalition's broadcasts at this node: sourced from the hub when federated."""
        return inbound_stream(self.node, federated=self.shared is not None)

    def streams(self) -> list[StreamSpec]:
        """Streams to ensure on the LOCAL link (the outbound one too when not federated)."""
        if self.shared is None:
            inbound = [self.inbound()] if self.reads_inbound else []
            return [*self._local_streams, shared_stream(self.node), *inbound]
        return list(self._local_streams)

    def shared_streams(self) -> list[StreamSpec]:
        """Streams to ensure on the COALITION link, when federated."""
        inbound = [self.inbound()] if self.reads_inbound else []
        return [shared_stream(self.node), *inbound]

    async def start(self, *, wait: float = 3.0) -> None:
        """Start connecting; wait up to ``wait`` seconds for the links (the outbox waits)."""

        async def local_setup() -> None:
            await ensure_streams(self.local.js, self.streams())

        await self.local.start(on_connect=local_setup)
        if self.shared is not None:
            shared = self.shared

            async def shared_setup() -> None:
                await ensure_streams(shared.js, self.shared_streams())

            await shared.start(on_connect=shared_setup)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):
                await self.wait_connected()

    async def wait_connected(self) -> None:
        """Wait until every link is up and its streams exist."""
        await self.local.wait_connected()
        if self.shared is not None:
            await self.shared.wait_connected()

    def route(self) -> Route:
        """Where the outbox relay publishes: ``shared.>`` on COALITION when federated."""
        if self.shared is None:
            return self.local.client
        return {"local": self.local.client, "shared": self.shared.client}

    def readiness(self) -> dict[str, ReadinessCheck]:
        """Readiness probes by name, for ``create_app(readiness=...)``."""
        checks: dict[str, ReadinessCheck] = {"nats": self.local.check}
        if self.shared is not None:
            checks["nats-shared"] = self.shared.check
        return checks

    async def stop(self) -> None:
        """Close both links."""
        if self.shared is not None:
            await self.shared.stop()
        await self.local.stop()
