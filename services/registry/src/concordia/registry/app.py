"""The registry service, on the service kit: its routers, tables, publisher and audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

from concordia.core.crypto import FieldCipher
from concordia.core.db import Database
from concordia.core.problems import problem
from concordia.events import AggregateSnapshotPublished, DisclosureRules
from concordia.kit import Runtime, ServiceDefinition, background, build_app, serve
from concordia.kit.secure import SecureTables
from concordia.registry import aggregates, console, secure
from concordia.registry.api import feeds, organisations, permits, persons, screen, sync
from concordia.registry.api.deps import RegistryState
from concordia.registry.schemas import OrganisationSync, PersonSync
from concordia.registry.service import audit_chain
from concordia.registry.service._common import NodeContext
from concordia.registry.service.audit import AuditTrail, AuditUnavailableError
from concordia.registry.settings import RegistrySettings

SERVICE_DIR = Path(__file__).resolve().parents[3]

DESCRIPTION = """
The actor registry of a Concordia country node: persons at risk and their families, their
organisations and permits. Personal fields are encrypted at rest, every read of a person is
audited, and only disclosure-controlled aggregates leave the node.

Authenticate with `Authorization: Bearer <token>`; tokens carry scopes (`registry:read`,
`registry:write`, `registry:admin`, `registry:screen`, `ops`) and an owner (an agency, or the
node's operator): a token sees and changes its owner's records only, unless it holds
`registry:admin`. Every read and write of personal data sends `X-Purpose` with a code from
`GET /v1/codes` (`access_purpose`), optionally followed by `; note`. The audit trail is a hash
chain whose head is anchored on the node's LOCAL stream; `concordia audit verify` checks it.
`POST /v1/screen` (`registry:screen`) tells the exchange whether a text names anyone here.
"""


def create(settings: RegistrySettings | None = None) -> FastAPI:
    """Build the registry app from settings (environment by default)."""
    settings = settings or RegistrySettings()
    state = RegistryState(
        NodeContext(
            node=settings.node,
            cipher=FieldCipher(settings.node_key_bytes, retired=settings.retired_key_bytes),
        )
    )

    async def publish(rt: Runtime, rules: DisclosureRules) -> list[AggregateSnapshotPublished]:
        return await aggregates.publish(
            ctx=state.ctx,
            **rt.release_terms(rules),
            secure=secure.not_plain(rt.secure_tables()),
        )

    @asynccontextmanager
    async def audit_trail(_rt: Runtime) -> AsyncIterator[None]:
        # Its own engine: reads hold a pooled connection while they wait for their audit
        # entry, so a trail drawing from the same pool could starve behind them.
        trail = AuditTrail(Database(settings.database_url))
        await trail.start()
        state.trail = trail
        try:
            yield
        finally:
            await trail.stop()

    async def anchor_audit(rt: Runtime) -> None:
        # The chain head leaves the database, so a rewritten trail no longer matches it.
        await audit_chain.anchor_every(rt.db, settings.node, settings.audit_anchor_seconds)

    return build_app(
        ServiceDefinition(
            name="registry",
            service_dir=SERVICE_DIR,
            settings=settings,
            routers=[api.router for api in (persons, organisations, permits, sync, feeds, screen)],
            description=DESCRIPTION,
            publish=publish,
            parts=[
                audit_trail,
                background("registry-audit-anchor", anchor_audit),
            ],
            secure=SecureTables(secure.SOURCES),
            extra=state,
            extra_schemas=[PersonSync, OrganisationSync],
            error_handlers={AuditUnavailableError: _audit_unavailable},
            console=console.SECTIONS,
            console_locales=[console.LOCALES],
            sync_scopes=console.SYNC_SCOPES,
        )
    )


def _audit_unavailable(request: Request, _exc: Exception) -> Response:
    # Refuse rather than serve a person's record without a durable audit entry.
    detail = "the audit log cannot be written right now; the record is not served"
    return problem(503, detail, instance=request.url.path)


def main() -> FastAPI:
    """Uvicorn factory entry point: ``uvicorn --factory concordia.registry.app:main``."""
    return serve("registry", create, RegistrySettings())
