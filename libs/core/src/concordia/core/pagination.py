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
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

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


class Scoped(Protocol):
    """A caller limited to one owner's records (``scope``), or to none (None: every owner's)."""

    @property
    def scope(self) -> str | None: ...  # pragma: no cover - a protocol


def owned_pages(model: type[T], *, caller: str, doc: str) -> Callable[..., Awaitable[list[T]]]:
    """A service's ``list_page(*, session, <caller>, after, limit)``: an ``owned_page`` of
    ``model`` limited to the ``scope`` of the caller it takes under the keyword ``caller``
    (``viewer``, ``actor``); ``doc`` is its docstring.

    Example::

        list_page = owned_pages(Donor, caller="viewer", doc="A keyset page of donors.")
    """

    async def list_page(
        *, session: AsyncSession, after: uuid.UUID | None, limit: int, **callers: Scoped
    ) -> list[T]:
        owner = callers[caller].scope
        return await owned_page(session, model, owner=owner, after=after, limit=limit)

    list_page.__doc__ = doc
    return list_page
