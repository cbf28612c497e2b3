"""Bulk sync routes for agencies: up to 5,000 records per call, per-record results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request, Response

from concordia.core.bulk import (
    SYNC_RESPONSES,
    DryRun,
    IdempotencyKey,
    SyncReport,
    body_doc,
    run_sync,
)
from concordia.core.deps import SessionDep
from concordia.kit.tables import idempotency, sync_runs
from concordia.registry.api.deps import CtxDep, OrgWriter, Writer
from concordia.registry.schemas import OrganisationSync, PersonSync
from concordia.registry.service import sync as service

router = APIRouter(prefix="/v1/sync", tags=["sync"])


@router.put(
    "/persons",
    response_model=SyncReport,
    openapi_extra=body_doc(PersonSync),
    responses=SYNC_RESPONSES,
)
async def sync_persons(
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    actor: Writer,
    idempotency_key: IdempotencyKey = None,
    dry_run: DryRun = False,
) -> Response:
    """Upsert persons by `external_id`; each record is created, updated, unchanged or rejected."""

    async def apply(records: Sequence[Any]) -> SyncReport:
        return await service.sync_persons(
            session=session, ctx=ctx, actor=actor, records=records, dry_run=dry_run
        )

    # The stored answer names the agency's case numbers: kept encrypted for its day.
    return await run_sync(
        request, session, idempotency, actor.principal.token_id, apply,
        idempotency_key=idempotency_key, dry_run=dry_run, log=sync_runs, cipher=ctx.cipher,
    )  # fmt: skip


@router.put(
    "/organisations",
    response_model=SyncReport,
    openapi_extra=body_doc(OrganisationSync),
    responses=SYNC_RESPONSES,
)
async def sync_organisations(
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    actor: OrgWriter,
    idempotency_key: IdempotencyKey = None,
    dry_run: DryRun = False,
) -> Response:
    """Upsert organisations by `external_id`, with per-record results."""

    async def apply(records: Sequence[Any]) -> SyncReport:
        return await service.sync_organisations(
            session=session, ctx=ctx, actor=actor, records=records, dry_run=dry_run
        )

    return await run_sync(
        request, session, idempotency, actor.principal.token_id, apply,
        idempotency_key=idempotency_key, dry_run=dry_run, log=sync_runs,
    )  # fmt: skip
