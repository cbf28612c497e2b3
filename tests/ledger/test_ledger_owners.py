"""Donors own their grants: another donor's token can neither see nor change them."""

from __future__ import annotations

from ledger_support import DONOR_1, DONOR_2, Ledger, donor, grant


async def test_a_second_donor_cannot_see_or_change_the_first_donors_restricted_grants(
    ledger: Ledger,
) -> None:
    one, two = (
        ledger.auth("ledger:write", owner=DONOR_1),
        ledger.auth("ledger:write", owner=DONOR_2),
    )
    client = ledger.client
    first = (await client.post("/v1/donors", json=donor(1), headers=one)).json()
    person_id = await ledger.announce_person()
    recipient = {"type": "person", "id": str(person_id)}
    body = grant(first["id"], recipient, visibility="restricted")
    created = await client.post("/v1/grants", json=body, headers=one)
    assert created.status_code == 201, created.text
    gid = created.json()["id"]
    assert created.json()["recipient"]["id"] == str(person_id)

    assert (await client.get(f"/v1/grants/{gid}", headers=two)).status_code == 404
    assert (await client.get("/v1/grants", headers=two)).json()["items"] == []
    assert (await client.get("/v1/donors", headers=two)).json()["items"] == []
    assert (await client.get(f"/v1/donors/{first['id']}", headers=two)).status_code == 404
    patched = await client.patch(f"/v1/grants/{gid}", json={"title": "Changed"}, headers=two)
    assert patched.status_code == 404
    assert (await client.delete(f"/v1/grants/{gid}", headers=two)).status_code == 404
    tx = {"type": 2, "amount": "10.00", "currency": "EUR", "value_date": "2026-02-01"}
    posted = await client.post(f"/v1/grants/{gid}/transactions", json=tx, headers=two)
    assert posted.status_code == 404
    assert (await client.get(f"/v1/grants/{gid}/transactions", headers=two)).status_code == 404
    # Its own grant may not name the first donor either, by hand or by sync.
    other = await client.post("/v1/grants", json=grant(first["id"], recipient, n=2), headers=two)
    assert other.status_code == 404
    sync = await client.put(
        "/v1/sync/grants", json={"records": [grant(first["id"], recipient, n=3)]}, headers=two
    )
    assert sync.json()["results"][0]["status"] == "rejected"

    # The first donor still sees and changes its grant; the operator's admin sees it too.
    mine = await client.get(f"/v1/grants/{gid}", headers=one)
    assert mine.json()["title"] == body["title"]
    admin = ledger.auth("ledger:admin", "ledger:write")
    assert (await client.get(f"/v1/grants/{gid}", headers=admin)).status_code == 200
    # A portal sees no restricted grant, whoever owns it.
    assert (await client.get(f"/v1/grants/{gid}", headers=ledger.feed)).status_code == 404


async def test_a_portal_reads_every_donors_visible_grants(ledger: Ledger) -> None:
    one, two = (
        ledger.auth("ledger:write", owner=DONOR_1),
        ledger.auth("ledger:write", owner=DONOR_2),
    )
    org_id = await ledger.announce_organisation()
    recipient = {"type": "organisation", "id": str(org_id)}
    for n, headers in enumerate((one, two)):
        d = (await ledger.client.post("/v1/donors", json=donor(n), headers=headers)).json()
        response = await ledger.client.post(
            "/v1/grants", json=grant(d["id"], recipient, n=n), headers=headers
        )
        assert response.status_code == 201
    listed = await ledger.client.get("/v1/grants", headers=ledger.feed)
    assert len(listed.json()["items"]) == 2
    assert len((await ledger.client.get("/v1/grants", headers=one)).json()["items"]) == 1
