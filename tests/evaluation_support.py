"""Helpers for evaluation tests: the harness around a running evaluation service."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import nats
from fastapi import FastAPI

from concordia.events import Envelope, Event


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
