"""Bulk grant sync for donors: up to 5,000 grants per call, per-record results."""

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
from concordia.ledger.api.deps import CtxDep, Writer
from concordia.ledger.schemas import GrantSync
from concordia.ledger.service import sync as service
from concordia.ledger.service._common import Viewer

router = APIRouter(prefix="/v1/sync", tags=["sync"])


@router.put(
    "/grants",
    response_model=SyncReport,
    openapi_extra=body_doc(GrantSync),
    responses=SYNC_RESPONSES,
)
async def sync_grants(
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    principal: Writer,
    idempotency_key: IdempotencyKey = None,
    dry_run: DryRun = False,
) -> Response:
    """Upsert grants by (`donor_id`, `external_id`); each is created, updated, unchanged or
    rejected."""

    async def apply(records: Sequence[Any]) -> SyncReport:
        return await service.sync_grants(
            session=session, ctx=ctx, viewer=Viewer(principal=principal), records=records,
            dry_run=dry_run,
        )  # fmt: skip

    return await run_sync(
        request, session, idempotency, principal.token_id, apply,
        idempotency_key=idempotency_key, dry_run=dry_run, log=sync_runs,
    )  # fmt: skip
