"""A running hub for HTTP-level tests: real database, a nats-server with country accounts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from apps import Apps
from hub_support import (
    Hub,
    accounts_config,
    hub_settings,
    issue_tokens,
    write_directory,
    write_node,
)

from concordia.events import NatsServer
from concordia.hub import app as hub_app


@pytest.fixture
def country_nats(tmp_path: Path) -> Iterator[NatsServer]:
    """A fresh nats-server with one JetStream account per test country."""
    with NatsServer(store_dir=tmp_path / "nats", config=accounts_config()) as server:
        yield server


@pytest.fixture
async def make_hub(
    database_factories: Callable[[str], Awaitable[str]],
    country_nats: NatsServer,
    tmp_path: Path,
) -> AsyncIterator[Callable[..., Awaitable[Hub]]]:
    """Start hubs (usually one); each stopped after the test. ``nodes`` are written first."""
    apps = Apps()
    tokens_path = tmp_path / "tokens.json"
    tokens = issue_tokens(tokens_path)
    nodes_dir = tmp_path / "nodes"
    nodes_dir.mkdir(exist_ok=True)
    keys = write_directory(tmp_path / "directory.json")

    async def start(
        url: str | None = None, nodes: tuple[str, ...] = ("se", "pl"), **extra: Any
    ) -> Hub:
        for code in nodes:
            write_node(nodes_dir, country_nats, code)
        url = url or await database_factories("hub")
        settings = hub_settings(url, tokens_path, nodes_dir, **extra)
        app = hub_app.create(settings)
        client = await apps.start(app, "http://hub")
        return Hub(app, client, tokens, settings, keys)

    start.stop_all = apps.aclose  # type: ignore[attr-defined]
    yield start
    await apps.aclose()


@pytest.fixture
async def hub(make_hub: Callable[..., Awaitable[Hub]]) -> Hub:
    """One running hub linked to `se` and `pl`."""
    started = await make_hub()
    await started.linked("se")
    await started.linked("pl")
    return started
