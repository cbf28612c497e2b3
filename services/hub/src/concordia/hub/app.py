"""The hub service: app factory and lifespan (migration check, country links, charter re-send)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from concordia.core.db import Database
from concordia.core.logging import configure_logging
from concordia.core.migrations import ensure_migrated
from concordia.core.web import create_app
from concordia.hub import charter
from concordia.hub.api import routes
from concordia.hub.metrics import FederationCollector
from concordia.hub.nodes import Federation
from concordia.hub.settings import HubSettings

SERVICE_DIR = Path(__file__).resolve().parents[3]

DESCRIPTION = """
The coalition hub of Concordia. Every country node sends it disclosure-controlled aggregates
and its services' status; the hub keeps every version, shows coalition totals (saying where a
node's cell is suppressed, never guessing it) and the charter's targets, and sets the charter
every node applies. It holds nothing personal.

Authenticate with `Authorization: Bearer <token>`; scopes `hub:read` and `hub:admin`.
"""


def create(settings: HubSettings | None = None) -> FastAPI:
    """Build the hub app from settings (environment by default)."""
    settings = settings or HubSettings()
    db = Database(settings.database_url)
    federation = Federation(db, settings.nodes_dir, mode=settings.stream_mode)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_migrated(db, SERVICE_DIR, "hub")
        await federation.sync()
        tasks = [
            asyncio.create_task(federation.run(settings.nodes_scan_seconds), name="nodes-scan"),
            asyncio.create_task(
                charter.resend_forever(db, federation, settings.charter_resend_seconds),
                name="charter-resend",
            ),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await federation.stop()

    app = create_app(
        service="hub",
        settings=settings,
        db=db,
        routers=[routes.router],
        lifespan=lifespan,
        description=DESCRIPTION,
    )
    app.state.federation = federation
    FederationCollector(federation).register(app.state.metrics)
    return app


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.hub.app:main``."""
    settings = HubSettings()
    configure_logging(settings.log_level, service="hub")
    return create(settings)
