"""Agencies' case numbers are personal: stored as a keyed digest and a ciphertext, never as text.

Issue 9, section 6: the registry finds a person by the HMAC of the owner and the external id
under the node key, and keeps the value only encrypted. Existing rows are converted by the
migration b7c1e2d3f4a5, with the node key.
"""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from alembic import command
from registry_support import AGENCY_1, AGENCY_2, Registry, person
from sqlalchemy import insert, text

from concordia.core.crypto import FieldCipher
from concordia.core.db import Database
from concordia.kit import alembic_config
from concordia.registry.app import SERVICE_DIR
from concordia.registry.models import Change, Person
from concordia.registry.service import persons as person_service
from concordia.registry.service._common import NodeContext

RW = ("registry:read", "registry:write")
PURPOSE = {"X-Purpose": "permit_case_work"}
CASE = "CASE-SYNTH-"


def _case(n: int) -> str:
    return f"{CASE}{n:04d}"


async def _stored(db: Database, table: str) -> list[dict[str, Any]]:
    async with db.unit_of_work() as session:
        rows = (await session.execute(text(f"SELECT * FROM {table}"))).mappings().all()
    return [dict(r) for r in rows]


def _plain_anywhere(rows: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """Every stored value that carries a case number as text or bytes."""
    found = []
    for row in rows:
        for column, value in row.items():
            if isinstance(value, str) and CASE in value:
                found.append((column, value))
            if isinstance(value, bytes | memoryview) and CASE.encode() in bytes(value):
                found.append((column, value))
    return found


async def test_external_ids_are_stored_only_as_a_digest_and_a_ciphertext(
    registry: Registry,
) -> None:
    client, db = registry.client, registry.app.state.concordia.db
    agency_1 = registry.auth(*RW, owner=AGENCY_1)
    agency_2 = registry.auth(*RW, owner=AGENCY_2)
    records = [person(n, external_id=_case(n)) for n in range(3)]
    sync = await client.put("/v1/sync/persons", json={"records": records}, headers=agency_1)
    assert sync.status_code == 200, sync.text
    assert sync.json()["counts"]["created"] == 3
    made = await client.post("/v1/persons", json=person(7, external_id=_case(7)), headers=agency_1)
    assert made.status_code == 201, made.text
    # The second agency uses one of the same case numbers: its own person, unrelated.
    theirs = await client.post(
        "/v1/persons", json=person(0, external_id=_case(0)), headers=agency_2
    )
    assert theirs.status_code == 201, theirs.text

    persons = await _stored(db, "persons")
    changes = await _stored(db, "changes")
    assert _plain_anywhere(persons) == []
    assert _plain_anywhere(changes) == []
    assert "external_id" not in persons[0]
    keys = [bytes(p["external_key"]) for p in persons]
    assert all(len(k) == 32 for k in keys)
    assert len(set(keys)) == 5  # one case number at two agencies: two unrelated digests

    # The API still speaks external ids: a read, the delta feed, a re-sync, a duplicate.
    first = sync.json()["results"][0]["id"]
    read = await client.get(f"/v1/persons/{first}", headers=agency_1)
    assert read.json()["external_id"] == _case(0)
    feed = await client.get("/v1/changes", headers=agency_1)
    assert [c["external_id"] for c in feed.json()["items"]] == [_case(n) for n in (0, 1, 2, 7)]
    again = await client.put("/v1/sync/persons", json={"records": records}, headers=agency_1)
    assert [r["status"] for r in again.json()["results"]] == ["unchanged"] * 3
    twice = await client.post("/v1/persons", json=person(9, external_id=_case(1)), headers=agency_1)
    assert twice.status_code == 409
    assert (await client.get("/v1/changes", headers=agency_2)).json()["items"][0][
        "external_id"
    ] == _case(0)

    # Erasure removes the digest and the ciphertext; the erased case number is still refused.
    gone = await client.delete(f"/v1/persons/{first}", headers={**agency_1, **PURPOSE})
    assert gone.status_code == 204
    async with db.unit_of_work() as session:
        erased = await session.get(Person, uuid.UUID(first))
        assert erased is not None
        assert erased.external_key is None
        assert erased.external_id_enc is None
    feed = await client.get("/v1/changes", headers=agency_1)
    assert {c["external_id"] for c in feed.json()["items"] if c["id"] == first} == {None}
    resync = await client.put("/v1/sync/persons", json={"records": records}, headers=agency_1)
    assert [r["status"] for r in resync.json()["results"]] == ["rejected", "unchanged", "unchanged"]


async def test_a_dry_run_finds_the_owners_persons_by_digest_and_no_one_elses(
    registry: Registry,
) -> None:
    client = registry.client
    agency_1 = registry.auth(*RW, owner=AGENCY_1)
    agency_2 = registry.auth(*RW, owner=AGENCY_2)
    records = [person(n, external_id=_case(n)) for n in range(2)]
    await client.put("/v1/sync/persons", json={"records": records}, headers=agency_1)
    probe = await client.put(
        "/v1/sync/persons?dry_run=true", json={"records": records}, headers=agency_2
    )
    assert [r["status"] for r in probe.json()["results"]] == ["created", "created"]
    assert all(r["id"] is None or r["version"] == 1 for r in probe.json()["results"])
    mine = await client.put(
        "/v1/sync/persons?dry_run=true", json={"records": records}, headers=agency_1
    )
    assert [r["status"] for r in mine.json()["results"]] == ["unchanged", "unchanged"]


# -- the migration -----------------------------------------------------------------------------

_PREVIOUS = "5fc7375040da"
#: The persons table as it was at 5fc7375040da (the columns a row needs).
_LEGACY_PERSONS = sa.table(
    "persons",
    *(sa.column(name, type_) for name, type_ in (
        ("id", sa.Uuid()), ("owner", sa.String()), ("external_id", sa.String()),
        ("version", sa.Integer()), ("created_at", sa.DateTime(timezone=True)),
        ("updated_at", sa.DateTime(timezone=True)), ("digest", sa.LargeBinary()),
        ("name_enc", sa.LargeBinary()), ("aliases_enc", sa.LargeBinary()),
        ("host_city_enc", sa.LargeBinary()), ("vulnerabilities", sa.JSON()),
        ("family", sa.JSON()), ("gender", sa.String()), ("ethnic_origin", sa.String()),
        ("national_minority", sa.String()), ("region_of_origin", sa.String()),
        ("profession_category", sa.String()), ("host_country", sa.String()),
        ("risk_level", sa.String()),
    )),
)  # fmt: skip


def _legacy_person(cipher: FieldCipher, n: int, owner: str) -> dict[str, Any]:
    """A persons row as the registry wrote it before b7c1e2d3f4a5: the external id in clear."""
    pid = uuid.UUID(int=(1 << 76) | n)  # any distinct ids
    ctx = NodeContext(node="se", cipher=cipher)
    fields = person(n) | {"family": [{"relation": "child", "count": 2}]}
    fields.pop("external_id")
    fields["national_minority"] = None
    at = datetime(2026, 12, 1, tzinfo=UTC)
    return {
        "id": pid,
        "owner": owner,
        "external_id": _case(n),
        "version": 1,
        "created_at": at,
        "updated_at": at,
        **person_service.person_columns(ctx, pid, orjson.loads(orjson.dumps(fields))),
    }


async def _downgrade(url: str, revision: str, environ: dict[str, str]) -> None:
    cfg = alembic_config(SERVICE_DIR, url)
    cfg.attributes.update(quiet=True, environ=environ)
    await asyncio.to_thread(command.downgrade, cfg, revision)


async def _upgrade(url: str, environ: dict[str, str]) -> None:
    cfg = alembic_config(SERVICE_DIR, url)
    cfg.attributes.update(quiet=True, environ=environ)
    await asyncio.to_thread(command.upgrade, cfg, "heads")


async def test_the_migration_digests_and_encrypts_existing_external_ids(
    make_registry: Callable[..., Awaitable[Registry]],
    database_factories: Callable[[str], Awaitable[str]],
) -> None:
    url = await database_factories("registry")
    raw = os.urandom(32)
    key = base64.urlsafe_b64encode(raw).decode()
    environ = {"CONCORDIA_ENV": "prod", "CONCORDIA_NODE_KEY": key}
    await _downgrade(url, _PREVIOUS, environ)
    cipher = FieldCipher(raw)
    rows = [_legacy_person(cipher, n, AGENCY_1 if n < 3 else AGENCY_2) for n in range(4)]
    db = Database(url)
    try:
        async with db.unit_of_work() as session:
            await session.execute(insert(_LEGACY_PERSONS), rows)
            await session.execute(
                insert(Change),
                [
                    {"owner": r["owner"], "entity": "person", "entity_id": r["id"],
                     "external_id": r["external_id"], "version": 1, "op": "upsert"}
                    for r in rows
                ],
            )  # fmt: skip
        # Without the node key (and the development key refused in prod) nothing is converted.
        with pytest.raises(RuntimeError, match="CONCORDIA_NODE_KEY"):
            await _upgrade(url, {"CONCORDIA_ENV": "prod"})
        await _upgrade(url, environ)
        assert _plain_anywhere(await _stored(db, "persons")) == []
        assert _plain_anywhere(await _stored(db, "changes")) == []
    finally:
        await db.engine.dispose()

    registry = await make_registry(url, node_key=key)
    agency_1 = registry.auth(*RW, owner=AGENCY_1)
    read = await registry.client.get(f"/v1/persons/{rows[0]['id']}", headers=agency_1)
    assert read.status_code == 200, read.text
    assert (read.json()["external_id"], read.json()["name"]) == (_case(0), "Testperson 000000")
    resync = await registry.client.put(
        "/v1/sync/persons",
        json={"records": [person(n, external_id=_case(n)) for n in range(3)]},
        headers=agency_1,
    )
    assert [r["status"] for r in resync.json()["results"]] == ["unchanged"] * 3
    assert [r["id"] for r in resync.json()["results"]] == [str(r["id"]) for r in rows[:3]]
    feed = await registry.client.get("/v1/changes", headers=agency_1)
    assert [c["external_id"] for c in feed.json()["items"]] == [_case(n) for n in range(3)]
    # Per owner: the second agency's case number 0003 is its own, found only by it.
    agency_2 = registry.auth(*RW, owner=AGENCY_2)
    dup = await registry.client.post(
        "/v1/persons", json=person(3, external_id=_case(3)), headers=agency_2
    )
    assert dup.status_code == 409
    ok = await registry.client.post(
        "/v1/persons", json=person(3, external_id=_case(3)), headers=agency_1
    )
    assert ok.status_code == 201

    # And back: the downgrade decrypts them into the plain column again.
    await _downgrade(url, _PREVIOUS, environ)
    db = Database(url)
    try:
        async with db.unit_of_work() as session:
            back = (await session.execute(text("SELECT external_id FROM persons"))).scalars().all()
    finally:
        await db.engine.dispose()
    assert sorted(back) == sorted([_case(n) for n in range(4)] + [_case(3)])


async def test_a_stored_sync_answer_keeps_the_case_numbers_encrypted(registry: Registry) -> None:
    client, db = registry.client, registry.app.state.concordia.db
    headers = {**registry.auth(*RW, owner=AGENCY_1), "Idempotency-Key": "synthetic-key-1"}
    body = {"records": [person(n, external_id=_case(n)) for n in range(2)]}
    first = await client.put("/v1/sync/persons", json=body, headers=headers)
    assert first.status_code == 200
    stored = await _stored(db, "idempotency_keys")
    assert len(stored) == 1
    assert _plain_anywhere(stored) == []
    replayed = await client.put("/v1/sync/persons", json=body, headers=headers)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json() == first.json()
    assert [r["external_id"] for r in replayed.json()["results"]] == [_case(0), _case(1)]


async def test_persons_from_before_owners_become_the_operators_with_their_ids_sealed(
    make_registry: Callable[..., Awaitable[Registry]],
    database_factories: Callable[[str], Awaitable[str]],
) -> None:
    """Issue 9, section 1: existing rows are migrated to the node operator's owner."""
    url = await database_factories("registry")
    raw = os.urandom(32)
    key = base64.urlsafe_b64encode(raw).decode()
    environ = {"CONCORDIA_ENV": "prod", "CONCORDIA_NODE_KEY": key}
    await _downgrade(url, "cf187471128f", environ)  # the registry's first schema
    row = _legacy_person(FieldCipher(raw), 5, "operator")
    row.pop("owner")
    columns = [sa.column(c.name, c.type) for c in _LEGACY_PERSONS.columns if c.name != "owner"]
    before_owners = sa.table("persons", *columns)
    db = Database(url)
    try:
        async with db.unit_of_work() as session:
            await session.execute(insert(before_owners), [row])
    finally:
        await db.engine.dispose()
    await _upgrade(url, environ)

    registry = await make_registry(url, node_key=key)
    mine = await registry.client.get(f"/v1/persons/{row['id']}", headers=registry.rw)
    assert mine.status_code == 200, mine.text
    assert mine.json()["external_id"] == _case(5)
    agency = registry.auth(*RW, owner=AGENCY_1)
    theirs = await registry.client.get(f"/v1/persons/{row['id']}", headers=agency)
    assert theirs.status_code == 404
    resync = await registry.client.put(
        "/v1/sync/persons", json={"records": [person(5, external_id=_case(5))]}, headers=registry.rw
    )
    assert resync.json()["results"][0]["status"] == "unchanged"
