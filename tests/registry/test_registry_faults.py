"""Faults lose nothing and count nothing twice: a broker outage, a crash before publishing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import orjson
from registry_support import Registry, issue_tokens, person, settings_for

from concordia.events import NatsServer
from concordia.registry import app as registry_app


async def _start(settings_url: str, nats_url: str, tmp_path: Path, node: str, **extra: object):
    tokens = issue_tokens(tmp_path / "tokens.json")
    settings = settings_for(settings_url, nats_url, tmp_path / "tokens.json", node, **extra)
    app = registry_app.create(settings)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://registry")
    return Registry(app, client, tokens, settings, nats_url), lifespan


async def _stop(registry: Registry, lifespan: object) -> None:
    await registry.client.aclose()
    await lifespan.__aexit__(None, None, None)  # type: ignore[attr-defined]


async def _event_ids(registry: Registry, node: str, expected: int) -> list[str]:
    messages = await registry.stream_messages(f"local.{node}.registry.>", expected)
    return [orjson.loads(m.data)["id"] for m in messages]


async def test_broker_outage_while_writes_continue(
    database_factories: Callable[[str], Awaitable[str]], node_code: str, tmp_path: Path
) -> None:
    url = await database_factories("registry")
    with NatsServer(store_dir=tmp_path / "nats") as server:
        registry, lifespan = await _start(url, server.url, tmp_path, node_code)
        try:
            put = {"headers": registry.rw}
            await registry.client.put(
                "/v1/sync/persons", json={"records": [person(i) for i in range(20)]}, **put
            )
            await registry.relay_idle()
            server.stop()
            # The broker is gone; agencies keep writing and get their answers.
            during = await registry.client.put(
                "/v1/sync/persons", json={"records": [person(i) for i in range(20, 50)]}, **put
            )
            assert during.json()["counts"]["created"] == 30
            changed = await registry.client.put(
                "/v1/sync/persons",
                json={"records": [person(i, risk_level="critical") for i in range(10)]},
                **put,
            )
            assert changed.json()["counts"]["updated"] == 10
            ready = await registry.client.get("/readyz")
            assert ready.status_code == 503
            assert await registry.app.state.concordia.relay.pending_count() == 40
            server.start()
            await registry.relay_idle(seconds=30)
            ids = await _event_ids(registry, node_code, 60)
            assert len(ids) == len(set(ids)) == 60  # 50 registered + 10 updated, none twice
            await asyncio.sleep(0.3)  # nothing more trickles in
            assert await registry.stream_count(f"LOCAL_{node_code.upper()}") == 60
        finally:
            await _stop(registry, lifespan)


async def test_crash_between_commit_and_publish(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    node_code: str,
    tmp_path: Path,
) -> None:
    url = await database_factories("registry")
    # First life: the relay never gets to publish (as if the process died right after commit).
    first, lifespan = await _start(url, nats_server.url, tmp_path, node_code, relay_enabled=False)
    await first.client.put(
        "/v1/sync/persons", json={"records": [person(i) for i in range(15)]}, headers=first.rw
    )
    await _stop(first, lifespan)
    # Second life: the new relay publishes what the first left pending, once.
    second, lifespan = await _start(url, nats_server.url, tmp_path, node_code)
    try:
        await second.relay_idle()
        ids = await _event_ids(second, node_code, 15)
        assert len(set(ids)) == 15
        assert await second.stream_count(f"LOCAL_{node_code.upper()}") == 15
    finally:
        await _stop(second, lifespan)
