"""Routes for permits, including the expiry query."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from concordia.kit.routes import LIMIT, Param, Records
from concordia.registry import codes
from concordia.registry.api.deps import CtxDep, Reader, TrailDep, Writer
from concordia.registry.schemas import PermitCreate, PermitRead, PermitUpdate
from concordia.registry.service import permits as service

router = APIRouter(prefix="/v1/permits", tags=["permits"])


permits = Records(router, PermitRead, key="permit_id", noun="permit",
                  write={"ctx": CtxDep, "actor": Writer},
                  read={"trail": TrailDep, "actor": Reader})  # fmt: skip
permits.create("Record a permit or visa of a registered person of the token's owner (404 for an "
               "unknown one).", body=PermitCreate, call=service.create,
               missing="No such person (the body's `person_id`)")  # fmt: skip
permits.page(
    "Permits, filtered by person, status, or expiry within N days from today.",
    call=service.search,
    query=(
        Param("person_id", uuid.UUID | None),
        Param("status", codes.PermitStatus | None),
        Param("expiring_within_days", Annotated[
            int | None, Query(ge=0, le=3650, description="Granted permits ending within N days.")
        ]),
        LIMIT,
    ),
)  # fmt: skip
permits.get("One permit; the read is audited against the permit's person.", call=service.read)
permits.patch(
    "Change a permit's status, track or validity; `If-Match` guards against lost updates.",
    body=PermitUpdate, call=service.update, responses={412: {}},
)  # fmt: skip
