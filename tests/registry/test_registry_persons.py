"""Persons over HTTP: create, read with audit, optimistic concurrency, erasure, encryption."""

from __future__ import annotations

import asyncio

import orjson
from registry_support import Registry, create, person
from sqlalchemy import select

from concordia.registry.models import Person


async def test_create_read_and_audit(registry: Registry) -> None:
    created = await registry.client.post("/v1/persons", json=person(1), headers=registry.rw)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"/v1/persons/{body['id']}"
    assert body["federal_district"] == "volga"  # RU-TA, Tatarstan

    headers = registry.auth("registry:read", purpose="permit_case_work; permit renewal check")
    read = await registry.client.get(f"/v1/persons/{body['id']}", headers=headers)
    assert read.status_code == 200
    assert read.json()["name"] == "Testperson 000001"
    assert read.json()["family"] == [{"relation": "child", "count": 2}]

    audit = await registry.client.get("/v1/audit", headers=registry.auth("ops"))
    entries = [e for e in audit.json()["items"] if e["action"] == "read"]
    assert len(entries) == 1
    assert entries[0]["person_id"] == body["id"]
    assert entries[0]["purpose"] == "permit_case_work; permit renewal check"
    assert entries[0]["token_name"] == "test-registry:read"


async def test_names_are_encrypted_at_rest(registry: Registry) -> None:
    record = person(
        2, name="Canary Zyxwvut", aliases=["Canary Alias Qwerty"], host_city="Canaryburg"
    )
    created = await registry.client.post("/v1/persons", json=record, headers=registry.rw)
    assert created.status_code == 201
    async with registry.app.state.concordia.db.unit_of_work() as session:
        row = (await session.execute(select(Person))).scalar_one()
    raw = orjson.dumps(
        {k: (v.hex() if isinstance(v, bytes) else str(v)) for k, v in row.__dict__.items()}
    )
    for secret in (b"Canary Zyxwvut", b"Canary Alias Qwerty", b"Canaryburg"):
        assert secret not in raw
        assert secret.hex().encode() not in raw


async def test_if_match_guards_against_lost_updates(registry: Registry) -> None:
    created = (
        await registry.client.post("/v1/persons", json=person(3), headers=registry.rw)
    ).json()
    url = f"/v1/persons/{created['id']}"
    first = await registry.client.patch(
        url, json={"risk_level": "critical"}, headers={**registry.rw, "If-Match": '"1"'}
    )
    assert first.status_code == 200
    assert first.headers["ETag"] == '"2"'
    stale = await registry.client.patch(
        url, json={"risk_level": "low"}, headers={**registry.rw, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    current = await registry.client.get(url, headers=registry.rw)
    assert current.json()["risk_level"] == "critical"
    assert current.json()["version"] == 2


async def test_erasure_removes_personal_fields_and_emits_tombstone(registry: Registry) -> None:
    created = (
        await registry.client.post("/v1/persons", json=person(4), headers=registry.rw)
    ).json()
    permit = await registry.client.post(
        "/v1/permits",
        json={"person_id": created["id"], "host_country": "SE", "track": "residence",
              "status": "granted", "valid_from": "2026-01-01", "valid_to": "2027-01-01"},
        headers=registry.rw,
    )  # fmt: skip
    assert permit.status_code == 201, permit.text
    erased = await registry.client.delete(f"/v1/persons/{created['id']}", headers=registry.rw)
    assert erased.status_code == 204
    read = (await registry.client.get(f"/v1/persons/{created['id']}", headers=registry.rw)).json()
    assert read["erased"] is True
    assert read["name"] is None
    assert read["aliases"] == []
    assert read["gender"] is None
    assert read["external_id"] is None
    gone = await registry.client.get(f"/v1/permits/{permit.json()['id']}", headers=registry.rw)
    assert gone.status_code == 404
    changes = (await registry.client.get("/v1/changes", headers=registry.rw)).json()["items"]
    assert [c["op"] for c in changes if c["entity"] == "person"] == ["upsert", "erase"]
    await registry.relay_idle()
    node = registry.settings.node
    messages = await registry.stream_messages(f"local.{node}.registry.person.erased.v1", 1)
    data = orjson.loads(messages[0].data)
    assert data["type"] == "concordia.registry.person.erased.v1"
    assert data["data"]["person_id"] == created["id"]


async def test_region_codes_respect_ukraine(registry: Registry) -> None:
    refused = await registry.client.post(
        "/v1/persons", json=person(5, region_of_origin="RU-CR"), headers=registry.rw
    )
    assert refused.status_code == 422
    issue = refused.json()["errors"][0]
    assert issue["loc"] == ["body", "region_of_origin"]
    assert "UA-43" in issue["msg"]
    accepted = await registry.client.post(
        "/v1/persons", json=person(6, region_of_origin="UA-43"), headers=registry.rw
    )
    assert accepted.status_code == 201
    assert accepted.json()["federal_district"] == "ukraine_occupied"


async def test_no_read_is_served_without_its_audit_entry(registry: Registry) -> None:
    created = (await create(registry, person(7))).json()
    await registry.app.state.concordia.extra.trail.stop()
    refused = await registry.client.get(f"/v1/persons/{created['id']}", headers=registry.rw)
    assert refused.status_code == 503
    assert "Testperson" not in refused.text


async def test_concurrent_reads_are_each_audited(registry: Registry) -> None:
    created = (await create(registry, person(8))).json()
    url = f"/v1/persons/{created['id']}"
    answers = await asyncio.gather(
        *(registry.client.get(url, headers=registry.rw) for _ in range(60))
    )
    assert [a.status_code for a in answers] == [200] * 60
    audit = await registry.client.get(
        "/v1/audit", params={"person_id": created["id"]}, headers=registry.auth("ops")
    )
    assert [e["action"] for e in audit.json()["items"]].count("read") == 60


async def test_concurrent_writes_with_the_same_etag_lose_nothing(registry: Registry) -> None:
    created = (await create(registry, person(9))).json()
    url = f"/v1/persons/{created['id']}"
    headers = {**registry.rw, "If-Match": '"1"'}
    answers = await asyncio.gather(
        *(
            registry.client.patch(url, json={"host_city": f"Testcity {i}"}, headers=headers)
            for i in range(8)
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [412] * 7
    final = (await registry.client.get(url, headers=registry.rw)).json()
    assert final["version"] == 2


async def test_erasure_racing_a_sync_never_resurrects_data(registry: Registry) -> None:
    record = person(10, name="Canary Resurrect")
    created = (await create(registry, record)).json()
    url = f"/v1/persons/{created['id']}"
    changed = {**record, "risk_level": "critical"}
    await asyncio.gather(
        registry.client.delete(url, headers=registry.rw),
        registry.client.put("/v1/sync/persons", json={"records": [changed]}, headers=registry.rw),
    )
    final = (await registry.client.get(url, headers=registry.rw)).json()
    if final["erased"]:
        assert final["name"] is None
        assert final["external_id"] is None


async def test_an_erased_person_is_not_re_created_by_the_next_sync(registry: Registry) -> None:
    record = person(11)
    created = (await create(registry, record)).json()
    await registry.client.delete(f"/v1/persons/{created['id']}", headers=registry.rw)
    again = await registry.client.put(
        "/v1/sync/persons", json={"records": [record, person(12)]}, headers=registry.rw
    )
    results = again.json()["results"]
    assert results[0]["status"] == "rejected"
    assert "erased" in results[0]["errors"][0]["msg"]
    assert results[1]["status"] == "created"
    direct = await create(registry, record)
    assert direct.status_code == 409
    fresh = await create(registry, {**record, "external_id": "TEST-NEW-000011"})
    assert fresh.status_code == 201
