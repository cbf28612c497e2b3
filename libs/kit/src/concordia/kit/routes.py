"""Routes every service shapes the same way, declared once: the bulk sync route.

Example::

    sync_route(router, "/persons", name="sync_persons", doc="Upsert persons by `external_id`.",
               schema=PersonSync, caller=("actor", Writer), context=CtxDep,
               apply=service.sync_persons)
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.auth import Caller
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

#: The service's upsert: ``apply(session=, ctx=, <caller>=, records=, dry_run=)``.
Apply = Callable[..., Awaitable[SyncReport]]


def sync_route(
    router: APIRouter,
    path: str,
    *,
    name: str,
    doc: str,
    schema: type[BaseModel],
    caller: tuple[str, Any],
    context: Any,
    apply: Apply,
    view: Callable[[Caller], Any] | None = None,
    encrypt_answer: bool = False,
) -> None:
    """Add ``PUT path``: a bulk sync of ``schema`` records, idempotent under an
    ``Idempotency-Key``, with a dry run. ``caller`` is the keyword ``apply`` takes the caller
    under and its dependency (an ``Annotated[Caller, ...]``), ``view`` what ``apply`` gets of
    the caller (the caller itself by default); ``context`` the dependency it takes as ``ctx``.
    Every run is logged (``sync_runs``, shown in the node console); with ``encrypt_answer`` the
    stored idempotent answer is kept encrypted under the context's ``cipher``."""
    caller_arg, caller_dep = caller

    async def endpoint(
        request: Request,
        session: AsyncSession,
        context: Any,
        caller: Caller,
        idempotency_key: str | None = None,
        dry_run: bool = False,
    ) -> Response:
        async def upsert(records: Sequence[Any]) -> SyncReport:
            return await apply(session=session, ctx=context, records=records, dry_run=dry_run,
                               **{caller_arg: view(caller) if view else caller})  # fmt: skip

        return await run_sync(
            request, session, idempotency, caller.token_id, upsert,
            idempotency_key=idempotency_key, dry_run=dry_run, log=sync_runs,
            cipher=context.cipher if encrypt_answer else None,
        )  # fmt: skip

    # FastAPI reads the dependencies from the signature: give it the service's own.
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", keyword, annotation=Request),
            inspect.Parameter("session", keyword, annotation=SessionDep),
            inspect.Parameter("context", keyword, annotation=context),
            inspect.Parameter("caller", keyword, annotation=caller_dep),
            inspect.Parameter("idempotency_key", keyword, default=None, annotation=IdempotencyKey),
            inspect.Parameter("dry_run", keyword, default=False, annotation=DryRun),
        ],
        return_annotation=Response,
    )
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__doc__ = doc
    router.put(
        path, response_model=SyncReport, openapi_extra=body_doc(schema), responses=SYNC_RESPONSES
    )(endpoint)
