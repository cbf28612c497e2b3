"""Bulk sync for agencies: per-record results, idempotency, dry runs, nothing half-written."""

from __future__ import annotations

import orjson
from registry_support import Registry, person


async def _sync(registry: Registry, records: list[dict], **kwargs: object) -> dict:
    headers = {**registry.rw, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    response = await registry.client.put(
        "/v1/sync/persons", json={"records": records}, headers=headers, params=kwargs
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_rejected_record_does_not_block_valid_ones(registry: Registry) -> None:
    bad = person(3, gender="robot")
    report = await _sync(registry, [person(1), person(2), bad, person(4)])
    assert report["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 1}
    rejected = report["results"][2]
    assert rejected["status"] == "rejected"
    assert rejected["external_id"] == "TEST-000003"
    assert rejected["errors"][0]["loc"] == ["gender"]
    listed = await registry.client.get("/v1/persons", headers=registry.rw)
    assert len(listed.json()["items"]) == 3


async def test_the_contract_says_any_record_is_taken_and_reported(registry: Registry) -> None:
    """Records are validated one by one: the schema documents each as a ``PersonSync`` or any
    other value (then reported rejected), so a record breaking ``PersonSync`` is no request
    the schema refuses, and the answer is the 200 report."""
    document = (await registry.client.get("/openapi.json")).json()
    body = document["paths"]["/v1/sync/persons"]["put"]["requestBody"]["content"]
    items = body["application/json"]["schema"]["properties"]["records"]["items"]
    assert items["anyOf"][0] == {"$ref": "#/components/schemas/PersonSync"}
    assert set(items["anyOf"][1]) == {"description"}  # any value
    report = await _sync(registry, [42, "text", {"gender": 1}])
    assert [r["status"] for r in report["results"]] == ["rejected"] * 3


async def test_resync_reports_unchanged_and_updated(registry: Registry) -> None:
    await _sync(registry, [person(1), person(2)])
    report = await _sync(registry, [person(1), person(2, risk_level="critical"), person(3)])
    statuses = [r["status"] for r in report["results"]]
    assert statuses == ["unchanged", "updated", "created"]
    assert report["results"][1]["version"] == 2
    changes = (await registry.client.get("/v1/changes", headers=registry.rw)).json()
    assert [c["external_id"] for c in changes["items"]] == [
        "TEST-000001", "TEST-000002", "TEST-000002", "TEST-000003",
    ]  # fmt: skip
    after = changes["next"]
    empty = await registry.client.get(f"/v1/changes?after={after}", headers=registry.rw)
    assert empty.json()["items"] == []
    assert empty.json()["next"] == after


async def test_dry_run_writes_nothing(registry: Registry) -> None:
    report = await _sync(registry, [person(1), person(2)], dry_run="true")
    assert report["dry_run"] is True
    assert report["counts"]["created"] == 2
    listed = await registry.client.get("/v1/persons", headers=registry.rw)
    assert listed.json()["items"] == []
    changes = await registry.client.get("/v1/changes", headers=registry.rw)
    assert changes.json()["items"] == []


async def test_idempotency_key_replays_and_refuses_another_body(registry: Registry) -> None:
    key = {"Idempotency-Key": "batch-2026-11-28-001"}
    first = await _sync(registry, [person(1)], headers=key)
    again = await registry.client.put(
        "/v1/sync/persons", json={"records": [person(1)]}, headers={**registry.rw, **key}
    )
    assert again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first  # the first answer ("created"), not "unchanged"
    other = await registry.client.put(
        "/v1/sync/persons", json={"records": [person(2)]}, headers={**registry.rw, **key}
    )
    assert other.status_code == 409
    elsewhere = await registry.client.put(
        "/v1/sync/organisations", json={"records": []}, headers={**registry.rw, **key}
    )
    assert elsewhere.status_code == 409  # a key belongs to one endpoint, never replayed across


async def test_duplicates_and_limits(registry: Registry) -> None:
    report = await _sync(registry, [person(1), person(1, name="Testperson Other")])
    assert [r["status"] for r in report["results"]] == ["created", "rejected"]
    assert report["results"][1]["errors"][0]["loc"] == ["external_id"]
    too_many = await registry.client.put(
        "/v1/sync/persons",
        content=orjson.dumps({"records": [person(i) for i in range(5001)]}),
        headers={**registry.rw, "Content-Type": "application/json"},
    )
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["loc"] == ["body", "records"]
    shape = await registry.client.put("/v1/sync/persons", json=[person(1)], headers=registry.rw)
    assert shape.status_code == 422


async def test_sync_publishes_one_event_per_change(registry: Registry) -> None:
    await _sync(registry, [person(i) for i in range(25)])
    await _sync(registry, [person(i) for i in range(25)])  # unchanged: no events
    await registry.relay_idle()
    node = registry.settings.node
    messages = await registry.stream_messages(f"local.{node}.registry.person.registered.v1", 25)
    ids = {orjson.loads(m.data)["data"]["person_id"] for m in messages}
    assert len(ids) == 25
    for message in messages:
        assert b"Testperson" not in message.data  # names never travel, even locally
        assert b"TEST-0" not in message.data  # nor the agency's keys


async def test_organisation_sync_and_identifier_conflicts(registry: Registry) -> None:
    orgs = [
        {"external_id": "ORG-1", "identifier": "SE-ON-8020000001", "name": "Example Media One",
         "type": "independent_media", "focus": ["media"], "languages": ["ru", "en"],
         "registration_country": "SE"},
        {"external_id": "ORG-2", "identifier": "SE-ON-8020000001", "name": "Example Media Two",
         "type": "ngo", "registration_country": "SE"},
        {"external_id": "ORG-3", "identifier": "not an identifier", "name": "Example Three",
         "type": "ngo", "registration_country": "SE"},
    ]  # fmt: skip
    response = await registry.client.put(
        "/v1/sync/organisations", json={"records": orgs}, headers=registry.rw
    )
    assert response.status_code == 200, response.text
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["created", "rejected", "rejected"]
    assert response.json()["results"][1]["errors"][0]["loc"] == ["identifier"]
    duplicate = await registry.client.post(
        "/v1/organisations", json={**orgs[1], "external_id": "ORG-9"}, headers=registry.rw
    )
    assert duplicate.status_code == 409


async def test_absent_fields_keep_their_stored_values(registry: Registry) -> None:
    full = person(1, risk_level="critical", vulnerabilities=["lgbtq"],
                  aliases=["Alias-1", "Alias-1b"])  # fmt: skip
    created = await _sync(registry, [full])
    assert created["results"][0]["defaulted"] == ["national_minority"]
    # A later export with blank cells: the importer leaves them out of the record.
    sparse = {k: v for k, v in full.items()
              if k not in {"risk_level", "host_city", "aliases", "vulnerabilities"}}  # fmt: skip
    again = await _sync(registry, [sparse])
    result = again["results"][0]
    assert result["status"] == "unchanged"
    assert result["left_unchanged"] == [
        "aliases", "host_city", "national_minority", "risk_level", "vulnerabilities"
    ]  # fmt: skip
    stored = await registry.client.get(
        f"/v1/persons/{result['id']}", headers={**registry.rw, "X-Purpose": "permit_case_work"}
    )
    body = stored.json()
    assert (body["risk_level"], body["host_city"]) == ("critical", "Testville")
    assert (body["aliases"], body["vulnerabilities"]) == (["Alias-1", "Alias-1b"], ["lgbtq"])

    # What a record carries still changes: only the absent fields stay.
    changed = await _sync(registry, [{**sparse, "profession_category": "researcher"}])
    assert changed["results"][0]["status"] == "updated"
    reread = f"/v1/persons/{result['id']}"
    body = (
        await registry.client.get(reread, headers={**registry.rw, "X-Purpose": "permit_case_work"})
    ).json()
    assert (body["risk_level"], body["profession_category"]) == ("critical", "researcher")

    # A new person's absent fields take their defaults, and the result says which.
    fresh = {k: v for k, v in person(2).items() if k != "risk_level"}
    report = await _sync(registry, [fresh])
    assert report["results"][0]["defaulted"] == ["national_minority", "risk_level"]


async def test_absent_organisation_fields_keep_their_stored_values(registry: Registry) -> None:
    record = {"external_id": "TEST-ORG-1", "identifier": "SE-ON-TEST-0001",
              "name": "Example Exile Media Test", "type": "independent_media",
              "focus": ["media_freedom"], "languages": ["ru", "sv"],
              "registration_country": "SE"}  # fmt: skip
    url = "/v1/sync/organisations"
    first = await registry.client.put(url, json={"records": [record]}, headers=registry.rw)
    assert first.status_code == 200, first.text
    sparse = {k: v for k, v in record.items() if k not in {"focus", "languages"}}
    again = await registry.client.put(url, json={"records": [sparse]}, headers=registry.rw)
    result = again.json()["results"][0]
    assert result["status"] == "unchanged"
    assert {"focus", "languages"} <= set(result["left_unchanged"])
    org = await registry.client.get(f"/v1/organisations/{result['id']}", headers=registry.rw)
    assert (org.json()["focus"], org.json()["languages"]) == (["media_freedom"], ["ru", "sv"])
