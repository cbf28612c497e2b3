"""The exchange service, on the service kit: practices, four eyes, the screen, search."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from concordia.exchange import console
from concordia.exchange.api import attachments, contributions, practices
from concordia.exchange.api.deps import ExchangeState
from concordia.exchange.screening import RegistryScreen
from concordia.exchange.settings import ExchangeSettings
from concordia.kit import Runtime, ServiceDefinition, build_app, serve

SERVICE_DIR = Path(__file__).resolve().parents[3]

DESCRIPTION = """
The best-practice exchange of a Concordia country node: lessons learned that every state can
find. A practice is written at its origin node, edited there only (every edit a new revision),
and leaves for the coalition only after a second person approves it and the node's registry
has screened all of its text for the people it holds. Endorsements and comments come from other
states' nodes, by a role and a country, never a person.

Authenticate with `Authorization: Bearer <token>`; scopes: `exchange:read` (read and search),
`exchange:write` (write practices, endorsements, comments, attachments), `exchange:approve`
(approve what someone else wrote).
"""


def create(
    settings: ExchangeSettings | None = None,
    *,
    registry_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the exchange app from settings (environment by default).

    ``registry_transport`` lets tests serve the registry in-process; otherwise the registry is
    reached at ``settings.registry_url``.
    """
    settings = settings or ExchangeSettings()
    token = settings.registry_token.get_secret_value() if settings.registry_token else None
    state = ExchangeState(
        node=settings.node,
        max_attachment_bytes=settings.attachment_max_bytes,
        screen=RegistryScreen(None, token),
    )

    @asynccontextmanager
    async def registry_client(_rt: Runtime) -> AsyncIterator[None]:
        if settings.registry_url is None and registry_transport is None:
            yield
            return
        base = settings.registry_url or "http://registry"
        async with httpx.AsyncClient(
            base_url=base, transport=registry_transport, timeout=30.0
        ) as client:
            state.screen.client = client
            try:
                yield
            finally:
                state.screen.client = None

    from concordia.exchange import consumers
    from concordia.kit import ConsumerSpec

    return build_app(
        ServiceDefinition(
            name="exchange",
            service_dir=SERVICE_DIR,
            settings=settings,
            routers=[practices.router, contributions.router, attachments.router],
            description=DESCRIPTION,
            consumers=[
                ConsumerSpec("replicas", consumers.SUBJECTS, consumers.handler, inbound=True)
            ],
            parts=[registry_client],
            extra=state,
            console=console.SECTIONS,
            console_locales=[console.LOCALES],
        )
    )


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.exchange.app:main``."""
    return serve("exchange", create, ExchangeSettings())
