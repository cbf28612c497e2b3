"""The ledger service, on the service kit: routers, registry consumer, publisher, overlap engine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from concordia.events import AggregateSnapshotPublished, DisclosureRules
from concordia.kit import (
    ConsumerSpec,
    Part,
    Runtime,
    ServiceDefinition,
    build_app,
    cancel_all,
    consumer_name,
    serve,
)
from concordia.kit.secure import SecureTables
from concordia.ledger import aggregates, console, consumers, secure
from concordia.ledger.api import activities, donors, grants, rates, sync
from concordia.ledger.api import aggregates as aggregates_routes
from concordia.ledger.api.deps import LedgerState
from concordia.ledger.feed import api as feed
from concordia.ledger.feed.ahead import ReadAhead
from concordia.ledger.feed.stream import FeedNotifier
from concordia.ledger.overlap import api as overlaps
from concordia.ledger.overlap.engine import EngineCollector, OverlapEngine
from concordia.ledger.overlap.service import RunLimits
from concordia.ledger.schemas import GrantSync
from concordia.ledger.service._common import NodeContext
from concordia.ledger.settings import LedgerSettings

SERVICE_DIR = Path(__file__).resolve().parents[3]

#: The modules of the API, in the order of its document.
_APIS = (donors, grants, activities, rates, sync, feed, aggregates_routes, overlaps)

DESCRIPTION = """
The funding ledger of a Concordia country node: donors, grants to organisations and persons,
IATI transactions with EUR conversion, and the activities grants fund (participants as counts).
Recipients are those the node's registry announced through its local events.

Authenticate with `Authorization: Bearer <token>`: `ledger:write` to record, `feed:read` or
`ledger:write` to read. Feed readers never see restricted grants, and see persons only as
"individual".
"""


def consumer_name_for(node: str) -> str:
    """The durable consumer of registry events on ``node``."""
    return consumer_name("ledger", "registry", node)


def create(settings: LedgerSettings | None = None) -> FastAPI:
    """Build the ledger app from settings (environment by default)."""
    settings = settings or LedgerSettings()
    state = LedgerState(
        NodeContext(node=settings.node),
        feed_stream_seconds=settings.feed_stream_seconds,
        feed_streams_per_token=settings.feed_streams_per_token,
    )

    async def publish(rt: Runtime, rules: DisclosureRules) -> list[AggregateSnapshotPublished]:
        assert rt.follower is not None
        money = {"dominance_n": rules.dominance_n, "dominance_k": rules.dominance_k,
                 "p_percent": rules.p_percent}  # fmt: skip
        return await aggregates.publish(
            ctx=state.ctx,
            **rt.release_terms(rules),
            money_rules=money,
            band=aggregates.Band.of(rt.follower.current),
            secure=rt.secure_tables(),
        )

    @asynccontextmanager
    async def feed_notifier(rt: Runtime) -> AsyncIterator[None]:
        state.notifier = FeedNotifier(rt.link, settings.node)
        await state.notifier.start()
        state.feed_ahead = ReadAhead(rt.db)
        try:
            yield
        finally:
            await state.feed_ahead.stop()
            await state.notifier.stop()

    @asynccontextmanager
    async def overlap_engine(rt: Runtime) -> AsyncIterator[None]:
        # PSI messages come over the shared link; subscribe once it is up (it may come later).
        state.engine = engine = OverlapEngine(
            rt.db,
            rt.coalition.client,
            node=settings.node,
            is_leader=rt.is_leader,
            limits=RunLimits.of(settings),
            run_ttl=settings.overlap_run_ttl_seconds,
            identity=rt.identity,
        )

        async def start() -> None:
            await rt.coalition.wait_connected()
            await engine.start()

        task = asyncio.create_task(start(), name="overlap-engine")
        collector = EngineCollector(lambda: engine)
        collector.register(rt.metrics)
        try:
            yield
        finally:
            rt.metrics.unregister(collector)
            await cancel_all([task])
            await engine.stop()

    parts: list[Part] = [feed_notifier]
    if settings.overlap_enabled:
        parts.append(overlap_engine)
    return build_app(
        ServiceDefinition(
            name="ledger",
            service_dir=SERVICE_DIR,
            settings=settings,
            routers=[api.router for api in _APIS],
            description=DESCRIPTION,
            publish=publish,
            # Registry events include erasures: a database outage must delay them, never drop
            # them, so failures are retried without limit.
            consumers=[
                ConsumerSpec(
                    "registry", consumers.SUBJECTS, lambda _rt: consumers.handler(state.ctx)
                )
            ],
            parts=parts,
            secure=SecureTables(secure.SOURCES),
            extra=state,
            extra_schemas=[GrantSync],
            console=console.SECTIONS,
            console_locales=[console.LOCALES],
            sync_scopes=console.SYNC_SCOPES,
        )
    )


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.ledger.app:main``."""
    return serve("ledger", create, LedgerSettings())
