"""The hub's link to every country: read the nodes directory, connect, ingest, keep in step.

``concordia hub add-node`` writes ``<nodes_dir>/<code>.json`` (``code``, ``name``,
``nats_url`` with the ``hub-<code>`` user's credentials). The directory is re-read
periodically, so a country added (or removed) while the hub runs is picked up without restart.
Each country gets its own connection into its own account, a stream ``NODE_<CODE>``, a
durable, inbox-idempotent ingest consumer and the broadcast relay's consumer; listeners (the
overlap coordinator) hear when a country's link is up or gone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from nats.aio.client import Client
from nats.js.errors import NotFoundError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from concordia.core.db import Database
from concordia.events import (
    SHARED_LIMITS,
    Consumer,
    NatsLink,
    StreamSpec,
    broadcast_stream,
    country_stream,
    ensure_stream,
)
from concordia.events.runtime.link import redact
from concordia.hub.ingest import (
    broadcast_filter,
    broadcast_handler,
    ingest_handler,
    unparseable_recorder,
)
from concordia.hub.models import Node
from concordia.hub.signatures import SignatureCheck
from concordia.kit.tables import inbox

log = logging.getLogger(__name__)

StreamMode = Literal["sourced", "direct"]


class NodeFile(BaseModel):
    """One ``<code>.json`` of the nodes directory.

    Example::

        {"code": "se", "name": "Sweden", "nats_url": "nats://hub-se:secret@hub:4222"}
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    code: str = Field(pattern=r"^[a-z]{2}$")
    name: str = Field(min_length=1, max_length=128)
    nats_url: str = Field(pattern=r"^(nats|tls|ws|wss)://")


def read_nodes_dir(path: Path) -> dict[str, NodeFile]:
    """Every valid node file of ``path`` by code; a bad file is logged (no secrets) and skipped."""
    nodes: dict[str, NodeFile] = {}
    for file in sorted(path.glob("*.json")) if path.is_dir() else []:
        try:
            node = NodeFile.model_validate(json.loads(file.read_text()))
        except (OSError, ValueError, ValidationError) as exc:
            log.warning("node file skipped", extra={"file": file.name, "error": type(exc).__name__})
            continue
        if node.code != file.stem:
            log.warning("node file skipped: code differs from file name", extra={"file": file.name})
            continue
        nodes[node.code] = node
    return nodes


def hub_country_stream(code: str, mode: StreamMode) -> StreamSpec:
    """The hub's stream of one country (``NODE_<CODE>``), in the country's own account.

    ``sourced`` (production) is ``concordia.events.country_stream``: it sources the node's
    ``SHARED_<CODE>`` over the leaf connection through ``$JS.<code>.API``; ``direct`` (tests
    without the leaf topology) captures ``shared.<code>.>`` published straight into the account.
    Both keep one message per subject (every snapshot subject is unique).
    """
    limits = dict(SHARED_LIMITS)
    if mode == "direct":
        return StreamSpec(f"NODE_{code.upper()}", (f"shared.{code}.>",), limits)
    sourced = country_stream(code)
    return StreamSpec(sourced.name, sourced.subjects, {**limits, **sourced.limits})


class LinkListener(Protocol):
    """Told when a country's link is up (after every reconnect) and when it is gone."""

    async def linked(self, code: str, client: Client) -> None:
        """The link into ``code``'s account is up; ``client`` is its connection."""
        ...

    async def unlinked(self, code: str) -> None:
        """``code`` left the nodes directory."""
        ...


@dataclass
class CountryLink:
    """The hub's connection into one country's account, its stream and its consumer."""

    node: NodeFile
    link: NatsLink
    consumer: Consumer
    stream: StreamSpec
    relay: Consumer

    @classmethod
    def build(cls, node: NodeFile, federation: Federation) -> CountryLink:
        """Wire the link, the stream and the durable consumers for ``node`` (not started)."""
        link = NatsLink(node.nats_url, name=f"concordia-hub-{node.code}")
        stream = hub_country_stream(node.code, federation.mode)
        db = federation.db
        handler = ingest_handler(
            node.code, snapshots_per_day=federation.snapshots_per_day,
            signatures=federation.signatures,
        )  # fmt: skip
        consumer = Consumer(
            link.js, db, inbox, handler,
            name=f"hub-ingest-{node.code}", stream=stream.name,
            subjects=[f"shared.{node.code}.*.aggregate.>", f"shared.{node.code}.*.status"],
            max_deliver=-1, max_retry_delay=30.0,
            on_terminated=unparseable_recorder(db, node.code), group=True,
            turns=federation.turns,
        )  # fmt: skip
        relay = Consumer(
            link.js, db, inbox, broadcast_handler(node.code, lambda: federation.links),
            name=f"hub-broadcast-{node.code}", stream=stream.name,
            subjects=[broadcast_filter(node.code)], max_deliver=-1, max_retry_delay=10.0,
            turns=federation.turns,
        )  # fmt: skip
        return cls(node, link, consumer, stream, relay)

    async def start(self, listeners: list[LinkListener] | None = None) -> None:
        """Connect in the background; stream, consumers and listeners after every (re)connect."""

        async def on_connect() -> None:
            for spec in (self.stream, broadcast_stream(self.node.code)):
                await ensure_stream(self.link.js, spec.name, list(spec.subjects), **spec.limits)
            await self.consumer.start()  # once the stream exists; a no-op when running
            await self.relay.start()
            for listener in listeners or []:
                await listener.linked(self.node.code, self.link.client)

        await self.link.start(on_connect=on_connect)

    async def stop(self) -> None:
        """Stop consuming (both consumers at once: each waits out its fetch) and close the
        connection."""
        await asyncio.gather(self.relay.stop(), self.consumer.stop())
        await self.link.stop()

    @property
    def connected(self) -> bool:
        """Whether the link into the account is up."""
        return self.link.connected

    async def send(self, subject: str, data: bytes, headers: dict[str, str]) -> None:
        """Store a relayed broadcast in the country's ``BROADCAST_<CODE>``; raises unless acked.

        Stored, not only sent: the node sources that stream and catches up after an outage.
        ``Nats-Msg-Id`` (the event id) makes a retried relay one message in the stream.
        """
        await self.link.js.publish(subject, data, headers=headers, timeout=5)

    async def publish(self, subject: str, data: bytes) -> bool:
        """Publish into the country's account; False when not connected right now."""
        if not self.link.connected:
            return False
        await self.link.client.publish(subject, data)
        await self.link.client.flush(timeout=5)
        return True

    async def source_lag(self) -> int | None:
        """Messages the stream still has to copy from the node (sourced mode), if known."""
        if not self.link.connected or not self.stream.limits.get("sources"):
            return None
        try:
            info = await self.link.js.stream_info(self.stream.name)
        except (NotFoundError, TimeoutError, Exception):  # a probe: unknown is an answer
            return None
        sources = info.sources or []
        return sum(s.lag or 0 for s in sources) if sources else None


class Federation:
    """Every country link, kept in step with the nodes directory.

    Example::

        federation = Federation(db, Path("var/hub/nodes"), mode="sourced")
        await federation.sync()            # also what the periodic scan runs
        await federation.stop()
    """

    def __init__(
        self,
        db: Database,
        nodes_dir: Path,
        *,
        mode: StreamMode,
        snapshots_per_day: int | None = None,
        signatures: SignatureCheck | None = None,
    ) -> None:
        self.db, self.nodes_dir, self.mode = db, nodes_dir, mode
        self.snapshots_per_day = snapshots_per_day
        #: How node signatures on snapshots and status reports are checked.
        self.signatures = signatures
        self.links: dict[str, CountryLink] = {}
        #: Every country's consumers take their turns at the database on this lock, in order:
        #: thirty racing for SQLite's write lock had some wait seconds (``Consumer._turn``).
        self.turns = asyncio.Lock()
        self.listeners: list[LinkListener] = []

    async def sync(self) -> None:
        """Start links for new countries, restart changed ones, stop removed ones."""
        wanted = read_nodes_dir(self.nodes_dir)
        for code in [c for c in self.links if c not in wanted]:
            log.info("node removed from the directory", extra={"node": code})
            await self.links.pop(code).stop()
            for listener in self.listeners:
                await listener.unlinked(code)
        for code, node in wanted.items():
            current = self.links.get(code)
            if current is not None and current.node == node:
                continue
            if current is not None:
                await current.stop()
            await self._remember(node)
            link = CountryLink.build(node, self)
            self.links[code] = link
            await link.start(self.listeners)
            log.info("node linked", extra={"node": code, "url": redact(node.nats_url)})

    async def _remember(self, node: NodeFile) -> None:
        async with self.db.unit_of_work() as session:
            row = await session.get(Node, node.code)
            if row is None:
                session.add(Node(code=node.code, title=node.name, first_seen_at=datetime.now(UTC)))
            else:
                row.title = node.name

    async def run(self, interval: float) -> None:
        """Re-read the directory every ``interval`` s until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.sync()
            except Exception:  # the next scan tries again; the cause is logged
                log.exception("nodes directory scan failed")

    async def stop(self) -> None:
        """Stop every link, all at once: one after the other, each waiting out its consumers'
        fetches, 30 countries took a minute (past an orchestrator's grace period)."""
        await asyncio.gather(*(link.stop() for link in self.links.values()), return_exceptions=True)
        self.links.clear()
