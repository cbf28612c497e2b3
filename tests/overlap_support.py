"""A coalition for overlap tests: ledgers with planted grantees, their PSI engines, the hub.

Everything is real: each ledger app runs its lifespan on its own database, organisations arrive
through the registry's local events, grants through the HTTP API, and the engines and the
hub's coordinator talk over a real nats-server (one account: the broker's isolation between
countries is tested with the topology, not here). Each node has its own node key; one directory
of every node started, signed by all, is pinned by all (rewritten as nodes join).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import nats
from ledger_support import Ledger, grant, issue_tokens, new_donor, settings_for
from nats.aio.client import Client
from nats.aio.msg import Msg

from concordia.events import OrganisationRegistered, quarter_bounds
from concordia.identity import Directory, DirectoryPin, Member, NodeIdentity, NodeKey
from concordia.ledger import app as ledger_app
from concordia.ledger.models import KnownOrganisation
from concordia.ledger.overlap.engine import OverlapEngine
from concordia.ledger.overlap.service import RunLimits

PURPOSE = "independent_media"
# Node codes no other test draws (the suite's node_code fixture counts up from "aa").
_CODES = iter(f"{a}{b}" for a in "zyx" for b in "abcdefghijklmnopqrstuvwxyz")


def new_code() -> str:
    """A node code unique in this test session."""
    return next(_CODES)


@dataclass
class Node:
    """One country: its ledger, its COALITION connection and its PSI engine."""

    code: str
    ledger: Ledger
    nc: Client
    engine: OverlapEngine
    grants: dict[str, str] = field(default_factory=dict)  # identifier → grant id

    async def restart_engine(self, limits: RunLimits) -> None:
        """A new engine on the same database and link, as after a process restart."""
        await self.engine.stop()
        state = self.ledger.app.state.concordia
        self.engine = OverlapEngine(
            state.db, state.link.client, node=self.code, limits=limits, clock=self.engine.clock,
            identity=self.engine.identity,
        )  # fmt: skip
        await self.engine.start()


def in_quarter(period: str) -> datetime:
    """A moment in the middle of ``period`` (a node takes part in its current quarter)."""
    first, _ = quarter_bounds(period)
    return datetime(first.year, first.month, first.day, 12, tzinfo=UTC) + timedelta(days=45)


def set_today(nodes: list[Node], moment: datetime) -> None:
    """Make the nodes' engines live at ``moment`` (its quarter, its day's allowances)."""
    for node in nodes:
        node.engine.clock = lambda: moment


@dataclass
class Spy:
    """Every PSI message the hub side can see (``hub.psi.>`` and ``shared.*.ledger.psi.>``)."""

    messages: list[Msg] = field(default_factory=list)

    def on(self, subject_part: str) -> list[Msg]:
        """Messages whose subject contains ``subject_part``."""
        return [m for m in self.messages if subject_part in m.subject]


@contextlib.asynccontextmanager
async def spying(url: str) -> AsyncIterator[Spy]:
    """Record every PSI message on the broker while the block runs."""
    spy, nc = Spy(), await nats.connect(url)

    async def keep(msg: Msg) -> None:
        spy.messages.append(msg)

    await nc.subscribe("hub.psi.>", cb=keep)
    await nc.subscribe("shared.*.ledger.psi.>", cb=keep)
    await nc.flush()
    try:
        yield spy
    finally:
        # Drain, not close: every message the broker delivered is recorded before the block
        # ends, however slowly the callbacks run on a loaded machine.
        await nc.flush()
        await nc.drain()


class Coalition:
    """Starts nodes with planted grantees; stops them all at the end."""

    def __init__(self, database_factories: Any, nats_url: str, tmp: Path) -> None:
        self.database_factories, self.nats_url, self.tmp = database_factories, nats_url, tmp
        self.nodes: dict[str, Node] = {}
        #: Every node's key, and the directory file all nodes pin.
        self.keys: dict[str, NodeKey] = {}
        self.directory_file = tmp / "directory.json"
        self._stack: list[tuple[Any, httpx.AsyncClient, Client, Node]] = []

    async def node(
        self,
        identifiers: list[str],
        *,
        limits: RunLimits | None = None,
        extra_grants: list[tuple[str, dict[str, Any]]] | None = None,
    ) -> Node:
        """A ledger whose grants (independent media, 2026-2030) fund ``identifiers``."""
        code = new_code()
        tokens_path = self.tmp / f"tokens-{code}.json"
        tokens = issue_tokens(tokens_path)
        url = await self.database_factories("ledger")
        limits = limits or RunLimits()
        key_file = self.tmp / f"identity-{code}.key"
        self.keys[code] = NodeKey.generate()
        self.keys[code].save(key_file)
        self.pin_all()
        # The app runs its own engine on its shared link (the local one: no COALITION here).
        settings = settings_for(
            url, self.nats_url, tokens_path, code,
            overlap_min_set_size=limits.min_set_size, overlap_max_set_size=limits.max_set_size,
            overlap_runs_per_day=limits.runs_per_day,
            overlap_answers_per_day=limits.answers_per_day,
            identity_key_file=key_file, identity_directory_file=self.directory_file,
        )  # fmt: skip
        app = ledger_app.create(settings)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://ledger")
        ledger = Ledger(app, client, tokens, settings, self.nats_url)
        nc = await nats.connect(self.nats_url)  # the hub's side of this country
        node = Node(code, ledger, nc, app.state.concordia.extra.engine)
        self._stack.append((lifespan, client, nc, node))
        await _subscribed(node.engine)
        planted = [(i, {}) for i in identifiers] + (extra_grants or [])
        await self._fund(node, planted)
        self.nodes[code] = node
        return node

    def pin_all(self) -> None:
        """Write one directory of every node's key, signed by all, as every node's pin."""
        directory = Directory(
            serial=len(self.keys),
            members=tuple(Member(code=c, name=f"Testland {c}", public_key=k.public.text)
                          for c, k in self.keys.items()),
        )  # fmt: skip
        document = directory.document()
        for code, key in self.keys.items():
            document = document.signed(code, key)
        DirectoryPin.first(document).save(self.directory_file)

    def identity(self, code: str) -> NodeIdentity:
        """Node ``code``'s identity as its services hold it (to seal messages in a test)."""
        return NodeIdentity(code, self.keys[code], DirectoryPin.load(self.directory_file))

    async def _fund(self, node: Node, planted: list[tuple[str, dict[str, Any]]]) -> None:
        donor = await new_donor(node.ledger)
        org_ids: dict[str, Any] = {}
        events = []
        for identifier in dict.fromkeys(i for i, _ in planted):
            event = OrganisationRegistered(
                organisation_id=uuid.uuid4(), identifier=identifier,
                name=f"Testorg {identifier}", type="independent_media",
                registration_country="SE", version=1,
            )  # fmt: skip
            org_ids[identifier] = event.organisation_id
            events.append(event)
        await node.ledger.publish(*events)
        for org_id in org_ids.values():
            await node.ledger.wait_for(KnownOrganisation, org_id)
        for n, (identifier, overrides) in enumerate(planted):
            recipient = {"type": "organisation", "id": str(org_ids[identifier])}
            response = await node.ledger.client.post(
                "/v1/grants", json=grant(donor["id"], recipient, n, **overrides),
                headers=node.ledger.rw,
            )  # fmt: skip
            assert response.status_code == 201, response.text
            node.grants.setdefault(identifier, response.json()["id"])

    async def close(self) -> None:
        """Stop every engine and ledger."""
        for lifespan, client, nc, node in reversed(self._stack):
            await node.engine.stop()  # a restarted engine is the harness's, not the app's
            await nc.close()
            await client.aclose()
            await lifespan.__aexit__(None, None, None)


async def _subscribed(engine: OverlapEngine, seconds: float = 10) -> None:
    """Wait until the app's engine listens (it starts once its link is up)."""
    async with asyncio.timeout(seconds):
        while engine._sub is None:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
