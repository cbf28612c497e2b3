"""The registry service: app factory and lifespan (relay, charter follower, aggregate publisher)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from concordia.core.crypto import FieldCipher
from concordia.core.db import Database
from concordia.core.logging import configure_logging
from concordia.core.migrations import ensure_migrated
from concordia.core.web import create_app
from concordia.events import (
    AggregateSnapshotPublished,
    CharterFollower,
    NodeLinks,
    OutboxRelay,
    RelayCollector,
    StreamSpec,
    disclosure_rules,
    local_stream,
    run_publisher,
    shared_stream,
)
from concordia.registry import aggregates
from concordia.registry.api import feeds, organisations, permits, persons, sync
from concordia.registry.outbox import charters, outbox
from concordia.registry.schemas import OrganisationSync, PersonSync
from concordia.registry.service._common import NodeContext
from concordia.registry.service.audit import AuditTrail, AuditUnavailableError
from concordia.registry.settings import RegistrySettings

log = logging.getLogger(__name__)
SERVICE_DIR = Path(__file__).resolve().parents[3]

DESCRIPTION = """
The actor registry of a Concordia country node: persons at risk and their families, their
organisations and permits. Personal fields are encrypted at rest, every read of a person is
audited, and only disclosure-controlled aggregates leave the node.

Authenticate with `Authorization: Bearer <token>`; tokens carry scopes (`registry:read`,
`registry:write`, `ops`). Send `X-Purpose` with reads of persons: it is kept in the audit log.
"""


def streams(node: str) -> list[StreamSpec]:
    """The JetStream streams this service publishes into (on one server, unfederated)."""
    return [local_stream(node), shared_stream(node)]


def create(settings: RegistrySettings | None = None) -> FastAPI:
    """Build the registry app from settings (environment by default)."""
    settings = settings or RegistrySettings()
    db = Database(settings.database_url)
    ctx = NodeContext(node=settings.node, cipher=FieldCipher(settings.node_key_bytes))
    links = NodeLinks("registry", settings.node, settings.nats_url, settings.nats_shared_url)
    link = links.local
    follower = CharterFollower(
        db, charters, node=settings.node, service="registry", outbox=outbox,
        interval=settings.status_interval_seconds,
    )  # fmt: skip

    async def publish_aggregates() -> list[AggregateSnapshotPublished]:
        """One run of the publisher under the charter the service follows right now."""
        current = follower.current
        rules = disclosure_rules(
            current, k=settings.disclosure_k, rounding_base=settings.rounding_base,
            k_min=settings.disclosure_k_min,
        )  # fmt: skip
        return await aggregates.publish(
            db=db, ctx=ctx, k=rules.k, rounding_base=rules.rounding_base,
            charter_version=current.version,
        )  # fmt: skip

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_migrated(db, SERVICE_DIR, "registry")
        # Its own engine: reads hold a pooled connection while they wait for their audit
        # entry, so a trail drawing from the same pool could starve behind them.
        trail = AuditTrail(Database(settings.database_url))
        await trail.start()
        app.state.audit_trail = trail
        tasks: list[asyncio.Task[None]] = []

        # Usually the broker is there: be ready at once. If not, start anyway; the outbox waits.
        await links.start()
        relay = OutboxRelay(db, outbox, links.route()) if settings.relay_enabled else None
        if relay is not None:
            RelayCollector(relay).register(app.state.metrics)
            await relay.start()
        # The charter comes from the hub over the shared link (the only link when unfederated).
        await follower.start((links.shared or link).client)
        tasks.append(
            asyncio.create_task(
                run_publisher(
                    publish_aggregates, interval=settings.aggregate_interval_seconds,
                    is_leader=lambda: relay is None or relay.metrics.is_leader,
                ),
                name="aggregate-publisher",
            )
        )  # fmt: skip
        app.state.relay = relay
        app.state.link, app.state.shared_link = link, links.shared
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await follower.stop()
            if relay is not None:
                await relay.stop()
            await links.stop()
            await trail.stop()

    app = create_app(
        service="registry",
        settings=settings,
        db=db,
        routers=[persons.router, organisations.router, permits.router, sync.router, feeds.router],
        lifespan=lifespan,
        readiness=links.readiness(),
        description=DESCRIPTION,
        extra_schemas=[PersonSync, OrganisationSync],
    )
    app.state.ctx = ctx
    app.state.charter_follower = follower
    app.state.publish_aggregates = publish_aggregates
    app.add_exception_handler(AuditUnavailableError, _audit_unavailable)
    return app


def _audit_unavailable(_request: Request, _exc: Exception) -> JSONResponse:
    # Refuse rather than serve a person's record without a durable audit entry.
    detail = "the audit log cannot be written right now; the record is not served"
    return JSONResponse({"detail": detail}, status_code=503)


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.registry.app:main``."""
    settings = RegistrySettings()
    configure_logging(settings.log_level, service="registry")
    return create(settings)
