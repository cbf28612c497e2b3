"""A coalition for overlap tests: ledgers with planted grantees, their PSI engines, the hub.

Everything is real: each ledger app runs its lifespan on its own database, organisations arrive
through the registry's local events, grants through the HTTP API, and the engines and the
hub's coordinator talk over a real nats-server (one account: the broker's isolation between
countries is tested with the topology, not here).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nats
from ledger_support import Ledger, grant, issue_tokens, new_donor, settings_for
from nats.aio.client import Client
from nats.aio.msg import Msg

from concordia.events import OrganisationRegistered
from concordia.ledger import app as ledger_app
from concordia.ledger.api import overlaps as overlaps_api
from concordia.ledger.models import KnownOrganisation
from concordia.ledger.overlap import OverlapEngine
from concordia.ledger.service.overlaps import RunLimits

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
        """A new engine on the same database, as after a process restart."""
        await self.engine.stop()
        self.engine = OverlapEngine(self.ledger.app.state.db, self.nc, node=self.code,
                                    limits=limits)  # fmt: skip
        await self.engine.start()


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
        await nc.flush()
        await asyncio.sleep(0.1)
        await nc.close()


class Coalition:
    """Starts nodes with planted grantees; stops them all at the end."""

    def __init__(self, database_factories: Any, nats_url: str, tmp: Path) -> None:
        self.database_factories, self.nats_url, self.tmp = database_factories, nats_url, tmp
        self.nodes: dict[str, Node] = {}
        self._stack: list[tuple[Any, httpx.AsyncClient, Client, OverlapEngine]] = []

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
        # The harness runs the engine itself, on its own connection (the COALITION link).
        settings = settings_for(url, self.nats_url, tokens_path, code, overlap_enabled=False)
        app = ledger_app.create(settings)
        if not any(getattr(r, "path", None) == "/v1/overlaps" for r in app.routes):
            app.include_router(overlaps_api.router)  # until app.py mounts it
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://ledger")
        ledger = Ledger(app, client, tokens, settings, self.nats_url)
        nc = await nats.connect(self.nats_url)
        engine = OverlapEngine(app.state.db, nc, node=code, limits=limits or RunLimits())
        self._stack.append((lifespan, client, nc, engine))
        await engine.start()
        node = Node(code, ledger, nc, engine)
        planted = [(i, {}) for i in identifiers] + (extra_grants or [])
        await self._fund(node, planted)
        self.nodes[code] = node
        return node

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
        for lifespan, client, nc, engine in reversed(self._stack):
            await engine.stop()
            await nc.close()
            await client.aclose()
            await lifespan.__aexit__(None, None, None)
