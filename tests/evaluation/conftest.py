"""A running evaluation service for HTTP-level tests: real database, real nats-server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import nats
import pytest
from fastapi import FastAPI

from concordia.core.auth import TokenStore
from concordia.evaluation import app as evaluation_app
from concordia.evaluation.settings import EvaluationSettings
from concordia.events import Envelope, Event, NatsServer


@dataclass
class Evaluation:
    """The app in its lifespan, a client, tokens by name, and a way to publish local events."""

    app: FastAPI
    client: httpx.AsyncClient
    tokens: dict[str, str]
    node: str
    nats_url: str

    def auth(self, name: str) -> dict[str, str]:
        """Headers with the token called ``name``."""
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    async def publish(self, *events: Event) -> None:
        """Publish local events as the registry's and ledger's relays do."""
        nc = await nats.connect(self.nats_url)
        try:
            js = nc.jetstream()
            for event in events:
                envelope = Envelope.wrap(event, node=self.node)
                await js.publish(envelope.subject, envelope.to_bytes())
        finally:
            await nc.close()


TOKENS = {
    "admin": {"evaluation:admin"}, "reader": {"evaluation:read"},
    "eval-a": {"evaluation:write"}, "eval-b": {"evaluation:write"},
    "eval-c": {"evaluation:write"}, "eval-d": {"evaluation:write"},
}  # fmt: skip


@pytest.fixture
async def evaluation(
    database_factories: Callable[[str], Awaitable[str]],
    nats_server: NatsServer,
    node_code: str,
    tmp_path: Path,
) -> AsyncIterator[Evaluation]:
    """One running evaluation service with a fresh database."""
    store = TokenStore(tmp_path / "tokens.json")
    tokens = {name: store.create(name, scopes) for name, scopes in TOKENS.items()}
    settings = EvaluationSettings(
        env="test", node=node_code, database_url=await database_factories("evaluation"),
        nats_url=nats_server.url, tokens_file=tmp_path / "tokens.json",
        aggregate_interval_seconds=3600, agreement_min_items=2,
    )  # fmt: skip
    app = evaluation_app.create(settings)
    ctx = app.router.lifespan_context(app)
    await ctx.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://evaluation")
    try:
        yield Evaluation(app, client, tokens, node_code, nats_server.url)
    finally:
        await client.aclose()
        await ctx.__aexit__(None, None, None)
