"""Bulk sync routes for agencies: up to 5,000 records per call, per-record results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.deps import SessionDep
from concordia.core.errors import FieldError
from concordia.registry.api.deps import CtxDep, Writer
from concordia.registry.schemas import OrganisationSync, PersonSync, SyncReport
from concordia.registry.service import sync as service
from concordia.registry.service._common import NodeContext

router = APIRouter(prefix="/v1/sync", tags=["sync"])

SyncFn = Callable[..., Awaitable[SyncReport]]
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=128,
        description="Repeat a sync safely: the same key and body replay the first answer.",
    ),
]
DryRun = Annotated[bool, Query(description="Validate and report without writing anything.")]


def _body_doc(schema: type[Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["records"],
                        "additionalProperties": False,
                        "properties": {
                            "records": {
                                "type": "array",
                                "maxItems": service.MAX_RECORDS,
                                "items": {"$ref": f"#/components/schemas/{schema.__name__}"},
                            }
                        },
                    }
                }
            },
        }
    }


def _records(body: bytes) -> Sequence[Any]:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _Malformed(str(exc)) from exc
    if not isinstance(payload, dict) or set(payload) != {"records"}:
        raise FieldError(["body"], "must be an object with exactly one field, `records`")
    records = payload["records"]
    if not isinstance(records, list):
        raise FieldError(["body", "records"], "must be an array of records")
    if len(records) > service.MAX_RECORDS:
        raise FieldError(["body", "records"], f"at most {service.MAX_RECORDS} records per call")
    return records


class _Malformed(Exception):
    pass


async def _run(
    request: Request,
    session: AsyncSession,
    ctx: NodeContext,
    token_id: str,
    sync: SyncFn,
    idempotency_key: str | None,
    dry_run: bool,
) -> Response:
    body = await request.body()
    body_hash = service.request_hash(body + (b"?dry_run" if dry_run else b""))
    if idempotency_key is not None:
        stored = await service.replay(
            session=session, key=idempotency_key, token_id=token_id, body_hash=body_hash
        )
        if stored is not None:
            status, content = stored
            return Response(content, status, media_type="application/json",
                            headers={"Idempotent-Replayed": "true"})  # fmt: skip
    try:
        records = _records(body)
    except _Malformed as exc:
        return Response(orjson.dumps({"detail": f"malformed JSON body: {exc}"}), 400,
                        media_type="application/json")  # fmt: skip
    report = await sync(session=session, ctx=ctx, records=records, dry_run=dry_run)
    content = report.model_dump_json().encode()
    if idempotency_key is not None and not dry_run:
        await service.remember(
            session=session,
            key=idempotency_key,
            token_id=token_id,
            body_hash=body_hash,
            status=200,
            body=content,
        )
    return Response(content, 200, media_type="application/json")


@router.put(
    "/persons",
    response_model=SyncReport,
    openapi_extra=_body_doc(PersonSync),
    responses={409: {"description": "Idempotency-Key reused with another body"}},
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
    return await _run(
        request, session, ctx, actor.principal.token_id, service.sync_persons,
        idempotency_key, dry_run,
    )  # fmt: skip


@router.put(
    "/organisations",
    response_model=SyncReport,
    openapi_extra=_body_doc(OrganisationSync),
    responses={409: {"description": "Idempotency-Key reused with another body"}},
)
async def sync_organisations(
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    actor: Writer,
    idempotency_key: IdempotencyKey = None,
    dry_run: DryRun = False,
) -> Response:
    """Upsert organisations by `external_id`, with per-record results."""
    return await _run(
        request, session, ctx, actor.principal.token_id, service.sync_organisations,
        idempotency_key, dry_run,
    )  # fmt: skip
