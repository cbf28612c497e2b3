"""Organisations, memberships, permits (with the expiry query) and consents over HTTP."""

from __future__ import annotations

from datetime import date, timedelta

from registry_support import Registry, create, person

ORG = {
    "identifier": "SE-ON-8020001234",
    "name": "Example Exile Media Collective",
    "type": "independent_media",
    "focus": ["media", "investigations"],
    "languages": ["ru", "sv"],
    "registration_country": "SE",
}


async def test_organisation_crud_and_members(registry: Registry) -> None:
    created = await registry.client.post("/v1/organisations", json=ORG, headers=registry.rw)
    assert created.status_code == 201, created.text
    org = created.json()
    url = f"/v1/organisations/{org['id']}"
    changed = await registry.client.patch(
        url, json={"name": "Example Collective Renamed"}, headers={**registry.rw, "If-Match": '"1"'}
    )
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    bad = await registry.client.patch(url, json={"languages": ["xx"]}, headers=registry.rw)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "languages", 0]

    member = (await create(registry, person(1))).json()
    joined = await registry.client.post(
        f"{url}/members", json={"person_id": member["id"], "role": "editor"}, headers=registry.rw
    )
    assert joined.status_code == 201
    again = await registry.client.post(
        f"{url}/members", json={"person_id": member["id"], "role": "editor"}, headers=registry.rw
    )
    assert again.status_code == 409
    unknown = await registry.client.post(
        f"{url}/members",
        json={"person_id": "01900000-0000-7000-8000-000000000000", "role": "editor"},
        headers=registry.rw,
    )
    # An unknown person is a 404 the route documents (a schema-valid body may name one).
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "no person 01900000-0000-7000-8000-000000000000"
    members = await registry.client.get(f"{url}/members", headers=registry.rw)
    assert [m["person_id"] for m in members.json()] == [member["id"]]
    assert (await registry.client.delete(url, headers=registry.rw)).status_code == 204
    assert (await registry.client.get(url, headers=registry.rw)).status_code == 404


async def test_permits_expiring_within_days(registry: Registry) -> None:
    today = date.today()
    ids = [(await create(registry, person(i))).json()["id"] for i in range(4)]

    async def permit(pid: str, status: str, ends_in: int) -> dict:
        response = await registry.client.post(
            "/v1/permits",
            json={"person_id": pid, "host_country": "SE", "track": "residence", "status": status,
                  "valid_from": str(today - timedelta(days=300)),
                  "valid_to": str(today + timedelta(days=ends_in)), "family_members_covered": 2},
            headers=registry.rw,
        )  # fmt: skip
        assert response.status_code == 201, response.text
        return response.json()

    soon = await permit(ids[0], "granted", 10)
    await permit(ids[1], "granted", 90)
    await permit(ids[2], "refused", 5)
    await permit(ids[3], "granted", -3)  # already ended
    found = await registry.client.get(
        "/v1/permits", params={"expiring_within_days": 30}, headers=registry.rw
    )
    assert [p["id"] for p in found.json()["items"]] == [soon["id"]]
    wider = await registry.client.get(
        "/v1/permits", params={"expiring_within_days": 120}, headers=registry.rw
    )
    assert len(wider.json()["items"]) == 2


async def test_permit_validation_and_concurrency(registry: Registry) -> None:
    pid = (await create(registry, person(1))).json()["id"]
    backwards = await registry.client.post(
        "/v1/permits",
        json={"person_id": pid, "host_country": "SE", "track": "work", "status": "applied",
              "valid_from": "2027-01-01", "valid_to": "2026-01-01"},
        headers=registry.rw,
    )  # fmt: skip
    # Each date valid, their order a rule between them: 409 inconsistent-fields.
    assert backwards.status_code == 409
    assert backwards.json()["type"] == "urn:concordia:problem:inconsistent-fields"
    assert backwards.json()["errors"][0]["loc"] == ["body", "valid_to"]
    unknown = await registry.client.post(
        "/v1/permits",
        json={"person_id": "01900000-0000-7000-8000-000000000000", "host_country": "SE",
              "track": "work", "status": "applied"},
        headers=registry.rw,
    )  # fmt: skip
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "no person 01900000-0000-7000-8000-000000000000"
    created = await registry.client.post(
        "/v1/permits",
        json={"person_id": pid, "host_country": "SE", "track": "work", "status": "applied"},
        headers=registry.rw,
    )
    url = f"/v1/permits/{created.json()['id']}"
    granted = await registry.client.patch(
        url, json={"status": "granted"}, headers={**registry.rw, "If-Match": '"1"'}
    )
    assert granted.status_code == 200
    reversed_ = await registry.client.patch(
        url, json={"valid_from": "2027-01-01", "valid_to": "2026-01-01"}, headers=registry.rw
    )
    assert reversed_.status_code == 409, reversed_.text
    assert reversed_.json()["errors"][0]["loc"] == ["body", "valid_to"]
    stale = await registry.client.patch(
        url, json={"status": "refused"}, headers={**registry.rw, "If-Match": '"1"'}
    )
    assert stale.status_code == 412


async def test_consents(registry: Registry) -> None:
    pid = (await create(registry, person(1))).json()["id"]
    given = await registry.client.post(
        f"/v1/persons/{pid}/consents",
        json={"purpose": "aggregate_statistics", "basis": "signed form"},
        headers=registry.rw,
    )
    assert given.status_code == 201
    cid = given.json()["id"]
    withdrawn = await registry.client.post(
        f"/v1/persons/{pid}/consents/{cid}/withdraw", headers=registry.rw
    )
    assert withdrawn.json()["withdrawn_at"] is not None
    listed = await registry.client.get(f"/v1/persons/{pid}/consents", headers=registry.rw)
    assert len(listed.json()) == 1


async def test_reads_of_permits_consents_and_members_are_audited(registry: Registry) -> None:
    pid = (await create(registry, person(1))).json()["id"]
    permit = await registry.client.post(
        "/v1/permits",
        json={"person_id": pid, "host_country": "SE", "track": "work", "status": "applied"},
        headers=registry.rw,
    )
    org = (await registry.client.post("/v1/organisations", json=ORG, headers=registry.rw)).json()
    await registry.client.post(
        f"/v1/organisations/{org['id']}/members",
        json={"person_id": pid, "role": "editor"},
        headers=registry.rw,
    )
    reader = registry.auth("registry:read", purpose="permit_case_work; case 2026-17")
    await registry.client.get(f"/v1/permits/{permit.json()['id']}", headers=reader)
    await registry.client.get("/v1/permits", headers=reader)
    await registry.client.get(f"/v1/persons/{pid}/consents", headers=reader)
    await registry.client.get(f"/v1/organisations/{org['id']}/members", headers=reader)
    audit = await registry.client.get(
        "/v1/audit", params={"person_id": pid}, headers=registry.auth("ops")
    )
    actions = [
        e["action"]
        for e in audit.json()["items"]
        if e["purpose"] == "permit_case_work; case 2026-17"
    ]
    assert actions == ["read_permit", "list_permits", "read_consents", "read_membership"]


async def test_the_person_a_body_names_is_a_documented_404(registry: Registry) -> None:
    """Permits and memberships name a person in their body: the 404 for an unknown one is in
    the contract of each route (a schema-valid body may name any id)."""
    paths = (await registry.client.get("/openapi.json")).json()["paths"]
    for path in ("/v1/permits", "/v1/organisations/{org_id}/members"):
        described = paths[path]["post"]["responses"]["404"]["description"]
        assert "person_id" in described, path
