"""A running ledger for HTTP-level tests: real database, real nats-server, real tokens."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import registry_support
from apps import Apps
from ledger_support import Ledger, grant, issue_tokens, new_donor, settings_for
from registry_support import Registry

from concordia.events import NatsServer
from concordia.ledger import app as ledger_app
from concordia.registry import app as registry_app


@pytest.fixture
async def make_ledger(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    node_code: str,
    tmp_path: Path,
) -> AsyncIterator[Callable[..., Awaitable[Ledger]]]:
    """Start ledgers (usually one) with a fresh database; stopped after the test."""
    apps = Apps()
    tokens_path = tmp_path / "tokens.json"
    tokens = issue_tokens(tokens_path)

    async def start(url: str | None = None, **extra: Any) -> Ledger:
        url = url or await database_factories("ledger")
        settings = settings_for(url, nats_server.url, tokens_path, node_code, **extra)
        app = ledger_app.create(settings)
        client = await apps.start(app, "http://ledger")
        return Ledger(app, client, tokens, settings, nats_server.url)

    yield start
    await apps.aclose()


@pytest.fixture
async def ledger(make_ledger: Callable[..., Awaitable[Ledger]]) -> Ledger:
    """One running ledger."""
    return await make_ledger()


@pytest.fixture
async def funded(ledger: Ledger) -> dict[str, Any]:
    """A donor, an announced organisation and a grant to it."""
    donor = await new_donor(ledger)
    org_id = await ledger.announce_organisation()
    recipient = {"type": "organisation", "id": str(org_id)}
    response = await ledger.client.post(
        "/v1/grants", json=grant(donor["id"], recipient), headers=ledger.rw
    )
    assert response.status_code == 201, response.text
    return {"donor": donor, "org_id": org_id, "recipient": recipient, "grant": response.json(),
            "other": uuid.uuid4()}  # fmt: skip


@pytest.fixture
async def registry(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    node_code: str,
    tmp_path: Path,
) -> AsyncIterator[Registry]:
    """A real registry on the same node and broker as the ledger, publishing its local events."""
    tokens_path = tmp_path / "registry-tokens.json"
    tokens = registry_support.issue_tokens(tokens_path)
    url = await database_factories("registry")
    settings = registry_support.settings_for(url, nats_server.url, tokens_path, node_code)
    app = registry_app.create(settings)
    ctx = app.router.lifespan_context(app)
    await ctx.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://registry")
    try:
        yield Registry(app, client, tokens, settings, nats_server.url)
    finally:
        await client.aclose()
        await ctx.__aexit__(None, None, None)
