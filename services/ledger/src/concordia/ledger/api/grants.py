"""Routes for grants and their transactions."""

from __future__ import annotations

import uuid
from typing import Annotated

import orjson
from fastapi import APIRouter, Header, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Principal
from concordia.core.bulk import request_hash
from concordia.core.deps import SessionDep
from concordia.kit.routes import LIMIT, Param, Records
from concordia.kit.tables import idempotency
from concordia.ledger.api.deps import CtxDep, Reader, ReaderView, Writer, WriterView
from concordia.ledger.models import Grant
from concordia.ledger.schemas import (
    GrantCreate,
    GrantRead,
    GrantUpdate,
    TransactionCreate,
    TransactionRead,
)
from concordia.ledger.service import grants as service
from concordia.ledger.service import transactions as tx_service
from concordia.ledger.service._common import Viewer

router = APIRouter(prefix="/v1/grants", tags=["grants"])


def _writer_view(principal: Principal) -> Viewer:
    return Viewer(principal=principal)


async def _with_totals(grant: Grant, *, session: AsyncSession, viewer: Viewer) -> GrantRead:
    return await service.read(session, grant, viewer, with_totals=True)


async def _without_totals(grant: Grant, *, session: AsyncSession, viewer: Viewer) -> GrantRead:
    return await service.read(session, grant, viewer)


grants = Records(router, GrantRead, key="grant_id", noun="grant", present=_with_totals,
                 present_item=_without_totals, write={"ctx": CtxDep, "viewer": WriterView},
                 read={"viewer": ReaderView})  # fmt: skip
grants.create(
    "Record a grant of a donor to an organisation or a person the registry announced.\n\n"
    "404 when `donor_id` names no donor the caller may change or the recipient is not known to "
    "the ledger; 409 when `end_date` precedes `start_date` or the external id is taken.",
    body=GrantCreate, call=service.create,
    missing="No such donor of the caller's, or no such recipient",
)  # fmt: skip
grants.page(
    "Live grants in recording order (without totals), a keyset page at a time.",
    call=service.list_page,
    query=(LIMIT, Param("donor_id", Annotated[
        uuid.UUID | None, Query(description="Only this donor's grants.")
    ])),
)  # fmt: skip
grants.get("One grant with its committed and disbursed totals in EUR.", call=service.get)
grants.patch("Change the fields sent; `If-Match` guards against lost updates.",
             body=GrantUpdate, call=service.update, responses={409: {}, 412: {}})  # fmt: skip
grants.delete("Withdraw a grant; the funding feed keeps it as a tombstone.",
              call=service.withdraw, responses={412: {}}, name="withdraw_grant")  # fmt: skip


#: A retried POST with the same key replays the first answer instead of recording twice.
TransactionKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        description="Retry safely: the same key and body replay the first answer (24 h); "
        "the same key with another body is 409.",
    ),
]


@router.post(
    "/{grant_id}/transactions",
    status_code=status.HTTP_201_CREATED,
    response_model=TransactionRead,
    responses={409: {"description": "external_id taken, or Idempotency-Key reused"}},
)
async def record_transaction(
    grant_id: uuid.UUID,
    data: TransactionCreate,
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    principal: Writer,
    idempotency_key: TransactionKey = None,
) -> Response:
    """Record an IATI transaction (commitment, disbursement...) on a grant."""
    # The key is bound to this route (so to this grant) and to the exact body.
    body_hash = request_hash(f"POST {request.url.path}\n".encode() + await request.body())
    if idempotency_key is not None:
        stored = await idempotency.replay(
            session, key=idempotency_key, token_id=principal.token_id, body_hash=body_hash
        )
        if stored is not None:
            code, content = stored
            return _transaction_response(grant_id, content, code, replayed=True)
    tx = await tx_service.record(
        session=session, ctx=ctx, viewer=_writer_view(principal), grant_id=grant_id, data=data
    )
    content = (await tx_service.read_many(session, [tx]))[0].model_dump_json().encode()
    if idempotency_key is not None:
        await idempotency.remember(
            session, key=idempotency_key, token_id=principal.token_id, body_hash=body_hash,
            status=status.HTTP_201_CREATED, body=content,
        )  # fmt: skip
    return _transaction_response(grant_id, content, status.HTTP_201_CREATED, replayed=False)


def _transaction_response(
    grant_id: uuid.UUID, content: bytes, code: int, *, replayed: bool
) -> Response:
    headers = {"Location": f"/v1/grants/{grant_id}/transactions/{orjson.loads(content)['id']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(content, code, media_type="application/json", headers=headers)


@router.get("/{grant_id}/transactions", response_model=list[TransactionRead])
async def list_transactions(
    grant_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[TransactionRead]:
    """Every transaction of a grant, with EUR amounts where a rate covers the value date."""
    viewer = Viewer(principal=caller)
    found = await tx_service.list_for(session=session, grant_id=grant_id, viewer=viewer)
    hide = await tx_service.hides_text(session=session, grant_id=grant_id, viewer=viewer)
    return await tx_service.read_many(session, found, hide_text=hide)


@router.get("/{grant_id}/transactions/{transaction_id}", response_model=TransactionRead)
async def get_transaction(
    grant_id: uuid.UUID, transaction_id: uuid.UUID, session: SessionDep, caller: Reader
) -> TransactionRead:
    """One transaction."""
    viewer = Viewer(principal=caller)
    tx = await tx_service.get(
        session=session, grant_id=grant_id, transaction_id=transaction_id, viewer=viewer
    )
    hide = await tx_service.hides_text(session=session, grant_id=grant_id, viewer=viewer)
    return (await tx_service.read_many(session, [tx], hide_text=hide))[0]


@router.delete("/{grant_id}/transactions/{transaction_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_transaction(
    grant_id: uuid.UUID,
    transaction_id: uuid.UUID,
    session: SessionDep,
    ctx: CtxDep,
    principal: Writer,
) -> Response:
    """Remove a transaction recorded in error."""
    await tx_service.remove(
        session=session, ctx=ctx, viewer=_writer_view(principal), grant_id=grant_id,
        transaction_id=transaction_id,
    )  # fmt: skip
    return Response(status_code=status.HTTP_204_NO_CONTENT)
