"""An exchange and its node's registry, both real apps on real databases and a real broker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from apps import Apps
from exchange_support import Exchange, issue_tokens
from registry_support import settings_for as registry_settings

from concordia.events import NatsServer
from concordia.exchange import app as exchange_app
from concordia.exchange.settings import ExchangeSettings
from concordia.registry import app as registry_app


@pytest.fixture
async def make_exchange(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    node_code: str,
    tmp_path: Path,
) -> AsyncIterator[Callable[..., Awaitable[Exchange]]]:
    """Start an exchange (and its registry) per call; stopped after the test."""
    apps = Apps()
    tokens_path = tmp_path / "tokens.json"
    tokens = issue_tokens(tokens_path)

    async def start(screen_role: str = "screen", **extra: Any) -> Exchange:
        reg = registry_app.create(
            registry_settings(
                await database_factories("registry"), nats_server.url, tokens_path, node_code,
                **extra.pop("registry", {}),
            )
        )  # fmt: skip
        registry = await apps.start(reg, "http://r")
        settings = ExchangeSettings(
            env="test", node=node_code, database_url=await database_factories("exchange"),
            nats_url=nats_server.url, tokens_file=tokens_path, aggregate_interval_seconds=3600,
            registry_token=tokens[screen_role], **extra,
        )  # fmt: skip
        app = exchange_app.create(settings, registry_transport=httpx.ASGITransport(reg))
        client = await apps.start(app, "http://exchange")
        return Exchange(app, client, registry, tokens, settings)

    yield start
    await apps.aclose()


@pytest.fixture
async def exchange(make_exchange: Callable[..., Awaitable[Exchange]]) -> Exchange:
    """One running exchange beside its registry."""
    return await make_exchange()
