"""The pieces every service's FastAPI app shares: errors, body limit, metrics, health.

``create_app`` wires them once so that services only add their routers and lifespan work.
"""

from __future__ import annotations

import gc
import http
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Self

import orjson
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel
from starlette.datastructures import URL, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from concordia.core import examples, problems, tracing
from concordia.core.auth import TokenStore, require
from concordia.core.contract import operation_id, tag_metadata
from concordia.core.db import Database
from concordia.core.logging import RequestIdMiddleware
from concordia.core.oidc import OidcVerifier
from concordia.core.problems import (
    BODY_TOO_LARGE,
    PROBLEM_JSON,
    ConflictProblemDetails,
    ProblemDetails,
    ValidationProblemDetails,
    problem,
)
from concordia.core.settings import CoreSettings

log = logging.getLogger("concordia.http")

ReadinessCheck = Callable[[], Awaitable[None]]
Lifespan = Callable[[FastAPI], Any]


#: Kept for the services that name them: an error's body is always a ``ProblemDetails``.
Problem = ProblemDetails
ValidationProblem = ValidationProblemDetails

#: The error answers a route can give, each documented on the routes that can give it
#: (``_route_errors``): a route's own ``responses`` add others (429, 503) or name one it gives
#: beyond these rules (e.g. ``{404: {}}`` for a record its body refers to).
COMMON_RESPONSES: dict[int, dict[str, Any]] = {
    400: {"model": ProblemDetails, "description": "Malformed JSON body"},
    401: {"model": ProblemDetails, "description": "Missing or invalid bearer token"},
    403: {"model": ProblemDetails, "description": "Token lacks the required scope"},
    404: {"model": ProblemDetails, "description": "No such record"},
    409: {
        "model": ConflictProblemDetails,
        "description": "Conflicts with the current state (a taken key), or fields that are valid "
        "one by one break a rule between them (`urn:concordia:problem:inconsistent-fields`, "
        "`errors` names them)",
    },
    412: {
        "model": ProblemDetails,
        "description": "`If-Match` names a version that is no longer current (or none at all): "
        "read it again",
    },
    413: {"model": ProblemDetails, "description": "Request body too large"},
    422: {
        "model": ValidationProblemDetails,
        "description": "A field was rejected; `errors` names each, with its reason",
    },
}
_WRITES = frozenset({"post", "put", "patch", "delete"})


def _route_errors(method: str, operation: dict[str, Any]) -> set[int]:
    """The error answers the common machinery gives this operation, and no others.

    401/403 where a token is required; 400/413 where a body is read; 422 where anything is
    validated (a body, a parameter); 404 where the path names a record; 412 where `If-Match`
    is taken; 409 on writes (a taken key, a state that forbids the change).
    """
    parameters = operation.get("parameters", [])
    found: set[int] = set()
    if operation.get("security"):
        found |= {401, 403}
    if "requestBody" in operation:
        found |= {400, 413, 422}
    if parameters:
        found.add(422)
    if any(p.get("in") == "path" for p in parameters):
        found.add(404)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in parameters):
        found.add(412)
    if method in _WRITES:
        found.add(409)
    return found


class BodyLimitMiddleware:
    """Answer 413 when a request body exceeds the limit, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await _too_large(scope, receive, send, self.max_bytes)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _BodyTooLargeError
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLargeError:
            await _too_large(scope, receive, send, self.max_bytes)


class _BodyTooLargeError(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    detail = f"request body exceeds {limit} bytes"
    answer = problem(413, detail, instance=scope.get("path"), type_=BODY_TOO_LARGE)
    await answer(scope, receive, send)


class ObservabilityMiddleware:
    """Count and time requests per route template, and write one JSON access line each."""

    def __init__(self, app: ASGIApp, registry: CollectorRegistry, service: str) -> None:
        self.app, self.service = app, service
        self.requests = Counter(
            "http_requests", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds", "HTTP latency", ["method", "route"], registry=registry
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.requests.labels(method, route, str(status)).inc()
            self.latency.labels(method, route).observe(elapsed)
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    extra={
                        "method": method,
                        "route": route,
                        "status": status,
                        "ms": round(elapsed * 1000, 2),
                    },
                )


class NextLinkMiddleware:
    """``Link: <...>; rel="next"`` on every page of a cursor-paginated list (RFC 8288).

    A list route answers a ``Page`` (``items`` and ``next``); when ``next`` is set and moves on
    from the request's ``after``, the header repeats it as the URL of the next page, the
    request's other query parameters kept. Other answers pass through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def paged_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] == 200 and _is_page(scope.get("route")):
                    start = message
                    return
                await send(message)
            elif start is None:
                await send(message)
            else:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                link = _next_link(scope, body)
                if link is not None:
                    start["headers"] = [*start.get("headers", []), (b"link", link.encode())]
                await send(start)
                await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, paged_send)


def _is_page(route: Any) -> bool:
    model = getattr(route, "response_model", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return False
    return {"items", "next"} <= model.model_fields.keys()


def _next_link(scope: Scope, body: bytes) -> str | None:
    try:
        cursor = orjson.loads(body).get("next")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    url = URL(scope=scope)
    if cursor is None or str(cursor) == QueryParams(url.query).get("after"):
        return None
    following = url.include_query_params(after=str(cursor))
    return f'<{following.path}?{following.query}>; rel="next"'


#: The collector's thresholds while a service runs (see ``create_app``'s lifespan).
GC_THRESHOLD = (10_000, 50, 100)


class _Collector:
    """``GC_THRESHOLD`` while any service of the process runs; the process's own thresholds
    back when the last one stops (tests run several apps in one process, stopped in any order)."""

    running = 0
    saved: tuple[int, ...] = ()

    @classmethod
    def service_started(cls) -> None:
        if cls.running == 0:
            cls.saved = gc.get_threshold()
            gc.set_threshold(*GC_THRESHOLD)
        cls.running += 1

    @classmethod
    def service_stopped(cls) -> None:
        cls.running -= 1
        if cls.running == 0:
            gc.set_threshold(*cls.saved)


@dataclass(eq=False)
class AppState:
    """The typed state every app carries as ``app.state.concordia`` (``app_state(request)``).

    Services extend it (the kit's ``Runtime``); routes read it through a typed getter, never
    through untyped ``request.app.state`` attributes.
    """

    settings: CoreSettings
    db: Database
    tokens: TokenStore
    metrics: CollectorRegistry

    @classmethod
    def for_app(cls, *, settings: CoreSettings, db: Database, **fields: Any) -> Self:
        """A state for a new app: its token store read from settings, a fresh metrics registry."""
        return cls(
            settings=settings,
            db=db,
            tokens=TokenStore(settings.tokens_file, oidc=_oidc(settings)),
            metrics=CollectorRegistry(),
            **fields,
        )


def _oidc(settings: CoreSettings) -> OidcVerifier | None:
    config = settings.oidc_config()
    return OidcVerifier(config) if config is not None else None


def app_state(request: Request) -> AppState:
    """The typed state of the app serving ``request``."""
    state = request.app.state.concordia
    assert isinstance(state, AppState)
    return state


class ORJSONResponse(JSONResponse):
    """JSON via orjson: faster, and it renders UUIDs, datetimes and Decimals natively."""

    def render(self, content: Any) -> bytes:
        """Serialise ``content``."""
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def create_app(
    *,
    service: str,
    settings: CoreSettings,
    state: AppState | None = None,
    db: Database | None = None,
    routers: Sequence[APIRouter],
    lifespan: Callable[[FastAPI], Any] | None = None,
    readiness: Mapping[str, ReadinessCheck] | None = None,
    description: str = "",
    version: str = "0.1.0",
    extra_schemas: Sequence[type[BaseModel]] = (),
) -> FastAPI:
    """Build a service's app: its routers plus errors, limits, metrics, health and docs.

    Give either ``state`` (the kit does) or ``db`` (a plain ``AppState`` is made from it).
    """
    if state is None:
        assert db is not None, "create_app needs a state or a database"
        state = AppState.for_app(settings=settings, db=db)
    db, registry = state.db, state.metrics

    @asynccontextmanager
    async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if lifespan is not None:
                await stack.enter_async_context(lifespan(app))
            # Everything imported and built at startup lives for the whole process: move it out
            # of the collector's sight, or every full collection walks it again (measured: most
            # of the CPU of a bulk sync went to re-scanning these objects).
            gc.collect()
            gc.freeze()
            # The collector's default (a young collection every 700 allocations, a full one every
            # 100 young ones) ran 41 full collections in a 100,000-grant bulk sync, each walking
            # every object of the batches in flight: 2.5 s of a 15 s sync. A young collection
            # every 10,000 allocations and a full one every 5,000 young ones: 0.5 s, with the
            # same peak memory (``make bench``, ``ledger.bulk_sync``).
            _Collector.service_started()
            try:
                yield
            finally:
                _Collector.service_stopped()
        await db.dispose()

    app = FastAPI(
        title=f"Concordia {service}",
        description=description,
        version=version,
        lifespan=_lifespan,
        # The API docs are served from the package (``_docs_router``), never from a CDN.
        docs_url=None,
        redoc_url=None,
        # ``persons.create``, not ``create_person_v1_persons_post``: see concordia.core.contract.
        generate_unique_id_function=operation_id,
    )
    app.state.concordia = state
    problems.install(app)
    for router in routers:
        app.include_router(router)
    app.include_router(_ops_router(db, registry, dict(readiness or {})))
    _mount_docs(app, f"Concordia {service}")
    _complete_document(app, extra_schemas)
    app.add_middleware(NextLinkMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ObservabilityMiddleware, registry=registry, service=service)
    # Outermost: the access line and everything a request logs carry its id (and trace id).
    app.add_middleware(RequestIdMiddleware)
    tracing.instrument(app, service=service, settings=settings, engine=db.engine.sync_engine)
    return app


def _complete_document(app: FastAPI, models: Sequence[type[BaseModel]]) -> None:
    """Finish the OpenAPI document FastAPI generates.

    Adds models that routes validate by hand (bulk bodies) to the components, a description to
    every tag, documents every error answer as ``application/problem+json``, and gives every
    schema and operation an example (``concordia.core.examples``).
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        components = document.setdefault("components", {}).setdefault("schemas", {})
        documented: list[type[BaseModel]] = [
            ProblemDetails,
            ValidationProblemDetails,
            ConflictProblemDetails,
            *models,
        ]
        for model in documented:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[model.__name__] = schema
        tags: list[str] = []
        for operations in document.get("paths", {}).values():
            for method, operation in operations.items():
                tags.extend(operation.get("tags", ()))
                _error_responses(method, operation)
                _link_header(operation, components)
        document["tags"] = tag_metadata(tags)
        # FastAPI's own 422 models, replaced by ValidationProblemDetails on every route above.
        for unused in ("HTTPValidationError", "ValidationError"):
            if f'"{_ref_name(unused)}"' not in orjson.dumps(document).decode():
                components.pop(unused, None)
        examples.complete(document)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


#: The ``Link`` header a page of a cursor-paginated list carries (RFC 8288).
NEXT_LINK_HEADER = {
    "description": 'The next page, `<path?after=...>; rel="next"` (RFC 8288), beside the '
    "body's `next`; absent on a page that ends the list.",
    "schema": {"type": "string"},
}


def _link_header(operation: dict[str, Any], components: dict[str, Any]) -> None:
    """Document ``Link`` on every answer that is a page (a body with ``items`` and ``next``)."""
    ok = operation.get("responses", {}).get("200", {})
    for media in (ok.get("content") or {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        model = components.get(ref.rpartition("/")[2], {})
        if {"items", "next"} <= model.get("properties", {}).keys():
            ok.setdefault("headers", {})["Link"] = NEXT_LINK_HEADER
            return


def _error_responses(method: str, operation: dict[str, Any]) -> None:
    """Document the errors this operation gives (``_route_errors`` and its own), each as
    ``application/problem+json``, whatever the route's own media type."""
    responses = operation.setdefault("responses", {})
    statuses = _route_errors(method, operation) | {
        int(code) for code in responses if code.isdigit() and int(code) >= 400
    }
    for status in statuses:
        common = COMMON_RESPONSES.get(status)
        answer = responses.setdefault(str(status), {})
        if common is None:  # the route's own (429, 503): its model, as problem+json
            own: dict[str, Any] = next(iter((answer.get("content") or {}).values()), {})
            schema = own.get("schema", {"$ref": _ref(ProblemDetails)})
        else:
            schema = {"$ref": _ref(common["model"])}
            if answer.get("description", "") in ("", http.HTTPStatus(status).phrase):
                answer["description"] = common["description"]
        answer["content"] = {PROBLEM_JSON: {"schema": schema}}
    operation["responses"] = dict(sorted(responses.items()))


def _ref(model: type[BaseModel]) -> str:
    return _ref_name(model.__name__)


def _ref_name(name: str) -> str:
    return f"#/components/schemas/{name}"


def _ops_router(
    db: Database, registry: CollectorRegistry, readiness: dict[str, ReadinessCheck]
) -> APIRouter:
    router = APIRouter(tags=["ops"])

    @router.get("/healthz", response_model=dict[str, str])
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @router.get("/readyz", response_model=dict[str, str], responses={503: {"model": Problem}})
    async def readyz() -> Response:
        """Readiness: the database and the broker are reachable."""
        checks: dict[str, str] = {}
        for name, check in {"database": db.ping, **readiness}.items():
            try:
                await check()
                checks[name] = "ok"
            except Exception as exc:  # a probe reports every failure, whatever its kind
                checks[name] = f"failed: {type(exc).__name__}"
        failed = [f"{name} {state}" for name, state in checks.items() if state != "ok"]
        if failed:
            detail = "not ready: " + "; ".join(failed)
            return problem(503, detail, instance="/readyz", extra={"checks": checks})
        return JSONResponse(checks)

    @router.get(
        "/metrics",
        response_class=PlainTextResponse,
        dependencies=[require("ops")],
    )
    async def metrics() -> Response:
        """Prometheus metrics of this process (scope `ops`)."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router


#: Where Swagger UI's own files are served from (the ``swagger-ui-bundle-v2`` package's copy).
DOCS_ASSETS = "/docs/assets"

_DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<main id="swagger-ui"></main>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: "{openapi}", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "BaseLayout", validatorUrl: null
}});
</script>
</body>
</html>
"""


def _mount_docs(app: FastAPI, title: str) -> None:
    """``/docs``: Swagger UI from the package, so it works on a network without the internet.

    Nothing is loaded from elsewhere (no CDN, no online validator badge).
    """
    page = _DOCS_PAGE.format(title=title, assets=DOCS_ASSETS, openapi=app.openapi_url)
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page)
