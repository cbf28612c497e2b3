"""Database.write: one synchronous writing unit of work, inline on SQLite when the lock is free."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.orm import Session

from concordia.core.db import Database

metadata = MetaData()
things = Table("things", metadata, Column("n", Integer, primary_key=True))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'write.db'}")
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


def _add(n: int) -> object:
    def add(session: Session) -> int:
        session.execute(insert(things), [{"n": n}])
        return int(session.scalar(select(func.count()).select_from(things)) or 0)

    return add


async def _count(db: Database) -> int:
    return await db.read(lambda s: int(s.scalar(select(func.count()).select_from(things)) or 0))


@pytest.mark.parametrize("inline", [False, True])
async def test_write_commits_and_returns(db: Database, inline: bool) -> None:
    assert await db.write(_add(1), inline=inline) == 1  # type: ignore[arg-type]
    assert await _count(db) == 1


@pytest.mark.parametrize("inline", [False, True])
async def test_write_rolls_back_when_the_unit_raises(db: Database, inline: bool) -> None:
    def fail(session: Session) -> None:
        session.execute(insert(things), [{"n": 1}])
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        await db.write(fail, inline=inline)
    assert await _count(db) == 0


async def test_inline_write_waits_in_a_thread_while_another_writer_holds_the_lock(
    db: Database,
) -> None:
    holding, release = asyncio.Event(), asyncio.Event()

    async def other_writer() -> None:
        async with db.unit_of_work() as session:  # BEGIN IMMEDIATE: the write lock
            await session.execute(insert(things), [{"n": 1}])
            holding.set()
            await release.wait()  # the event loop must stay free for the lock to be released

    other = asyncio.create_task(other_writer())
    await holding.wait()
    inline = asyncio.create_task(db.write(_add(2), inline=True))  # type: ignore[arg-type]
    await asyncio.sleep(0.2)
    assert not inline.done()  # waiting for the lock, off the event loop (we still run)
    release.set()
    await other
    assert await inline == 2  # it ran after the other writer's commit, and saw its row
