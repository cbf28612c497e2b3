"""JSON logs on stderr: one object per line, ready for any log shipper.

Every line carries ``request_id`` (the HTTP request being served: the client's ``X-Request-Id``
when well-formed, else a fresh one, echoed in the response) and ``trace_id``/``span_id`` (the
OpenTelemetry span in force); each is null outside a request or a trace.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from concordia.core.tracing import trace_ids

#: The header a request id comes in and goes back out with.
REQUEST_ID_HEADER = "X-Request-Id"
#: A client's request id is kept only if it looks like an id (never free text in our logs).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "concordia_request_id", default=None
)


def request_id() -> str | None:
    """The id of the HTTP request being served, or None outside one."""
    return _request_id.get()


class RequestIdMiddleware:
    """Give every HTTP request an id: the client's ``X-Request-Id`` if well-formed, else new."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = _request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != b"x-request-id"]
                headers.append((b"x-request-id", rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)


class CorrelationFilter(logging.Filter):
    """Adds ``request_id``, ``trace_id`` and ``span_id`` to every record (None when unknown)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate ``record``; never drops one."""
        record.request_id = _request_id.get()
        record.trace_id, record.span_id = trace_ids()
        return True


_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as a single JSON line, carrying ``extra=`` fields through."""

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str = "INFO", *, service: str | None = None) -> None:
    """Route the root logger (and uvicorn's) to JSON lines on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(CorrelationFilter())
    if service:
        handler.addFilter(_ServiceFilter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Access lines come from our own middleware, with the route template instead of the raw path.
    logging.getLogger("uvicorn.access").disabled = True


class _ServiceFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        return True
