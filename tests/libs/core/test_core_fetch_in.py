"""fetch_in: the rows whose key is in a list, by one column or by a composite key, found the
same way on SQLite and PostgreSQL (in CI), however many keys are asked for."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint, Uuid, insert

from concordia.core.bulk import CHUNK, fetch_in
from concordia.core.db import Database, ScaledDecimal

metadata = MetaData()
things = Table(
    "fetched_things",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("group_id", Uuid, nullable=False),
    Column("key", String(32), nullable=False),
    Column("owner", String(16), nullable=False),
    UniqueConstraint("group_id", "key"),
)
#: Composite keys in forms a JSON list of keys could get wrong: a decorated type stored as
#: another (a scaled integer beyond a float's precision), a string holding NUL.
odd_keys = Table(
    "fetched_odd_keys",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("amount", ScaledDecimal(20, 8), nullable=False),
    Column("key", String(32), nullable=False),
    UniqueConstraint("amount", "key"),
)
GROUPS = [uuid.UUID(int=n + 1) for n in range(3)]
#: More than one chunk of keys: the lists are split on SQLite.
ROWS = 2 * CHUNK + 7


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        rows = [
            {"seq": n, "group_id": GROUPS[n % 3], "key": f"K-{n // 3}",
             "owner": "mine" if n % 2 else "theirs"}
            for n in range(ROWS)
        ]  # fmt: skip
        await conn.execute(insert(things), rows)
    yield database
    await database.dispose()


async def test_rows_by_one_column_with_a_condition(db: Database) -> None:
    wanted = [f"K-{n}" for n in range(0, ROWS // 3, 2)] + ["K-none", "K-0"]  # a repeat too
    async with db.unit_of_work(write=False) as session:
        rows = await fetch_in(session, (things.c.seq,), things.c.key, wanted,
                              where=[things.c.owner == "mine"])  # fmt: skip
    expected = {n for n in range(ROWS) if n % 2 and (n // 3) % 2 == 0}
    assert sorted(r.seq for r in rows) == sorted(expected)


async def test_rows_by_a_composite_key_match_both_columns(db: Database) -> None:
    # Every key under the wrong group as well as the right one: only exact pairs match.
    wanted = [(GROUPS[n % 3], f"K-{n // 3}") for n in range(0, ROWS, 2)]
    wanted += [(GROUPS[(n + 1) % 3], f"K-{n // 3}-x") for n in range(0, ROWS, 2)]
    wanted += [(uuid.UUID(int=99), "K-1"), wanted[0]]
    async with db.unit_of_work(write=False) as session:
        rows = await fetch_in(
            session, (things.c.seq, things.c.group_id, things.c.key),
            (things.c.group_id, things.c.key), wanted,
        )  # fmt: skip
    assert sorted(r.seq for r in rows) == list(range(0, ROWS, 2))
    assert all(r.key == f"K-{r.seq // 3}" and r.group_id == GROUPS[r.seq % 3] for r in rows)


async def test_no_keys_no_query(db: Database) -> None:
    async with db.unit_of_work(write=False) as session:
        assert await fetch_in(session, (things.c.seq,), (things.c.group_id, things.c.key), []) == []


async def test_composite_keys_in_every_stored_form_are_found(db: Database) -> None:
    from decimal import Decimal

    big = Decimal("123456789.12345679")  # 12345678912345679 hundred-millionths: not a float
    keys = [(big, "K-1"), (Decimal(1), "K-2")]
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's text holds no NUL
        keys.append((Decimal(2), "a\x00b"))
    async with db.unit_of_work() as session:
        rows = [{"seq": n, "amount": a, "key": k} for n, (a, k) in enumerate(keys)]
        await session.execute(insert(odd_keys), rows)
    async with db.unit_of_work(write=False) as session:
        for seq, wanted in enumerate(keys):
            found = await fetch_in(
                session, (odd_keys.c.seq,), (odd_keys.c.amount, odd_keys.c.key), [wanted]
            )
            assert [r.seq for r in found] == [seq]
