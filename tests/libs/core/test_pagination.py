"""Keyset pagination on a real database: every row once, in order, whatever the page size."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from concordia.core.changes import new_id
from concordia.core.deps import encode_cursor
from concordia.core.pagination import keyset, next_cursor, owned_pages, page_of


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "rows"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(16))


class _Owned(_Base):
    __tablename__ = "owned"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(16))


@dataclass(frozen=True)
class _Caller:
    scope: str | None


@pytest.mark.parametrize("limit", [1, 3, 7, 10, 11])
async def test_pages_cover_every_row_once_in_key_order(limit: int) -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    ids = [new_id() for _ in range(10)]
    sessions = async_sessionmaker(engine)
    async with sessions.begin() as session:
        session.add_all([_Row(id=i, name=f"row-{n}") for n, i in enumerate(reversed(ids))])
    seen: list[uuid.UUID] = []
    after: uuid.UUID | None = None
    async with sessions() as session:
        for _ in range(20):
            rows = list(
                (
                    await session.scalars(keyset(select(_Row), _Row.id, after=after, limit=limit))
                ).all()
            )
            seen += [r.id for r in rows]
            cursor = next_cursor(rows, limit)
            if cursor is None:
                break
            assert cursor == encode_cursor(rows[-1].id)
            after = rows[-1].id
    await engine.dispose()
    assert seen == sorted(ids)


def test_a_short_or_empty_page_is_the_last() -> None:
    assert next_cursor([], 5) is None
    page = page_of(["a", "b"], 5)
    assert (page.items, page.next) == (["a", "b"], None)


async def test_owned_pages_lists_the_caller_s_scope_a_page_at_a_time() -> None:
    list_page = owned_pages(_Owned, caller="actor", doc="A page of owned rows.")
    assert list_page.__doc__ == "A page of owned rows."
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    ids = sorted(new_id() for _ in range(5))
    sessions = async_sessionmaker(engine)
    async with sessions.begin() as session:
        session.add_all([_Owned(id=i, owner="ann" if n % 2 else "bob") for n, i in enumerate(ids)])
    async with sessions() as session:
        ann = await list_page(session=session, actor=_Caller("ann"), after=None, limit=10)
        assert [r.id for r in ann] == [ids[1], ids[3]]
        first = await list_page(session=session, actor=_Caller(None), after=None, limit=2)
        assert [r.id for r in first] == ids[:2]  # no scope: every owner's
        rest = await list_page(session=session, actor=_Caller(None), after=ids[1], limit=10)
        assert [r.id for r in rest] == ids[2:]
    await engine.dispose()
