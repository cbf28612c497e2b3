"""Agencies own their persons: another agency's token can neither learn of nor touch them."""

from __future__ import annotations

import pytest
from registry_support import AGENCY_1, AGENCY_2, Registry, person

RW = ("registry:read", "registry:write")


def agency(registry: Registry, owner: str, purpose: str | None = "permit_case_work") -> dict:
    """Headers of the agency's read-write token."""
    return registry.auth(*RW, owner=owner, purpose=purpose)


async def _agency_1_people(registry: Registry) -> list[dict]:
    sync = await registry.client.put(
        "/v1/sync/persons",
        json={"records": [person(n) for n in range(3)]},
        headers=agency(registry, AGENCY_1),
    )
    assert sync.status_code == 200
    return sync.json()["results"]


async def test_a_second_agency_cannot_learn_of_read_change_or_erase_the_first_agencys_persons(
    registry: Registry,
) -> None:
    first = await _agency_1_people(registry)
    ids = {r["id"] for r in first}
    second = agency(registry, AGENCY_2)
    client = registry.client

    listed = await client.get("/v1/persons", headers=second)
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    for pid in ids:
        assert (await client.get(f"/v1/persons/{pid}", headers=second)).status_code == 404
        assert (await client.get(f"/v1/persons/{pid}/consents", headers=second)).status_code == 404
        patched = await client.patch(
            f"/v1/persons/{pid}", json={"risk_level": "low"}, headers=second
        )
        assert patched.status_code == 404
        assert (await client.delete(f"/v1/persons/{pid}", headers=second)).status_code == 404
    changes = await client.get("/v1/changes", headers=second)
    assert changes.json()["items"] == []
    permits = await client.get("/v1/permits", headers=second)
    assert permits.json()["items"] == []
    permit = {
        "person_id": first[0]["id"],
        "host_country": "SE",
        "track": "work",
        "status": "applied",
    }
    assert (await client.post("/v1/permits", json=permit, headers=second)).status_code == 404

    # A dry run of the same external ids finds nothing: it would create the agency's own.
    records = {"records": [person(n) for n in range(3)]}
    dry = await client.put(
        "/v1/sync/persons", params={"dry_run": "true"}, json=records, headers=second
    )
    assert [r["status"] for r in dry.json()["results"]] == ["created"] * 3
    assert not ids & {r["id"] for r in dry.json()["results"]}

    # Its own sync of the same external ids makes separate records.
    own = await client.put(
        "/v1/sync/persons",
        json={"records": [person(n, risk_level="low") for n in range(3)]},
        headers=second,
    )
    assert [r["status"] for r in own.json()["results"]] == ["created"] * 3
    assert not ids & {r["id"] for r in own.json()["results"]}

    # The first agency's persons are untouched and still its own.
    mine = await client.get("/v1/persons", headers=agency(registry, AGENCY_1))
    assert {p["id"] for p in mine.json()["items"]} == ids
    assert {p["risk_level"] for p in mine.json()["items"]} == {"high"}

    # The node's operator with registry:admin sees both agencies' persons.
    admin = registry.auth("registry:admin", *RW)
    every = await client.get("/v1/persons", headers=admin)
    assert len(every.json()["items"]) == 6
    one = first[0]["id"]
    assert (await client.get(f"/v1/persons/{one}", headers=admin)).status_code == 200


async def test_an_agency_erased_person_is_not_recreated_but_another_agencys_id_is_free(
    registry: Registry,
) -> None:
    first = await _agency_1_people(registry)
    one = agency(registry, AGENCY_1)
    assert (
        await registry.client.delete(f"/v1/persons/{first[0]['id']}", headers=one)
    ).status_code == 204
    again = await registry.client.put(
        "/v1/sync/persons", json={"records": [person(0)]}, headers=one
    )
    assert again.json()["results"][0]["status"] == "rejected"
    other = await registry.client.post(
        "/v1/persons", json=person(0), headers=agency(registry, AGENCY_2)
    )
    assert other.status_code == 201


@pytest.mark.parametrize("purpose", [None, "curiosity", "; safety_check", "registration2"])
async def test_personal_data_needs_a_purpose_from_the_code_list(
    registry: Registry, purpose: str | None
) -> None:
    headers = agency(registry, AGENCY_1, purpose=purpose)
    for method, path, body in (
        ("GET", "/v1/persons", None),
        ("POST", "/v1/persons", person(1)),
        ("PUT", "/v1/sync/persons", {"records": [person(2)]}),
        ("GET", "/v1/changes", None),
        ("GET", "/v1/permits", None),
    ):
        response = await registry.client.request(method, path, json=body, headers=headers)
        assert response.status_code == 422, (method, path)
        assert response.json()["errors"][0]["loc"][:2] == ["header", "x-purpose"] or (
            response.json()["errors"][0]["loc"][:2] == ["header", "X-Purpose"]
        )
    assert (await registry.client.get("/v1/codes", headers=headers)).status_code == 200


async def test_every_read_and_write_of_a_person_is_audited_with_its_purpose(
    registry: Registry,
) -> None:
    one = agency(registry, AGENCY_1, purpose="safety_check; synthetic case 7")
    created = (await registry.client.post("/v1/persons", json=person(1), headers=one)).json()
    pid = created["id"]
    client = registry.client
    await client.put(
        "/v1/sync/persons", json={"records": [person(1, risk_level="low")]}, headers=one
    )
    await client.put(
        "/v1/sync/persons", params={"dry_run": "true"}, json={"records": [person(1)]}, headers=one
    )
    permit = {"person_id": pid, "host_country": "SE", "track": "work", "status": "applied"}
    permit_id = (await client.post("/v1/permits", json=permit, headers=one)).json()["id"]
    await client.patch(f"/v1/permits/{permit_id}", json={"status": "granted"}, headers=one)
    consent = {"purpose": "aggregate_statistics", "basis": "synthetic form"}
    consent_id = (
        await client.post(f"/v1/persons/{pid}/consents", json=consent, headers=one)
    ).json()["id"]
    await client.post(f"/v1/persons/{pid}/consents/{consent_id}/withdraw", headers=one)
    await client.get("/v1/changes", headers=one)
    await client.delete(f"/v1/persons/{pid}", headers=one)
    audit = await client.get("/v1/audit", params={"person_id": pid}, headers=registry.auth("ops"))
    entries = audit.json()["items"]
    assert [e["action"] for e in entries] == [
        "create", "sync", "sync_dry_run", "permit_create", "permit_update", "consent_add",
        "consent_withdraw", "changes", "erase",
    ]  # fmt: skip
    assert {e["purpose"] for e in entries} == {"safety_check; synthetic case 7"}
    assert {e["owner"] for e in entries} == {AGENCY_1}


async def test_a_taken_identifier_does_not_name_another_agencys_organisation(
    registry: Registry,
) -> None:
    """Identifiers are public registration numbers, one organisation per node: a second agency
    learns that the number is taken, never which record holds it (issue 9, section 1)."""
    org = {
        "identifier": "SE-ON-8020009876", "name": "Example Exile Media Collective",
        "type": "independent_media", "focus": ["media"], "languages": ["ru"],
        "registration_country": "SE",
    }  # fmt: skip
    client = registry.client
    first = await client.post("/v1/organisations", json=org, headers=agency(registry, AGENCY_1))
    assert first.status_code == 201, first.text
    held = first.json()["id"]

    theirs = await client.post("/v1/organisations", json=org, headers=agency(registry, AGENCY_2))
    assert theirs.status_code == 409
    assert held not in theirs.text
    own = await client.post(
        "/v1/organisations", json={**org, "identifier": "SE-ON-8020009877"},
        headers=agency(registry, AGENCY_2),
    )  # fmt: skip
    renamed = await client.patch(
        f"/v1/organisations/{own.json()['id']}", json={"identifier": org["identifier"]},
        headers=agency(registry, AGENCY_2),
    )  # fmt: skip
    assert renamed.status_code == 409
    assert held not in renamed.text
    again = await client.post("/v1/organisations", json=org, headers=agency(registry, AGENCY_1))
    assert again.status_code == 409
    assert held in again.text  # its own record is named to its owner
