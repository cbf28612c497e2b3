"""Practices travel node -> hub -> every other node, durably: real nats-servers, real services.

A generated coalition (hub and three nodes on their own nats-servers, leaf connections with
TLS), the hub service in ``sourced`` mode, and at every node its registry (which screens) and
its exchange, each on its own database. A published practice leaves through the exchange's
outbox into ``SHARED_<NODE>``, the hub sources it, relays it into ``BROADCAST_<OTHER>``, each
other node's ``INBOUND_<OTHER>`` sources that, and its exchange applies it through its inbox.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import polling
import pytest
from exchange_support import Exchange, issue_tokens, practice
from federation_support import Coalition, make_coalition, running
from hub_support import hub_settings

from concordia.exchange import app as exchange_app
from concordia.exchange.settings import ExchangeSettings
from concordia.hub import app as hub_app
from concordia.registry import app as registry_app
from concordia.registry.settings import RegistrySettings

pytestmark = pytest.mark.slow
NewDatabase = Callable[[str], Awaitable[str]]


@dataclass
class Node:
    """A node's registry and exchange apps in their lifespans (stoppable, restartable)."""

    code: str
    coalition: Coalition
    tokens_file: Path
    tokens: dict[str, str]
    databases: dict[str, str]
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    exchange: Exchange | None = None

    async def start(self) -> Exchange:
        """Start the registry and the exchange on this node's broker and databases."""
        c, code = self.coalition, self.code
        registry = registry_app.create(
            RegistrySettings(
                env="test", node=code, database_url=self.databases["registry"],
                nats_url=c.node_url(code, "registry"),
                nats_shared_url=c.node_url(code, "registry-shared"),
                tokens_file=self.tokens_file, aggregate_interval_seconds=3600,
            )
        )  # fmt: skip
        await self.stack.enter_async_context(registry.router.lifespan_context(registry))
        settings = ExchangeSettings(
            env="test", node=code, database_url=self.databases["exchange"],
            nats_url=c.node_url(code, "exchange"),
            nats_shared_url=c.node_url(code, "exchange-shared"),
            tokens_file=self.tokens_file, aggregate_interval_seconds=3600,
            registry_token=self.tokens["screen"],
        )  # fmt: skip
        app = exchange_app.create(settings, registry_transport=httpx.ASGITransport(registry))
        await self.stack.enter_async_context(app.router.lifespan_context(app))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://x")
        reg = httpx.AsyncClient(transport=httpx.ASGITransport(registry), base_url="http://r")
        for each in (client, reg):
            self.stack.push_async_callback(each.aclose)
        self.exchange = Exchange(app, client, reg, self.tokens, settings)
        return self.exchange

    async def stop(self) -> None:
        """Stop both apps (their databases stay)."""
        await self.stack.aclose()
        self.stack, self.exchange = contextlib.AsyncExitStack(), None

    @property
    def ex(self) -> Exchange:
        """The running exchange."""
        assert self.exchange is not None
        return self.exchange

    async def practice(self, pid: str) -> dict[str, Any] | None:
        """The practice as this node serves it, or None."""
        got = await self.ex.client.get(f"/v1/practices/{pid}", headers=self.ex.auth("reader"))
        return dict(got.json()) if got.status_code == 200 else None

    async def revisions(self, pid: str) -> list[int]:
        """The revision numbers this node holds of a practice."""
        got = await self.ex.client.get(
            f"/v1/practices/{pid}/revisions", headers=self.ex.auth("reader")
        )
        return [r["number"] for r in got.json()] if got.status_code == 200 else []

    async def has(self, pid: str, title: str, within: float = 60) -> None:
        """Wait until this node serves practice ``pid`` with ``title``."""

        async def served() -> bool:
            found = await self.practice(pid)
            return found is not None and found["title"] == title

        await polling.eventually(served, within=within, what=f"{pid} at {self.code}")


@pytest.fixture
async def nodes(tmp_path: Path, database_factories: NewDatabase) -> AsyncIterator[dict[str, Node]]:
    """A hub service and three nodes (SE, PL, DE) with registry and exchange, all running."""
    async with running(make_coalition(tmp_path / "c", ("se", "pl", "de"))) as c:
        tokens_file = tmp_path / "tokens.json"
        tokens = issue_tokens(tokens_file)
        hub = hub_app.create(
            hub_settings(
                await database_factories("hub"), tokens_file, c.root / "hub" / "nodes",
                stream_mode="sourced",
            )
        )  # fmt: skip
        async with hub.router.lifespan_context(hub):
            started: dict[str, Node] = {}
            try:
                for code in ("se", "pl", "de"):
                    dbs = {s: await database_factories(s) for s in ("registry", "exchange")}
                    started[code] = Node(code, c, tokens_file, tokens, dbs)
                    await started[code].start()
                yield started
            finally:
                for node in started.values():
                    await node.stop()


async def publish(node: Node, title: str, **fields: Any) -> str:
    """Create, submit and approve a practice at ``node``; its id."""
    body = practice(title=title, country=node.code.upper(), **fields)
    return str((await node.ex.publish(body))["id"])


async def test_a_practice_reaches_every_other_node_through_the_hub(
    nodes: dict[str, Node],
) -> None:
    se, pl, de = nodes["se"], nodes["pl"], nodes["de"]
    pid = await publish(se, "Federated practice: a permit track for researchers")
    await pl.has(pid, "Federated practice: a permit track for researchers")
    await de.has(pid, "Federated practice: a permit track for researchers")
    replica = await pl.practice(pid)
    assert replica is not None
    assert replica["origin"] == "se"
    found = await de.ex.client.get(
        "/v1/practices", params={"q": "researcher"}, headers=de.ex.auth("reader")
    )
    assert [p["id"] for p in found.json()["items"]] == [pid]
    # And back the other way: PL's practice reaches SE and DE; SE's own is not duplicated.
    other = await publish(pl, "Federated practice from PL: funding for exiled media")
    await se.has(other, "Federated practice from PL: funding for exiled media")
    await de.has(other, "Federated practice from PL: funding for exiled media")
    assert await se.revisions(pid) == [1]
    # An attachment travels with its practice, in pieces (NATS carries 1 MiB at most).
    template = ("A synthetic permit application template, line by line. " * 9_000).encode()
    sha = hashlib.sha256(template).hexdigest()
    draft = await se.ex.client.post(
        "/v1/practices", json=practice(title="Federated practice with a template", country="SE"),
        headers=se.ex.auth("editor"),
    )  # fmt: skip
    with_file = draft.json()["id"]
    attached = await se.ex.client.post(
        f"/v1/practices/{with_file}/attachments", content=template,
        headers=se.ex.auth("editor") | {"Content-Type": "text/plain"},
    )  # fmt: skip
    assert attached.status_code == 201, attached.text
    await se.ex.client.post(f"/v1/practices/{with_file}/submit", headers=se.ex.auth("editor"))
    approved = await se.ex.client.post(
        f"/v1/practices/{with_file}/approve", json={}, headers=se.ex.auth("approver")
    )
    assert approved.status_code == 200, approved.text
    for node in (pl, de):
        await node.has(with_file, "Federated practice with a template")

        async def arrived(node: Node = node) -> bool:
            got = await node.ex.client.get(
                f"/v1/practices/{with_file}/attachments/{sha}", headers=node.ex.auth("reader")
            )
            return got.status_code == 200 and got.content == template

        await polling.eventually(arrived, within=60, what=f"the attachment at {node.code}")
    # The replica is read-only where it is not at home.
    refused = await pl.ex.client.patch(
        f"/v1/practices/{pid}", json={"title": "Edited elsewhere"},
        headers=pl.ex.auth("editor") | {"If-Match": '"1"'},
    )  # fmt: skip
    assert refused.status_code == 409


async def test_a_node_away_catches_up_with_everything_once(
    nodes: dict[str, Node],
) -> None:
    se, pl, de = nodes["se"], nodes["pl"], nodes["de"]
    first = await publish(se, "Before the outage: a security desk for exiles")
    await de.has(first, "Before the outage: a security desk for exiles")
    await de.stop()  # the node goes away: its services and its nats-server
    de_broker = de.coalition.brokers["de"]
    de_broker.stop()
    published = {
        await publish(se, f"During the outage {n}: coordination between ministries"): (
            f"During the outage {n}: coordination between ministries"
        )
        for n in range(3)
    }
    published[await publish(pl, "During the outage: a PL pilot for family reunification")] = (
        "During the outage: a PL pilot for family reunification"
    )
    edit = await se.ex.client.patch(
        f"/v1/practices/{first}", json={"title": "Before the outage, revised while DE was away"},
        headers=se.ex.auth("editor") | {"If-Match": '"1"'},
    )  # fmt: skip
    assert edit.status_code == 200, edit.text
    await se.ex.client.post(f"/v1/practices/{first}/submit", headers=se.ex.auth("editor"))
    approved = await se.ex.client.post(
        f"/v1/practices/{first}/approve", json={}, headers=se.ex.auth("approver")
    )
    assert approved.status_code == 200, approved.text
    await pl.has(first, "Before the outage, revised while DE was away")  # the others had it
    de_broker.start()
    await de.start()  # same databases: it resumes where it stopped
    for pid, title in published.items():
        await de.has(pid, title, within=90)
    await de.has(first, "Before the outage, revised while DE was away", within=90)
    assert await de.revisions(first) == [1, 2]
    listed = await de.ex.client.get(
        "/v1/practices", params={"limit": 50}, headers=de.ex.auth("reader")
    )
    ids = [p["id"] for p in listed.json()["items"]]
    assert sorted(ids) == sorted([first, *published])  # each once


async def test_a_replayed_event_is_applied_once(nodes: dict[str, Node]) -> None:
    se, pl = nodes["se"], nodes["pl"]
    pid = await publish(se, "Replayed practice: inclusion of minorities")
    await pl.has(pid, "Replayed practice: inclusion of minorities")
    coalition = pl.coalition
    spy = await coalition.connect(coalition.hub_spy_url("pl"))
    sjs = spy.jetstream(timeout=5)
    kept = await sjs.get_msg("BROADCAST_PL", seq=1)
    consumer = pl.ex.app.state.concordia.consumers["replicas"]
    before = consumer.metrics.duplicates_total
    # The hub (or a retried relay past the duplicate window) sends the same event again.
    hub = await coalition.connect(coalition.hub_url("pl"))
    await hub.jetstream(timeout=5).publish(
        kept.subject, kept.data, headers={"Nats-Msg-Id": "replayed-1"}
    )

    async def seen_twice() -> bool:
        return bool(consumer.metrics.duplicates_total > before)

    await polling.eventually(seen_twice, within=60, what="the replay at PL")
    assert await pl.revisions(pid) == [1]
    assert consumer.metrics.terminated_total == 0
