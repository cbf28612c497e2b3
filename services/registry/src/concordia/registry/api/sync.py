"""Bulk sync routes for agencies: up to 5,000 records per call, per-record results."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from concordia.kit.routes import Apply, sync_route
from concordia.registry.api.deps import CtxDep, OrgWriter, Writer
from concordia.registry.schemas import OrganisationSync, PersonSync
from concordia.registry.service import sync as service

router = APIRouter(prefix="/v1/sync", tags=["sync"])

#: One route per kind of record: path, records, who may sync them, the upsert, the description.
#: The stored answer of a persons sync names the agency's case numbers: kept encrypted.
_ROUTES: list[tuple[str, type[BaseModel], Any, Apply, str, bool]] = [
    ("/persons", PersonSync, Writer, service.sync_persons,
     "Upsert persons by `external_id`; each record is created, updated, unchanged or rejected.",
     True),
    ("/organisations", OrganisationSync, OrgWriter, service.sync_organisations,
     "Upsert organisations by `external_id`, with per-record results.", False),
]  # fmt: skip
for path, schema, writer, apply, doc, encrypt in _ROUTES:
    sync_route(router, path, name=apply.__name__, doc=doc, schema=schema,
               caller=("actor", writer), context=CtxDep, apply=apply,
               encrypt_answer=encrypt)  # fmt: skip
