"""The ledger service: app factory and lifespan (migration check, outbox relay, consumer)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI

from concordia.core.db import Database
from concordia.core.logging import configure_logging
from concordia.core.migrations import ensure_migrated
from concordia.core.web import create_app
from concordia.events import (
    Consumer,
    NodeLinks,
    OutboxRelay,
    RelayCollector,
    StreamSpec,
    local_stream,
    run_publisher,
    shared_stream,
)
from concordia.ledger import aggregates, consumers
from concordia.ledger.api import activities, donors, feed, grants, rates, sync
from concordia.ledger.api import aggregates as aggregates_routes
from concordia.ledger.feed_stream import FeedNotifier
from concordia.ledger.outbox import inbox, outbox
from concordia.ledger.schemas import GrantSync
from concordia.ledger.service._common import NodeContext
from concordia.ledger.settings import LedgerSettings

log = logging.getLogger(__name__)
SERVICE_DIR = Path(__file__).resolve().parents[3]

DESCRIPTION = """
The funding ledger of a Concordia country node: donors, grants to organisations and persons,
IATI transactions with EUR conversion, and the activities grants fund (participants as counts).
Recipients are those the node's registry announced through its local events.

Authenticate with `Authorization: Bearer <token>`: `ledger:write` to record, `feed:read` or
`ledger:write` to read. Feed readers never see restricted grants, and see persons only as
"individual".
"""


def streams(node: str) -> list[StreamSpec]:
    """The JetStream streams this service publishes into and consumes from (local first)."""
    return [local_stream(node), shared_stream(node)]


def consumer_name(node: str) -> str:
    """The durable consumer of registry events on ``node``."""
    return f"ledger-registry-{node}"


def create(settings: LedgerSettings | None = None) -> FastAPI:
    """Build the ledger app from settings (environment by default)."""
    settings = settings or LedgerSettings()
    db = Database(settings.database_url)
    ctx = NodeContext(node=settings.node)
    links = NodeLinks("ledger", settings.node, settings.nats_url, settings.nats_shared_url)
    link = links.local

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_migrated(db, SERVICE_DIR, "ledger")

        await links.start()
        app.state.feed_notifier = notifier = FeedNotifier(link, settings.node)
        await notifier.start()
        relay = OutboxRelay(db, outbox, links.route()) if settings.relay_enabled else None
        if relay is not None:
            RelayCollector(relay).register(app.state.metrics)
            await relay.start()
        consumer = None
        if settings.consumer_enabled:
            # Registry events include erasures: a database outage must delay them, never drop
            # them, so failures are retried without limit (backoff capped at a minute).
            consumer = Consumer(
                link.js, db, inbox, consumers.handler(ctx),
                name=consumer_name(settings.node), subjects=consumers.SUBJECTS,
                node=settings.node, stream=local_stream(settings.node).name, max_deliver=-1,
            )  # fmt: skip
            await consumer.start()
        publisher = asyncio.create_task(
            run_publisher(
                partial(
                    aggregates.publish, db=db, ctx=ctx, k=settings.disclosure_k,
                    rounding_base=settings.rounding_base,
                ),
                interval=settings.aggregate_interval_seconds,
                is_leader=lambda: relay is None or relay.metrics.is_leader,
            ),
            name="aggregate-publisher",
        )  # fmt: skip
        app.state.relay, app.state.consumer, app.state.link = relay, consumer, link
        app.state.shared_link = links.shared
        try:
            yield
        finally:
            publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publisher
            await notifier.stop()
            if consumer is not None:
                await consumer.stop()
            if relay is not None:
                await relay.stop()
            await links.stop()

    app = create_app(
        service="ledger",
        settings=settings,
        db=db,
        routers=[
            donors.router,
            grants.router,
            activities.router,
            rates.router,
            sync.router,
            feed.router,
            aggregates_routes.router,
        ],
        lifespan=lifespan,
        readiness=links.readiness(),
        description=DESCRIPTION,
        extra_schemas=[GrantSync],
    )
    app.state.ctx = ctx
    return app


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.ledger.app:main``."""
    settings = LedgerSettings()
    configure_logging(settings.log_level, service="ledger")
    return create(settings)
