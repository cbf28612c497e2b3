"""FastAPI dependencies every service uses: the unit of work, versions, paging cursors."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.errors import FieldError
from concordia.core.types import QUARTER_PATTERN


async def _unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    async with request.app.state.concordia.db.unit_of_work(write=write) as session:
        yield session


#: One session per request; it commits before the response is sent (``scope="function"``), so a
#: client never sees success for a change that did not commit.
SessionDep = Annotated[AsyncSession, Depends(_unit_of_work, scope="function")]


T = TypeVar("T")


def etag(version: int) -> str:
    """The ETag of a record at ``version``."""
    return f'"{version}"'


def tagged(response: Response, version: int, body: T, *, location: str | None = None) -> T:
    """``body``, answered with ``version`` as the ETag and, for a new record, its ``location``."""
    response.headers["ETag"] = etag(version)
    if location is not None:
        response.headers["Location"] = location
    return body


# Typed ``str`` with a None default, so the OpenAPI says "an optional string", not "nullable"
# (HTTP headers cannot be null, and generated clients would send the text "null").
# Any value is a precondition (RFC 9110 13.1.1): one that names no current version (a stale or
# weak tag, a list, text that is no tag at all) is answered 412, as a stale one; empty is 422.
_IfMatch = Annotated[
    str,
    Header(
        min_length=1,
        max_length=200,
        description='The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.',
    ),
]


#: What ``IfMatchDep`` gives for a value that names no version: it matches none (412 at the
#: record's check, after the request's own fields are validated: they answer first).
NO_VERSION = -1


async def _if_match(
    if_match: _IfMatch = None,  # type: ignore[assignment]
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    # Strong comparison only (RFC 9110 13.1.1): a weak tag never matches.
    value = if_match.strip()
    if (
        len(value) < 3
        or value[0] != '"'
        or value[-1] != '"'
        or not (value[1:-1].isascii() and value[1:-1].isdigit())
    ):
        return NO_VERSION
    return int(value[1:-1])


IfMatchDep = Annotated[int | None, Depends(_if_match)]


def encode_cursor(value: uuid.UUID) -> str:
    """An opaque cursor for a keyset page that ends at ``value``."""
    return base64.urlsafe_b64encode(value.bytes).decode().rstrip("=")


async def _after(
    after: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z0-9_-]{22}$", description="The `next` cursor of the last page."),
    ] = None,
) -> uuid.UUID | None:
    if after is None:
        return None
    try:
        return uuid.UUID(bytes=base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise FieldError(["query", "after"], "not a cursor this API issued") from exc


AfterDep = Annotated[uuid.UUID | None, Depends(_after)]
LimitDep = Annotated[int, Query(ge=1, le=1000, description="Page size.")]
#: A year quarter asked for in the query (``?period=2026-Q4``).
QuarterQuery = Annotated[
    str, Query(pattern=QUARTER_PATTERN, description="A quarter.", examples=["2026-Q4"])
]
