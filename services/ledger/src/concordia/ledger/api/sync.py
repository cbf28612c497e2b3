"""Bulk grant sync for donors: up to 5,000 grants per call, per-record results."""

from __future__ import annotations

from fastapi import APIRouter

from concordia.kit.routes import sync_route
from concordia.ledger.api.deps import CtxDep, Writer
from concordia.ledger.schemas import GrantSync
from concordia.ledger.service import sync as service
from concordia.ledger.service._common import Viewer

router = APIRouter(prefix="/v1/sync", tags=["sync"])

sync_route(
    router,
    "/grants",
    name="sync_grants",
    doc="Upsert grants by (`donor_id`, `external_id`); each is created, updated, unchanged or\n"
    "rejected.",
    schema=GrantSync,
    caller=("viewer", Writer),
    context=CtxDep,
    apply=service.sync_grants,
    view=Viewer,
)
