"""The registry of a generated node publishes its aggregates as its COALITION user, to the hub."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from federation_support import Coalition, stream_holds
from nats.js.errors import NotFoundError
from registry_support import person

from concordia.cli.nodeinit import service_env
from concordia.core.auth import TokenStore
from concordia.events import (
    Envelope,
    PersonRegistered,
    country_stream,
    ensure_streams,
    local_stream,
)
from concordia.ledger import app as ledger_app
from concordia.ledger.settings import LedgerSettings
from concordia.registry import app as registry_app
from concordia.registry.settings import RegistrySettings


async def test_registry_publishes_aggregates_over_its_coalition_user(
    coalition: Coalition,
    database_factories: Callable[[str], Awaitable[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = coalition.nodes["se"].root
    for key, value in service_env(root, "registry").items():
        monkeypatch.setenv(key, value)
    settings = RegistrySettings(
        database_url=await database_factories("registry"), aggregate_interval_seconds=0.5
    )
    assert settings.nats_shared_url
    assert "registry-shared:" in settings.nats_shared_url
    token = TokenStore(settings.tokens_file).create("test-writer", {"registry:write"})
    app = registry_app.create(settings)
    async with app.router.lifespan_context(app):
        assert app.state.concordia.shared_link is not None
        assert app.state.concordia.shared_link.connected
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://registry") as client:
            for n in range(3):
                response = await client.post(
                    "/v1/persons",
                    json=person(n),
                    headers={"Authorization": f"Bearer {token}", "X-Purpose": "permit_case_work"},
                )
                assert response.status_code == 201, response.text
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
        shared = await coalition.connect(coalition.node_url("se", "registry-shared"))
        sjs = shared.jetstream(timeout=3)
        await stream_holds(sjs, "SHARED_SE", 1, within=45)
        local = await coalition.connect(coalition.node_url("se", "registry"))
        # The outbox relays asynchronously: wait for the three rather than read at once.
        assert await stream_holds(local.jetstream(timeout=3), "LOCAL_SE", 3) >= 3
        conns = coalition.brokers["se"].monitor("connz?auth=true")["connections"]
        users = {c.get("name"): (c.get("authorized_user"), c.get("account")) for c in conns}
        assert users["concordia-registry-se-shared"] == ("registry-shared", "COALITION")
        assert users["concordia-registry-se"] == ("registry", "LOCAL")
        hub = await coalition.connect(coalition.hub_url("se"))
        hjs = hub.jetstream(timeout=3)
        await ensure_streams(hjs, [country_stream("se")])
        # The registry's status report (its charter, its outbox) and its aggregates arrive.
        await stream_holds(hjs, "NODE_SE", 2, within=45)  # a loaded machine sources slower
        last = (await hjs.stream_info("NODE_SE")).state.last_seq
        messages = []
        for seq in range(1, last + 1):  # one message per subject: older ones may be gone
            with contextlib.suppress(NotFoundError):
                messages.append(await hjs.get_msg("NODE_SE", seq=seq))
        subjects = {m.subject for m in messages}
        assert "shared.se.registry.status" in subjects
        assert any(s.startswith("shared.se.registry.aggregate.") for s in subjects)
        assert not any(b"Testperson" in m.data for m in messages)


async def test_ledger_consumes_local_events_and_publishes_over_coalition(
    coalition: Coalition,
    database_factories: Callable[[str], Awaitable[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ledger's least-privilege LOCAL user can still run its durable consumer."""
    root = coalition.nodes["se"].root
    for key, value in service_env(root, "ledger").items():
        monkeypatch.setenv(key, value)
    settings = LedgerSettings(
        database_url=await database_factories("ledger"), aggregate_interval_seconds=0.5
    )
    registry = await coalition.connect(coalition.node_url("se", "registry"))
    rjs = registry.jetstream(timeout=3)
    await ensure_streams(rjs, [local_stream("se")])
    for _n in range(3):
        event = PersonRegistered(person_id=uuid.uuid4(), host_country="SE", version=1)
        envelope = Envelope.wrap(event, node="se")
        await rjs.publish(
            envelope.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": envelope.id}
        )
    app = ledger_app.create(settings)
    async with app.router.lifespan_context(app):
        assert app.state.concordia.shared_link is not None
        assert app.state.concordia.shared_link.connected
        conns = coalition.brokers["se"].monitor("connz?auth=true")["connections"]
        users = {c.get("name"): (c.get("authorized_user"), c.get("account")) for c in conns}
        assert users["concordia-ledger-se-shared"] == ("ledger-shared", "COALITION")
        ledger = await coalition.connect(coalition.node_url("se", "ledger"))
        ljs = ledger.jetstream(timeout=3)
        async with asyncio.timeout(15):
            while True:
                info = await ljs.consumer_info("LOCAL_SE", ledger_app.consumer_name_for("se"))
                if (
                    info.num_pending == 0
                    and info.num_ack_pending == 0
                    and info.delivered.stream_seq >= 3
                ):
                    break
                await asyncio.sleep(0.1)
