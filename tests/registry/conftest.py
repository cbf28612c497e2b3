"""A running registry for HTTP-level tests: real database, real nats-server, real tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from apps import Apps
from registry_support import Registry, issue_tokens, settings_for

from concordia.events import NatsServer
from concordia.registry import app as registry_app


@pytest.fixture
async def make_registry(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    node_code: str,
    tmp_path: Path,
) -> AsyncIterator[Callable[..., Awaitable[Registry]]]:
    """Start registries (usually one) with a fresh database; stopped after the test."""
    apps = Apps()
    tokens_path = tmp_path / "tokens.json"
    tokens = issue_tokens(tokens_path)

    async def start(url: str | None = None, **extra: Any) -> Registry:
        url = url or await database_factories("registry")
        settings = settings_for(url, nats_server.url, tokens_path, node_code, **extra)
        app = registry_app.create(settings)
        client = await apps.start(app, "http://registry")
        return Registry(app, client, tokens, settings, nats_server.url)

    yield start
    await apps.aclose()


@pytest.fixture
async def registry(make_registry: Callable[..., Awaitable[Registry]]) -> Registry:
    """One running registry."""
    return await make_registry()
