"""Helpers for registry tests: the harness type, settings, tokens and synthetic records."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
from fastapi import FastAPI

from concordia.core.auth import TokenStore
from concordia.registry.settings import RegistrySettings


@dataclass
class Registry:
    """A registry app in its lifespan, a client, and tokens by scope."""

    app: FastAPI
    client: httpx.AsyncClient
    tokens: dict[str, str]
    settings: RegistrySettings
    nats_url: str

    def auth(
        self, *scopes: str, purpose: str | None = "permit_case_work", owner: str | None = None
    ) -> dict[str, str]:
        """Headers carrying a token with exactly ``scopes`` (of ``owner``, if given) and a
        purpose (``None`` sends no X-Purpose)."""
        key = " ".join(sorted(scopes))
        headers = {"Authorization": f"Bearer {self.tokens[f'{owner} {key}' if owner else key]}"}
        if purpose:
            headers["X-Purpose"] = purpose
        return headers

    @property
    def rw(self) -> dict[str, str]:
        """A token that can read and write the registry."""
        return self.auth("registry:read", "registry:write")

    async def relay_idle(self, seconds: float = 20) -> None:
        """Wait until every committed event has been published."""
        async with asyncio.timeout(seconds):
            await self.app.state.concordia.relay.wait_until_idle()

    async def stream_count(self, stream: str) -> int:
        """How many messages a JetStream stream holds."""
        nc = await nats.connect(self.nats_url)
        try:
            info = await nc.jetstream().stream_info(stream)
            return int(info.state.messages)
        finally:
            await nc.close()

    async def stream_messages(self, subject: str, expected: int) -> list[Any]:
        """Read ``expected`` messages on ``subject`` from JetStream (ordered consumer)."""
        nc = await nats.connect(self.nats_url)
        try:
            js = nc.jetstream()
            sub = await js.subscribe(subject, ordered_consumer=True)
            messages = []
            async with asyncio.timeout(10):
                while len(messages) < expected:
                    messages.append(await sub.next_msg(timeout=5))
            return messages
        finally:
            await nc.close()


def settings_for(
    url: str, nats_url: str, tokens: Path, node: str, **extra: Any
) -> RegistrySettings:
    """Registry settings for a test."""
    return RegistrySettings(
        env="test",
        node=node,
        database_url=url,
        nats_url=nats_url,
        tokens_file=tokens,
        aggregate_interval_seconds=3600,
        **extra,
    )


#: The agencies the tests' owned tokens belong to.
AGENCY_1, AGENCY_2 = "agency:test-1", "agency:test-2"


def issue_tokens(path: Path) -> dict[str, str]:
    """Tokens for each scope combination the tests use: the operator's, and two agencies'."""
    store = TokenStore(path)
    combos = [
        ("registry:read",), ("registry:write",), ("registry:read", "registry:write"), ("ops",),
        ("registry:admin", "registry:read", "registry:write"),
    ]  # fmt: skip
    tokens = {" ".join(sorted(c)): store.create(f"test-{'-'.join(c)}", set(c)) for c in combos}
    rw = ("registry:read", "registry:write")
    for owner in (AGENCY_1, AGENCY_2):
        tokens[f"{owner} {' '.join(rw)}"] = store.create(f"test-{owner}", set(rw), owner=owner)
    return tokens


def person(n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A visibly synthetic person record."""
    record = {
        "external_id": f"TEST-{n:06d}",
        "name": f"Testperson {n:06d}",
        "aliases": [f"Alias-{n}"],
        "gender": ("female", "male", "other", "undisclosed")[n % 4],
        "ethnic_origin": ("russian", "non_russian")[n % 2],
        "region_of_origin": ("RU-MOW", "RU-TA", "RU-SPE", "RU-BU")[n % 4],
        "profession_category": ("journalist", "activist", "researcher")[n % 3],
        "host_country": "SE",
        "host_city": "Testville",
        "vulnerabilities": [],
        "risk_level": "high",
        "family": [{"relation": "child", "count": 2}],
    }
    record.update(overrides)
    return record


async def create(registry: Registry, record: dict[str, Any]) -> httpx.Response:
    """POST a person with a read-write token."""
    return await registry.client.post("/v1/persons", json=record, headers=registry.rw)
