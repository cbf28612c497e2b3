"""insert_rows: the rows Core's executemany would store, written without its per-row work."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from concordia.core.db import COPY_FROM, Database, UtcDateTime, insert_rows, insert_rows_sync

metadata = MetaData()


def _table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("id", Uuid, nullable=False),
        Column("name", String(64), nullable=False),
        Column("blob", LargeBinary, nullable=True),
        Column("doc", JSON, nullable=True),
        Column("at", UtcDateTime(), nullable=False),
        Column("kind", String(8), nullable=False, default="plain"),  # a Python-side default
    )


core_table, fast_table, sync_table = _table("by_core"), _table("by_rows"), _table("by_sync")
single = Table("single_column", metadata, Column("name", String(64), primary_key=True))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


def _rows(n: int, **extra: Any) -> list[dict[str, Any]]:
    at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    return [
        {
            "id": uuid.UUID(int=i + 1),
            "name": f"Testthing {i}",
            "blob": bytes([i % 256]) * 3 if i % 3 else None,
            "doc": {"n": i, "tags": ["a", "b"]} if i % 2 else None,
            "at": at + timedelta(seconds=i),
            **extra,
        }
        for i in range(n)
    ]


async def _stored(db: Database, table: Table) -> list[tuple[Any, ...]]:
    async with db.unit_of_work(write=False) as session:
        rows = (await session.execute(select(table).order_by(table.c.seq))).all()
    return [tuple(row) for row in rows]


#: One object in every row (a batch's timestamp, a shared document): converted once, stored
#: in every row all the same.
SHARED = {"at": datetime(2026, 5, 6, 7, 8, 9, 10, tzinfo=UTC), "doc": {"shared": [1, 2]}}


@pytest.mark.parametrize(
    "extra", [{}, {"kind": "given"}, SHARED], ids=["default", "given", "one-object-columns"]
)
# From COPY_FROM rows on, PostgreSQL takes them by COPY: stored all the same.
@pytest.mark.parametrize("count", [7, COPY_FROM + 3], ids=["few", "copied"])
async def test_rows_stored_as_core_stores_them(
    db: Database, extra: dict[str, Any], count: int
) -> None:
    rows = _rows(count, **extra)
    async with db.unit_of_work() as session:
        await session.execute(insert(core_table), rows)
        await insert_rows(session, fast_table, rows)
        await session.run_sync(insert_rows_sync, sync_table, rows)
        await insert_rows(session, fast_table, [])  # nothing to write: no statement
    expected = await _stored(db, core_table)
    assert len(expected) == count
    assert await _stored(db, fast_table) == expected
    assert await _stored(db, sync_table) == expected


async def test_a_single_column_row_is_stored(db: Database) -> None:
    async with db.unit_of_work() as session:
        await insert_rows(session, single, [{"name": "Testname A"}, {"name": "Testname B"}])
    async with db.unit_of_work(write=False) as session:
        names = (await session.scalars(select(single.c.name).order_by(single.c.name))).all()
    assert names == ["Testname A", "Testname B"]


async def test_rows_roll_back_with_their_unit_of_work(db: Database) -> None:
    async def write_then_fail() -> None:
        async with db.unit_of_work() as session:
            await insert_rows(session, fast_table, _rows(3))
            raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        await write_then_fail()
    assert await _stored(db, fast_table) == []


async def test_copied_rows_roll_back_with_their_unit_of_work_even_as_its_first_statement(
    db: Database,
) -> None:
    async def write_then_fail() -> None:
        async with db.unit_of_work() as session:
            await insert_rows(session, fast_table, _rows(COPY_FROM))
            raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        await write_then_fail()
    assert await _stored(db, fast_table) == []


@pytest.mark.parametrize("count", [3, COPY_FROM + 3], ids=["few", "copied"])
async def test_a_taken_unique_value_is_an_integrity_error_and_writes_nothing(
    db: Database, count: int
) -> None:
    async with db.unit_of_work() as session:
        await insert_rows(session, single, [{"name": "Testname 2"}])
    rows = [{"name": f"Testname {n}"} for n in range(count)]  # the third is taken
    with pytest.raises(IntegrityError):
        async with db.unit_of_work() as session:
            await insert_rows(session, single, rows)
    async with db.unit_of_work(write=False) as session:
        assert (await session.scalars(select(single.c.name))).all() == ["Testname 2"]


#: A column whose Python key is not its name: the rows go to the named column.
keyed = Table(
    "keyed_columns",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("type", String(16), key="kind", nullable=False),
)


@pytest.mark.parametrize("count", [3, COPY_FROM + 3], ids=["few", "copied"])
async def test_a_column_is_written_by_its_name_not_its_key(db: Database, count: int) -> None:
    async with db.unit_of_work() as session:
        await insert_rows(session, keyed, [{"kind": f"kind-{n}"} for n in range(count)])
    async with db.unit_of_work(write=False) as session:
        kinds = (await session.scalars(select(keyed.c.kind).order_by(keyed.c.seq))).all()
    assert kinds == [f"kind-{n}" for n in range(count)]


@pytest.mark.parametrize("count", [3, COPY_FROM + 3], ids=["few", "copied"])
async def test_a_value_the_driver_cannot_take_is_a_database_error(db: Database, count: int) -> None:
    from sqlalchemy.exc import DBAPIError, StatementError

    rows = [{"kind": f"kind-{n}"} for n in range(count)]
    rows[-1] = {"kind": object()}
    with pytest.raises((DBAPIError, StatementError)):
        async with db.unit_of_work() as session:
            await insert_rows(session, keyed, rows)
    async with db.unit_of_work(write=False) as session:
        assert (await session.scalars(select(keyed.c.kind))).all() == []
