"""Errors as RFC 9457 problem details, the same shape from every service.

Every error answer is ``application/problem+json``: ``type``, ``title``, ``status``, ``detail``
(always a sentence a person can read) and ``instance`` (the path that was asked for); a 422
adds ``errors``, every rejected field with where it is (``loc``) and why (``msg``, ``type``).
The exception handlers here are installed by ``concordia.core.web.create_app``.

Example::

    {"type": "urn:concordia:problem:invalid-fields", "title": "Unprocessable Content",
     "status": 422, "detail": "body.name: Field required", "instance": "/v1/persons",
     "errors": [{"loc": ["body", "name"], "msg": "Field required", "type": "missing"}]}
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import Scope

from concordia.core.errors import INCONSISTENT_TYPE, DomainError, FieldError, InconsistentError

log = logging.getLogger("concordia.http")

#: The media type of every error answer.
PROBLEM_JSON = "application/problem+json"

#: ``type`` of a problem that has no more meaning than its status (RFC 9457, 4.2.1).
BLANK = "about:blank"
INVALID_FIELDS = "urn:concordia:problem:invalid-fields"
MALFORMED_BODY = "urn:concordia:problem:malformed-body"
BODY_TOO_LARGE = "urn:concordia:problem:body-too-large"
STALE_VERSION = "urn:concordia:problem:stale-version"
CONCURRENT_WRITE = "urn:concordia:problem:concurrent-write"
#: Fields each valid alone that break a rule between them (409; ``errors`` names them).
INCONSISTENT = "urn:concordia:problem:inconsistent-fields"


class ProblemDetails(BaseModel):
    """An error the client can act on (RFC 9457 problem details)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": BLANK,
                    "title": "Not Found",
                    "status": 404,
                    "detail": "no such person",
                    "instance": "/v1/persons/0b6f9f8e-3c1e-4a53-9d39-6a1f0c1f2a10",
                }
            ]
        }
    )

    type: str = Field(BLANK, description="What kind of problem: a URI, `about:blank` if none.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(ge=400, le=599, description="The HTTP status code.")
    detail: str = Field(description="What went wrong this time, for a person to read.")
    instance: str | None = Field(None, description="The path that was asked for.")


class InvalidField(BaseModel):
    """One rejected field: where it is, and why."""

    loc: list[str | int] = Field(
        description="Where: `body`, `query`, `path` or `header`, then the field."
    )
    msg: str = Field(description="Why it was rejected.")
    type: str = Field(description="A stable code of the rule it broke.")


class ValidationProblemDetails(ProblemDetails):
    """422: the fields that were rejected, each with its reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": INVALID_FIELDS,
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": "body.name: Field required",
                    "instance": "/v1/persons",
                    "errors": [
                        {"loc": ["body", "name"], "msg": "Field required", "type": "missing"}
                    ],
                }
            ]
        }
    )

    errors: list[InvalidField] = Field(description="Every rejected field.")


class ConflictProblemDetails(ProblemDetails):
    """409: a taken key, a state that forbids the change, or fields that are valid one by one
    but break a rule between them (``inconsistent-fields``: ``errors`` names them)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": INCONSISTENT,
                    "title": "Conflict",
                    "status": 409,
                    "detail": "body.end_date: must not be before start_date (2026-09-01)",
                    "instance": "/v1/grants",
                    "errors": [
                        {
                            "loc": ["body", "end_date"],
                            "msg": "must not be before start_date (2026-09-01)",
                            "type": INCONSISTENT_TYPE,
                        }
                    ],
                }
            ]
        }
    )

    errors: list[InvalidField] = Field(
        default=None,  # type: ignore[arg-type]  # absent, never null
        description="`inconsistent-fields` only: the fields whose rule the request breaks.",
    )


class ProblemResponse(Response):
    """A problem details answer (``application/problem+json``)."""

    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        """Serialise ``content``."""
        return orjson.dumps(content)


def problem(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    type_: str = BLANK,
    errors: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> ProblemResponse:
    """The problem details answer for ``status``: its title is the status's reason phrase.

    ``extra`` adds members of the problem's own (RFC 9457, 3.2), such as a probe's checks.
    """
    body: dict[str, Any] = {
        "type": type_,
        "title": _title(status),
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = list(errors)
    body.update(extra or {})
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


#: RFC 9110's reason phrases where older Python versions still give the RFC 7231 ones.
_RFC9110_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


def _title(status: int) -> str:
    if status in _RFC9110_TITLES:
        return _RFC9110_TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def invalid_fields(
    issues: Sequence[Mapping[str, Any]], *, instance: str | None = None
) -> ProblemResponse:
    """422 naming every rejected field; ``detail`` summarises them in one sentence.

    When every issue is a rule between fields (:func:`concordia.core.errors.inconsistent`),
    the answer is 409 ``inconsistent-fields`` instead, naming them the same way.
    """
    summary = "; ".join(
        f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}" for issue in issues
    )
    if issues and all(issue["type"] == INCONSISTENT_TYPE for issue in issues):
        return problem(409, summary, instance=instance, type_=INCONSISTENT, errors=issues)
    return problem(
        422, summary or "a field was rejected", instance=instance, type_=INVALID_FIELDS,
        errors=issues,
    )  # fmt: skip


def validation_handler(request: Request, exc: Exception) -> Response:
    """A body, query, path or header FastAPI rejected: 400 for malformed JSON, else 422."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    path = request.url.path
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "invalid JSON")
            return problem(
                400, f"malformed JSON body: {reason}", instance=path, type_=MALFORMED_BODY
            )
    # Never echo the rejected input back: it may be a person's data.
    issues = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in errors
    ]
    return invalid_fields(issues, instance=path)


def domain_handler(request: Request, exc: Exception) -> Response:
    """A service's ``DomainError``: its status and sentence; a ``FieldError`` names its field
    (422), an ``InconsistentError`` the fields whose rule it breaks (409)."""
    assert isinstance(exc, DomainError)
    path = request.url.path
    if isinstance(exc, FieldError | InconsistentError):
        return invalid_fields([{"loc": exc.loc, "msg": exc.msg, "type": exc.type}], instance=path)
    type_ = STALE_VERSION if exc.status == 412 else BLANK
    return problem(exc.status, exc.detail, instance=path, type_=type_)


def integrity_handler(request: Request, exc: Exception) -> Response:
    """A unique key raced by a concurrent write: rolled back, nothing half-written; 409."""
    log.info("integrity conflict", extra={"error": type(exc).__name__})
    detail = "conflicting concurrent write: a unique value is taken; read again and retry"
    return problem(409, detail, instance=request.url.path, type_=CONCURRENT_WRITE)


def http_handler(request: Request, exc: Exception) -> Response:
    """Starlette's and FastAPI's own errors (401, 403, 404, 405 ...) as problem details.

    A 405 names in ``Allow`` every method the path answers, not only the first route's.
    """
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request.scope))
    if exc.status_code in (204, 304) or exc.status_code < 400:
        return Response(status_code=exc.status_code, headers=headers)
    detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
    return problem(exc.status_code, detail, instance=request.url.path, headers=headers)


def server_error_handler(request: Request, exc: Exception) -> Response:
    """Anything unforeseen: a 500 that says nothing of the cause (the log has it)."""
    log.error("unhandled error", extra={"error": type(exc).__name__})
    return problem(500, "internal error; it has been logged", instance=request.url.path)


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(scope: Scope) -> list[str]:
    """Every method some route of the app answers at ``scope``'s path (HEAD with GET)."""
    router = scope["app"].router
    allowed: list[str] = []
    for method in _METHODS:
        probe = {**scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in router.routes):
            allowed.append(method)
    if "GET" in allowed:
        allowed.insert(1, "HEAD")
    return allowed


def install(app: Any) -> None:
    """Install the problem details handlers on ``app`` (a FastAPI app)."""
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(DomainError, domain_handler)
    app.add_exception_handler(IntegrityError, integrity_handler)
    app.add_exception_handler(HTTPException, http_handler)
    app.add_exception_handler(Exception, server_error_handler)


__all__ = [
    "INCONSISTENT",
    "PROBLEM_JSON",
    "ConflictProblemDetails",
    "InvalidField",
    "ProblemDetails",
    "ProblemResponse",
    "ValidationProblemDetails",
    "allowed_methods",
    "install",
    "invalid_fields",
    "problem",
]
