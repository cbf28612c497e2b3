"""The hub service, on the service kit: country links, charter re-send, overlap rounds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from concordia.hub import charter, dashboard
from concordia.hub.api import routes
from concordia.hub.api.deps import HubState
from concordia.hub.health import HubHealth
from concordia.hub.metrics import FederationCollector
from concordia.hub.nodes import Federation
from concordia.hub.overlap import OverlapRounds
from concordia.hub.overlap import api as overlaps
from concordia.hub.secure import DirectoryVerifier, Limits, SecureRounds
from concordia.hub.secure import api as secure_api
from concordia.hub.settings import HubSettings
from concordia.hub.signatures import DirectoryFile, SignatureCheck
from concordia.hub.workspace import agenda, decisions, delivery
from concordia.hub.workspace import api as workspace
from concordia.hub.workspace import pages as workspace_pages
from concordia.kit import Part, Runtime, ServiceDefinition, background, build_app, serve

log = logging.getLogger(__name__)
SERVICE_DIR = Path(__file__).resolve().parents[3]

DESCRIPTION = """
The coalition hub of Concordia. Every country node sends it disclosure-controlled aggregates
and its services' status; the hub keeps every version, shows coalition totals (saying where a
node's cell is suppressed, never guessing it) and the charter's targets, and sets the charter
every node applies. It holds nothing personal.

It is also the coordination group's workspace: commitments tracked against the aggregates,
agenda items raised by signals or by members, discussion, and decisions that travel to the
nodes they concern.

Authenticate with `Authorization: Bearer <token>`; scopes `hub:read`, `hub:member` (a member
state's or donor's representative), `hub:advise` (experts) and `hub:admin`.
"""


def _state(rt: Runtime) -> HubState:
    state = rt.extra
    assert isinstance(state, HubState)
    return state


def create(settings: HubSettings | None = None) -> FastAPI:
    """Build the hub app from settings (environment by default)."""
    settings = settings or HubSettings()
    health = HubHealth()  # the figures the alert rules read (deploy/prometheus)

    def setup(rt: Runtime) -> HubState:
        federation = Federation(
            rt.db, settings.nodes_dir, mode=settings.stream_mode,
            snapshots_per_day=settings.snapshots_per_node_per_day,
            signatures=SignatureCheck(
                DirectoryFile(settings.directory_file),
                required=settings.require_signatures,
            ),
        )  # fmt: skip
        # Built from the country links as they come up (and again when a country is added).
        rounds = OverlapRounds(
            rt.db,
            step_timeout=settings.psi_step_timeout_seconds,
            runs_per_day=settings.psi_runs_per_day,
        )
        federation.listeners.append(rounds)
        secure = SecureRounds(
            rt.db, DirectoryVerifier(settings.directory_file),
            Limits(step_timeout=settings.secure_step_timeout_seconds,
                   colluders=settings.secure_colluders),
        )  # fmt: skip
        federation.listeners.append(secure)
        FederationCollector(federation).register(rt.metrics)
        health.register(rt.metrics)
        return HubState(federation=federation, rounds=rounds, health=health, secure=secure)

    @asynccontextmanager
    async def links(rt: Runtime) -> AsyncIterator[None]:
        state = _state(rt)
        await state.federation.sync()
        try:
            yield
        finally:
            await state.rounds.stop()
            await state.federation.stop()

    async def scan(rt: Runtime) -> None:
        await _state(rt).federation.run(settings.nodes_scan_seconds)

    async def resend(rt: Runtime) -> None:
        await charter.resend_forever(rt.db, _state(rt).federation, settings.charter_resend_seconds)

    async def follow_decisions(rt: Runtime) -> None:
        while True:  # charters adopted by a decision put it in force; nodes get the log
            try:
                async with rt.db.unit_of_work() as session:
                    await decisions.refresh(session, charter.hub_directory(settings.directory_file))
                await delivery.push(rt.db, _state(rt).federation)
            except Exception:  # the next round tries again
                log.exception("decision follow-up failed")
            await asyncio.sleep(settings.decision_push_seconds)

    parts: list[Part] = [
        links, background("nodes-scan", scan), background("charter-resend", resend),
        background("decisions", follow_decisions),
        background("health", lambda rt: health.run(rt.db)),
    ]  # fmt: skip
    if settings.agenda_scan_seconds is not None:
        every_scan = settings.agenda_scan_seconds

        async def agenda_scan(rt: Runtime) -> None:
            while True:
                await asyncio.sleep(every_scan)
                try:
                    periods = agenda.recent_periods(datetime.now(UTC), settings.agenda_periods)
                    await agenda.scan(
                        rt.db, _state(rt).federation, periods, settings.stale_after_seconds
                    )
                except Exception:  # the next scan tries again
                    log.exception("agenda scan failed")

        parts.append(background("agenda-scan", agenda_scan))
    if settings.secure_round_seconds is not None:
        every_close = settings.secure_round_seconds

        async def secure_rounds(rt: Runtime) -> None:
            state = _state(rt)
            assert state.secure is not None
            await state.secure.schedule(every_close)

        parts.append(background("secure-rounds", secure_rounds))
    if settings.overlap_round_seconds is not None:
        every, purposes = settings.overlap_round_seconds, settings.overlap_purposes

        async def overlap_rounds(rt: Runtime) -> None:
            await _state(rt).rounds.schedule(every, purposes)

        parts.append(background("overlap-rounds", overlap_rounds))
    return build_app(
        ServiceDefinition(
            name="hub",
            service_dir=SERVICE_DIR,
            settings=settings,
            routers=[
                routes.router,
                overlaps.router,
                secure_api.router,
                workspace.router,
                dashboard.router,
                workspace_pages.router,
            ],
            description=DESCRIPTION,
            node_service=False,
            setup=setup,
            parts=parts,
        )
    )


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.hub.app:main``."""
    return serve("hub", create, HubSettings())
