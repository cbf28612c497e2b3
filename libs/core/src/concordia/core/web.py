"""The pieces every service's FastAPI app shares: errors, body limit, metrics, health.

``create_app`` wires them once so that services only add their routers and lifespan work.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Self

import orjson
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
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
from sqlalchemy.exc import IntegrityError
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from concordia.core import tracing
from concordia.core.auth import TokenStore, require
from concordia.core.db import Database
from concordia.core.errors import DomainError, FieldError
from concordia.core.logging import RequestIdMiddleware
from concordia.core.oidc import OidcVerifier
from concordia.core.settings import CoreSettings

log = logging.getLogger("concordia.http")

ReadinessCheck = Callable[[], Awaitable[None]]
Lifespan = Callable[[FastAPI], Any]


class Problem(BaseModel):
    """An error the client can act on."""

    detail: str


class ValidationIssue(BaseModel):
    """One rejected field: where it is, and why."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """422: every field that was rejected, with the reason."""

    detail: list[ValidationIssue]


#: Documented on every route: what a client can get back besides success.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Malformed JSON body"},
    401: {"model": Problem, "description": "Missing or invalid bearer token"},
    403: {"model": Problem, "description": "Token lacks the required scope"},
    404: {"model": Problem, "description": "No such record"},
    409: {"model": Problem, "description": "Conflicts with the current state (a taken key)"},
    413: {"model": Problem, "description": "Request body too large"},
    422: {"model": ValidationProblem, "description": "A field was rejected; `loc` names it"},
}


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
    body = {"detail": f"request body exceeds {limit} bytes"}
    await JSONResponse(body, status_code=413)(scope, receive, send)


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


def _validation_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "invalid JSON")
            return JSONResponse({"detail": f"malformed JSON body: {reason}"}, status_code=400)
    # Never echo the rejected input back: it may be a person's data.
    issues = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in errors
    ]
    return JSONResponse({"detail": issues}, status_code=422)


def _domain_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    if isinstance(exc, FieldError):
        issue = {"loc": exc.loc, "msg": exc.msg, "type": exc.type}
        return JSONResponse({"detail": [issue]}, status_code=422)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status)


def _integrity_handler(_request: Request, exc: Exception) -> JSONResponse:
    # A unique key raced by a concurrent write: the transaction rolled back, nothing half-written.
    log.info("integrity conflict", extra={"error": type(exc).__name__})
    detail = "conflicting concurrent write: a unique value is taken; read again and retry"
    return JSONResponse({"detail": detail}, status_code=409)


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
            yield
        await db.dispose()

    app = FastAPI(
        title=f"Concordia {service}",
        description=description,
        version=version,
        lifespan=_lifespan,
        responses=COMMON_RESPONSES,
        # The API docs are served from the package (``_docs_router``), never from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.concordia = state
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(DomainError, _domain_handler)
    app.add_exception_handler(IntegrityError, _integrity_handler)
    for router in routers:
        app.include_router(router)
    app.include_router(_ops_router(db, registry, dict(readiness or {})))
    _mount_docs(app, f"Concordia {service}")
    _register_schemas(app, extra_schemas)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ObservabilityMiddleware, registry=registry, service=service)
    # Outermost: the access line and everything a request logs carry its id (and trace id).
    app.add_middleware(RequestIdMiddleware)
    tracing.instrument(app, service=service, settings=settings, engine=db.engine.sync_engine)
    return app


def _register_schemas(app: FastAPI, models: Sequence[type[BaseModel]]) -> None:
    """Add models that routes validate by hand (bulk bodies) to the OpenAPI components."""
    if not models:
        return
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[model.__name__] = schema
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


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
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(checks, status_code=200 if ok else 503)

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
