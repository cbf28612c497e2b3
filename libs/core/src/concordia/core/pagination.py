"""Keyset pagination, written once: order by a unique key, resume after the last one seen.

A page's cursor is the key of its last row (opaque to clients: ``encode_cursor``), so a page
costs the same at any depth and rows added meanwhile are neither skipped nor repeated.

Example::

    query = keyset(select(Person), Person.id, after=after, limit=limit)
    persons = list((await session.scalars(query)).all())
    return page_of(persons, limit)          # Page(items=persons, next=cursor or None)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from concordia.core.deps import encode_cursor
from concordia.core.schemas import Page

T = TypeVar("T")
Q = TypeVar("Q", bound=Select[Any])


def keyset(query: Q, key: InstrumentedAttribute[Any], *, after: Any | None, limit: int) -> Q:
    """``query`` ordered by ``key``, from just after ``after``, at most ``limit`` rows."""
    query = query.order_by(key).limit(limit)
    if after is not None:
        query = query.where(key > after)
    return query


def next_cursor(
    rows: Sequence[T],
    limit: int,
    key: Callable[[T], uuid.UUID] = lambda row: row.id,  # type: ignore[attr-defined]
) -> str | None:
    """The cursor of the page after ``rows``: ``None`` when this page was the last."""
    return encode_cursor(key(rows[-1])) if rows and len(rows) == limit else None


def page_of(rows: Sequence[T], limit: int, items: Sequence[Any] | None = None) -> Page[Any]:
    """A ``Page`` of ``items`` (``rows`` by default) with the cursor after ``rows``."""
    return Page(items=list(rows if items is None else items), next=next_cursor(rows, limit))


async def owned_page(
    session: AsyncSession,
    model: type[T],
    *,
    owner: str | None,
    after: uuid.UUID | None,
    limit: int,
) -> list[T]:
    """A keyset page of ``model``'s rows in id order: ``owner``'s only, every owner's for None."""
    query = keyset(select(model), model.id, after=after, limit=limit)  # type: ignore[attr-defined]
    if owner is not None:
        query = query.where(model.owner == owner)  # type: ignore[attr-defined]
    return list((await session.scalars(query)).all())
