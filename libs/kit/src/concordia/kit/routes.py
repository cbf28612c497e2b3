"""Routes every service shapes the same way, declared once: the bulk sync route, and the
standard create, list, get, change and delete routes of one record type (``Records``).

Example::

    sync_route(router, "/persons", name="sync_persons", doc="Upsert persons by `external_id`.",
               schema=PersonSync, caller=("actor", Writer), context=CtxDep,
               apply=service.sync_persons)
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, NamedTuple

from fastapi import APIRouter, Request, Response, status
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
from concordia.core.deps import AfterDep, IfMatchDep, LimitDep, SessionDep, tagged
from concordia.core.pagination import page_of
from concordia.core.schemas import Page
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


#: A route's arguments by name (those a service function or presenter names are passed on).
Args = Mapping[str, Any]


class Param(NamedTuple):
    """A query parameter of a list route: its name, type (an ``Annotated`` one for a
    ``Query``) and default."""

    name: str
    annotation: Any
    default: Any = None


#: The page size every list route takes.
LIMIT = Param("limit", LimitDep, 100)

_KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> Any:
    return inspect.Parameter(name, _KEYWORD, annotation=annotation, default=default)


def _taking(fn: Callable[..., Any]) -> Callable[[Args], dict[str, Any]]:
    """What of a route's arguments ``fn`` takes: those it names (all, for ``**kwargs``)."""
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return dict
    names = frozenset(params)
    return lambda args: {name: value for name, value in args.items() if name in names}


async def _settled(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class Records:
    """The standard routes of one record type on ``router``, declared instead of written out:
    ``POST ""``, ``GET ""`` (a keyset page), ``GET /{key}``, ``PATCH /{key}`` and
    ``DELETE /{key}``, each answering with the record's version as its ETag.

    Each route takes the session, its path ``key`` and body, and the dependencies ``write``
    (``{"ctx": CtxDep, "actor": Writer}``: for create, change and delete) or ``read`` (for the
    list and get routes) names, unless the route names its own ``deps``; it calls the service
    function with those of them the function names (by keyword, as the services take them).
    ``present(record, **args)`` turns a record into the answer, likewise given the arguments
    it names (awaited if it returns an awaitable; ``model`` validated from the record's
    attributes by default); ``present_item`` does so for the items of a page (``present`` by
    default). A route is called ``<verb>_<noun>`` (``list_<noun>s``), which gives its
    operation id (``concordia.core.contract.operation_id``), unless it says its ``name``;
    ``doc`` is its description. Routes are registered in the order they are declared.

    Example::

        orgs = Records(router, OrganisationRead, key="org_id", noun="organisation",
                       write={"ctx": CtxDep, "actor": OrgWriter}, read={"actor": OrgReader})
        orgs.create("Register an organisation.", body=OrganisationCreate, call=service.create)
        orgs.get("One organisation.", call=service.get)
    """

    def __init__(
        self,
        router: APIRouter,
        model: type[BaseModel],
        *,
        key: str,
        noun: str,
        write: Args,
        read: Args,
        present: Callable[..., Any] | None = None,
        present_item: Callable[..., Any] | None = None,
    ) -> None:
        self.router, self.model, self.key, self.noun = router, model, key, noun
        self.write, self.read = write, read
        self.present = present or self._validated
        self.present_item = present_item or self.present
        self._presents = _taking(self.present)

    def _validated(self, record: Any) -> BaseModel:
        return self.model.model_validate(record, from_attributes=True)

    def _add(
        self,
        method: str,
        path: str,
        name: str,
        doc: str,
        params: list[Any],
        endpoint: Callable[..., Awaitable[Any]],
        **route: Any,
    ) -> None:
        endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        endpoint.__name__ = endpoint.__qualname__ = name
        endpoint.__doc__ = doc
        self.router.add_api_route(path, endpoint, methods=[method], **route)

    async def _answer(self, record: Any, args: Args, response: Response, **where: str) -> Any:
        body = await _settled(self.present(record, **self._presents(args)))
        return tagged(response, record.version, body, **where)

    def _answering(self, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """An endpoint answering with the one record ``call`` returns, tagged with its version."""
        takes = _taking(call)

        async def endpoint(response: Response, **args: Any) -> Any:
            return await self._answer(await call(**takes(args)), args, response)

        return endpoint

    def _deps(self, deps: Args) -> list[Any]:
        return [_param("session", SessionDep), *(_param(n, a) for n, a in deps.items())]

    def create(
        self,
        doc: str,
        *,
        body: type[BaseModel],
        call: Callable[..., Awaitable[Any]],
        missing: str | None = None,
        deps: Args | None = None,
        name: str | None = None,
    ) -> None:
        """``POST ""``: 201 with the new record, its ETag and its ``Location``; ``missing``
        describes the documented 404 when the body names a record that is not there."""
        takes, prefix = _taking(call), self.router.prefix

        async def endpoint(response: Response, **args: Any) -> Any:
            record = await call(**takes(args))
            return await self._answer(record, args, response, location=f"{prefix}/{record.id}")

        params = [_param("data", body), *self._deps(deps or self.write),
                  _param("response", Response)]  # fmt: skip
        self._add("POST", "", name or f"create_{self.noun}", doc, params, endpoint,
                  status_code=status.HTTP_201_CREATED, response_model=self.model,
                  responses={404: {"description": missing}} if missing else None)  # fmt: skip

    def page(
        self,
        doc: str,
        *,
        call: Callable[..., Awaitable[Sequence[Any]]],
        query: Sequence[Param] = (LIMIT,),
        deps: Args | None = None,
        name: str | None = None,
    ) -> None:
        """``GET ""``: a keyset page (``after``, then the ``query`` parameters, ``LIMIT``
        among them) of what ``call`` finds."""
        takes, presents = _taking(call), _taking(self.present_item)

        async def endpoint(**args: Any) -> Page[Any]:
            found = await call(**takes(args))
            extra = presents(args)
            items = [await _settled(self.present_item(record, **extra)) for record in found]
            return page_of(found, args["limit"], items)

        params = [*self._deps(deps or self.read), _param("after", AfterDep),
                  *(_param(*q) for q in query)]  # fmt: skip
        listed = Page[self.model]  # type: ignore[name-defined]
        self._add("GET", "", name or f"list_{self.noun}s", doc, params, endpoint,
                  response_model=listed)  # fmt: skip

    def get(
        self,
        doc: str,
        *,
        call: Callable[..., Awaitable[Any]],
        deps: Args | None = None,
        name: str | None = None,
    ) -> None:
        """``GET /{key}``: one record."""
        endpoint = self._answering(call)
        params = [_param(self.key, uuid.UUID), *self._deps(deps or self.read),
                  _param("response", Response)]  # fmt: skip
        self._add("GET", f"/{{{self.key}}}", name or f"get_{self.noun}", doc, params, endpoint,
                  response_model=self.model)  # fmt: skip

    def patch(
        self,
        doc: str,
        *,
        body: type[BaseModel],
        call: Callable[..., Awaitable[Any]],
        responses: dict[int | str, dict[str, Any]] | None = None,
        deps: Args | None = None,
        name: str | None = None,
    ) -> None:
        """``PATCH /{key}``: change the fields sent, under ``If-Match``."""
        endpoint = self._answering(call)
        params = [_param(self.key, uuid.UUID), _param("data", body),
                  *self._deps(deps or self.write), _param("if_match", IfMatchDep),
                  _param("response", Response)]  # fmt: skip
        self._add("PATCH", f"/{{{self.key}}}", name or f"update_{self.noun}", doc, params,
                  endpoint, response_model=self.model, responses=responses)  # fmt: skip

    def delete(
        self,
        doc: str,
        *,
        call: Callable[..., Awaitable[Any]],
        responses: dict[int | str, dict[str, Any]] | None = None,
        deps: Args | None = None,
        name: str | None = None,
    ) -> None:
        """``DELETE /{key}``: 204, under ``If-Match``."""
        takes = _taking(call)

        async def endpoint(**args: Any) -> Response:
            await call(**takes(args))
            return Response(status_code=status.HTTP_204_NO_CONTENT)

        params = [_param(self.key, uuid.UUID), *self._deps(deps or self.write),
                  _param("if_match", IfMatchDep)]  # fmt: skip
        self._add("DELETE", f"/{{{self.key}}}", name or f"delete_{self.noun}", doc, params,
                  endpoint, status_code=status.HTTP_204_NO_CONTENT,
                  responses=responses)  # fmt: skip
