"""The ledger service: app factory and lifespan (relay, consumer, charter, overlap engine)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from concordia.core.db import Database
from concordia.core.logging import configure_logging
from concordia.core.migrations import ensure_migrated
from concordia.core.web import create_app
from concordia.events import (
    AggregateSnapshotPublished,
    CharterFollower,
    Consumer,
    NatsLink,
    NodeLinks,
    OutboxRelay,
    RelayCollector,
    StreamSpec,
    disclosure_rules,
    local_stream,
    run_publisher,
    shared_stream,
)
from concordia.ledger import aggregates, consumers
from concordia.ledger.api import activities, donors, feed, grants, overlaps, rates, sync
from concordia.ledger.api import aggregates as aggregates_routes
from concordia.ledger.feed_stream import FeedNotifier
from concordia.ledger.outbox import charters, inbox, outbox
from concordia.ledger.overlap import OverlapEngine
from concordia.ledger.schemas import GrantSync
from concordia.ledger.service._common import NodeContext
from concordia.ledger.service.overlaps import RunLimits
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
    follower = CharterFollower(
        db, charters, node=settings.node, service="ledger", outbox=outbox,
        interval=settings.status_interval_seconds,
    )  # fmt: skip

    async def publish_aggregates() -> list[AggregateSnapshotPublished]:
        """One run of the publisher under the charter the service follows right now."""
        current = follower.current
        rules = disclosure_rules(
            current, k=settings.disclosure_k, rounding_base=settings.rounding_base,
            k_min=settings.disclosure_k_min,
        )  # fmt: skip
        money = {"dominance_n": rules.dominance_n, "dominance_k": rules.dominance_k,
                 "p_percent": rules.p_percent}  # fmt: skip
        return await aggregates.publish(
            db=db, ctx=ctx, k=rules.k, rounding_base=rules.rounding_base,
            charter_version=current.version, money_rules=money,
        )  # fmt: skip

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

        def is_leader() -> bool:
            return relay is None or relay.metrics.is_leader

        # What the hub sends (charter, PSI) and the status reports go over the shared link.
        shared = links.shared or link
        await follower.start(shared.client)
        tasks = [
            asyncio.create_task(
                run_publisher(
                    publish_aggregates, interval=settings.aggregate_interval_seconds,
                    is_leader=is_leader,
                ),
                name="aggregate-publisher",
            )
        ]  # fmt: skip
        engine = None
        if settings.overlap_enabled:
            engine = OverlapEngine(
                db, shared.client, node=settings.node, is_leader=is_leader,
                limits=RunLimits(
                    min_set_size=settings.overlap_min_set_size,
                    max_set_size=settings.overlap_max_set_size,
                    runs_per_day=settings.overlap_runs_per_day,
                    answers_per_day=settings.overlap_answers_per_day,
                ),
                run_ttl=settings.overlap_run_ttl_seconds,
            )  # fmt: skip
            tasks.append(asyncio.create_task(_start_engine(engine, shared), name="overlap-engine"))
        app.state.relay, app.state.consumer, app.state.link = relay, consumer, link
        app.state.shared_link, app.state.overlap_engine = links.shared, engine
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if engine is not None:
                await engine.stop()
            await follower.stop()
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
            overlaps.router,
        ],
        lifespan=lifespan,
        readiness=links.readiness(),
        description=DESCRIPTION,
        extra_schemas=[GrantSync],
    )
    app.state.ctx = ctx
    app.state.charter_follower = follower
    app.state.publish_aggregates = publish_aggregates
    return app


async def _start_engine(engine: OverlapEngine, link: NatsLink) -> None:
    """Subscribe the overlap engine once its link is up (the broker may come later)."""
    await link.wait_connected()
    await engine.start()


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.ledger.app:main``."""
    settings = LedgerSettings()
    configure_logging(settings.log_level, service="ledger")
    return create(settings)
