"""The hub service: app factory and lifespan (country links, charter re-send, overlap rounds)."""

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
from concordia.hub.api import overlaps, routes
from concordia.hub.metrics import FederationCollector
from concordia.hub.nodes import Federation
from concordia.hub.overlap import OverlapRounds
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
    # Built from the country links as they come up (and again when a country is added).
    rounds = OverlapRounds(
        db, step_timeout=settings.psi_step_timeout_seconds, runs_per_day=settings.psi_runs_per_day
    )
    federation.listeners.append(rounds)

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
        if settings.overlap_round_seconds is not None:
            tasks.append(
                asyncio.create_task(
                    rounds.schedule(settings.overlap_round_seconds, settings.overlap_purposes),
                    name="overlap-rounds",
                )
            )
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await rounds.stop()
            await federation.stop()

    app = create_app(
        service="hub",
        settings=settings,
        db=db,
        routers=[routes.router, overlaps.router],
        lifespan=lifespan,
        description=DESCRIPTION,
    )
    app.state.federation, app.state.overlap_rounds = federation, rounds
    FederationCollector(federation).register(app.state.metrics)
    return app


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.hub.app:main``."""
    settings = HubSettings()
    configure_logging(settings.log_level, service="hub")
    return create(settings)
