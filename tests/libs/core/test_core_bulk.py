"""concordia.core.bulk: Idempotency-Key replays on a real database (SQLite, PostgreSQL in CI)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func, insert, select
from starlette.requests import Request

from concordia.core.bulk import (
    IDEMPOTENCY_TTL,
    IdempotencyStore,
    RecordError,
    SyncReport,
    SyncResult,
    accepted,
    rejected,
    report,
    request_hash,
    run_sync,
    validate_records,
)
from concordia.core.db import Database, new_metadata
from concordia.core.errors import ConflictError

ANSWER = b'{"dry_run":false}'


class Store:
    """An IdempotencyStore with its table created in a fresh database."""

    def __init__(self, db: Database, store: IdempotencyStore) -> None:
        self.db, self.store, self.table = db, store, store.table

    async def remember(self, key: str, body: bytes, token: str = "tok1", status: int = 200) -> None:
        """Store an answer for ``body`` under ``key`` in one unit of work."""
        async with self.db.unit_of_work() as session:
            await self.store.remember(session, key=key, token_id=token,
                                      body_hash=request_hash(body), status=status,
                                      body=ANSWER)  # fmt: skip

    async def replay(self, key: str, body: bytes, token: str = "tok1") -> tuple[int, bytes] | None:
        """The stored answer for ``key`` and ``body``, if any."""
        async with self.db.unit_of_work(write=False) as session:
            return await self.store.replay(session, key=key, token_id=token,
                                           body_hash=request_hash(body))  # fmt: skip

    async def rows(self) -> int:
        """How many answers are stored."""
        async with self.db.unit_of_work(write=False) as session:
            return int(
                (await session.execute(select(func.count()).select_from(self.table))).scalar_one()
            )


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """The idempotency table alone, on a new empty database of the backend under test."""
    metadata = new_metadata()
    idempotency = IdempotencyStore(metadata)
    db = Database(database_url)
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        yield Store(db, idempotency)
    finally:
        await db.dispose()


async def test_same_key_same_body_replays_the_first_answer(store: Store) -> None:
    await store.remember("key-1", b'{"records":[1]}', status=200)
    assert await store.replay("key-1", b'{"records":[1]}') == (200, ANSWER)


async def test_same_key_other_body_conflicts(store: Store) -> None:
    await store.remember("key-1", b'{"records":[1]}')
    with pytest.raises(ConflictError, match="different request body") as caught:
        await store.replay("key-1", b'{"records":[2]}')
    assert caught.value.status == 409


async def test_unknown_key_and_other_token_are_not_replayed(store: Store) -> None:
    await store.remember("key-1", b"body", token="tok1")
    assert await store.replay("key-2", b"body") is None
    assert await store.replay("key-1", b"body", token="tok2") is None  # keys are per token


async def test_answer_is_stored_only_if_the_unit_of_work_commits(store: Store) -> None:
    async def failing_sync() -> None:
        async with store.db.unit_of_work() as session:
            await store.store.remember(session, key="key-1", token_id="tok1",
                                       body_hash=request_hash(b"body"), status=200,
                                       body=ANSWER)  # fmt: skip
            raise RuntimeError("the sync itself failed")

    with pytest.raises(RuntimeError, match="the sync itself failed"):
        await failing_sync()
    assert await store.replay("key-1", b"body") is None


async def test_expired_answers_are_neither_replayed_nor_kept(store: Store) -> None:
    old = datetime.now(UTC) - IDEMPOTENCY_TTL - IDEMPOTENCY_TTL / 24
    async with store.db.unit_of_work() as session:
        await session.execute(insert(store.table).values(
            key="old", token_id="tok1", request_hash=request_hash(b"body"), status=200,
            response=ANSWER, created_at=old))  # fmt: skip
    assert await store.replay("old", b"other body") is None  # expired: no conflict either
    await store.remember("new", b"body")
    assert await store.rows() == 1  # remembering purged the expired answer


async def test_remembering_a_key_again_replaces_its_answer(store: Store) -> None:
    await store.remember("key-1", b"first")
    await store.remember("key-1", b"second", status=201)
    assert await store.replay("key-1", b"second") == (201, ANSWER)
    assert await store.rows() == 1


def _request(path: str, body: bytes) -> Request:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "PUT", "path": path, "query_string": b"", "headers": [],
             "scheme": "http", "server": ("test", 80)}  # fmt: skip
    return Request(scope, receive)


async def test_run_sync_replays_refuses_and_binds_the_key_to_the_route(store: Store) -> None:
    applied: list[int] = []

    async def apply(records: Sequence[Any]) -> SyncReport:
        applied.append(len(records))
        results = [SyncResult(index=i, external_id=None, status="unchanged")
                   for i in range(len(records))]  # fmt: skip
        return report(results, dry_run=False)

    async def call(path: str, body: bytes, key: str | None = "key-1") -> Any:
        async with store.db.unit_of_work() as session:
            return await run_sync(_request(path, body), session, store.store, "tok1", apply,
                                  idempotency_key=key, dry_run=False)  # fmt: skip

    body = orjson.dumps({"records": [{"a": 1}, {"a": 2}]})
    first = await call("/v1/sync/things", body)
    again = await call("/v1/sync/things", body)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.body == first.body
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert applied == [2]  # the replay did not apply the records again

    with pytest.raises(ConflictError):
        await call("/v1/sync/things", orjson.dumps({"records": [{"a": 3}]}))
    with pytest.raises(ConflictError):  # the same body to another route is another request
        await call("/v1/sync/others", body)
    fresh = await call("/v1/sync/others", body, key="key-2")
    assert "Idempotent-Replayed" not in fresh.headers
    await call("/v1/sync/things", body, key=None)  # no key: applied every time
    assert applied == [2, 2, 2]


class _Thing(BaseModel):
    external_id: str = Field(min_length=1)
    size: int = Field(ge=0)
    colour: str = "red"


def test_records_are_validated_as_if_one_by_one() -> None:
    """One list validation tells each record's errors by its index, as validating it alone."""
    records: list[Any] = [
        {"external_id": "a", "size": 1},
        {"external_id": "b", "size": -1, "colour": 3},
        "not an object",
        {"external_id": "a", "size": 2},  # a duplicate of a valid record
        {"size": 4},
        {"external_id": "c", "size": 5, "colour": "blue"},
    ]
    valid, refused = validate_records(records, _Thing)
    assert [(i, r.external_id, r.colour) for i, r in valid] == [(0, "a", "red"), (5, "c", "blue")]
    by_index = {r.index: r for r in refused}
    assert sorted(by_index) == [1, 2, 3, 4]
    for index in (1, 2, 4):
        with pytest.raises(ValidationError) as alone:
            _Thing.model_validate(records[index])
        expected = [(list(e["loc"]), e["msg"]) for e in alone.value.errors()]
        assert [(e.loc, e.msg) for e in by_index[index].errors] == expected
        assert by_index[index].status == "rejected"
    assert by_index[1].external_id == "b"
    assert by_index[2].external_id is None
    assert [e.msg for e in by_index[3].errors] == ["duplicate external_id in this request"]
    assert validate_records([], _Thing) == ([], [])


class _DriverUuid(uuid.UUID):
    """A driver's own UUID class (asyncpg's is one): orjson does not write subclasses itself."""


def test_the_answer_is_the_json_pydantic_writes_for_the_report() -> None:
    """``SyncReport.to_json`` (orjson, over plain dataclasses) writes what the documented model
    would: every kind of result, with and without errors, ids and field lists."""
    results = [
        accepted(2, "EXT-2", "created", uuid.UUID(int=2), 1, defaulted=["risk_level"]),
        rejected(0, None, [RecordError(loc=["records", 0], msg="must be an object")]),
        accepted(1, "EXT-1", "updated", uuid.UUID(int=1), 4, left_unchanged=["a", "b"]),
        accepted(3, "EXT-3", "unchanged", _DriverUuid(int=3), 2),
        rejected(4, "EXT-Ä\n", [RecordError(["size"], "≥ 0"), RecordError([], "x")]),
    ]
    answer = report(results, dry_run=True)
    assert [r.index for r in answer.results] == [0, 1, 2, 3, 4]
    assert answer.counts == {"created": 1, "updated": 1, "unchanged": 1, "rejected": 2}
    documented = SyncReport.model_validate(orjson.loads(answer.to_json()))
    assert answer.to_json() == documented.model_dump_json().encode()
    assert documented.results == answer.results
