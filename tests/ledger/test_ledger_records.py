"""Donors, grants, transactions, rates and activities over HTTP: the happy paths and conflicts."""

from __future__ import annotations

from typing import Any

from ledger_support import Ledger, donor, grant, new_donor


async def test_donor_crud_and_if_match(ledger: Ledger) -> None:
    created = await new_donor(ledger, 1)
    url = f"/v1/donors/{created['id']}"
    got = await ledger.client.get(url, headers=ledger.feed)
    assert got.status_code == 200
    assert got.headers["ETag"] == '"1"'
    stale = await ledger.client.patch(
        url, json={"name": "Example Renamed"}, headers={**ledger.rw, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    changed = await ledger.client.patch(
        url, json={"name": "Example Renamed"}, headers={**ledger.rw, "If-Match": '"1"'}
    )
    assert changed.json()["version"] == 2
    assert changed.json()["name"] == "Example Renamed"
    taken = await ledger.client.post("/v1/donors", json=donor(9, identifier=created["identifier"]),
                                     headers=ledger.rw)  # fmt: skip
    assert taken.status_code == 409
    listed = await ledger.client.get("/v1/donors", headers=ledger.feed)
    assert [d["id"] for d in listed.json()["items"]] == [created["id"]]
    assert (await ledger.client.delete(url, headers=ledger.rw)).status_code == 204
    assert (await ledger.client.get(url, headers=ledger.rw)).status_code == 404


async def test_grant_crud(ledger: Ledger, funded: dict[str, Any]) -> None:
    created = funded["grant"]
    assert created["version"] == 1
    assert created["recipient"] == {
        "type": "organisation", "id": str(funded["org_id"]), "identifier": "SE-ON-8020000001",
        "name": "Example Media", "erased": False,
    }  # fmt: skip
    assert created["totals"] == {
        "committed_eur": "0.00", "disbursed_eur": "0.00", "unconverted_transactions": 0
    }  # fmt: skip
    url = f"/v1/grants/{created['id']}"
    stale = await ledger.client.patch(url, json={"horizon": "long"},
                                      headers={**ledger.rw, "If-Match": '"2"'})  # fmt: skip
    assert stale.status_code == 412
    changed = await ledger.client.patch(url, json={"horizon": "long"},
                                        headers={**ledger.rw, "If-Match": '"1"'})  # fmt: skip
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["horizon"] == "long"
    assert body["version"] == 2
    assert body["feed_seq"] > created["feed_seq"]
    same = await ledger.client.patch(url, json={"horizon": "long"}, headers=ledger.rw)
    assert same.json()["version"] == 2  # no change, no new version
    by_identifier = {"type": "organisation", "identifier": "SE-ON-8020000001"}
    second = await ledger.client.post(
        "/v1/grants", json=grant(funded["donor"]["id"], by_identifier, 2), headers=ledger.rw
    )
    assert second.status_code == 201, second.text
    duplicate = await ledger.client.post(
        "/v1/grants", json=grant(funded["donor"]["id"], by_identifier, 2), headers=ledger.rw
    )
    assert duplicate.status_code == 409
    listed = await ledger.client.get(
        f"/v1/grants?donor_id={funded['donor']['id']}", headers=ledger.feed
    )
    assert len(listed.json()["items"]) == 2
    busy = await ledger.client.delete(f"/v1/donors/{funded['donor']['id']}", headers=ledger.rw)
    assert busy.status_code == 409  # grants are never orphaned
    assert (await ledger.client.delete(url, headers=ledger.rw)).status_code == 204
    assert (await ledger.client.get(url, headers=ledger.rw)).status_code == 404


async def test_transactions_and_eur_totals(ledger: Ledger, funded: dict[str, Any]) -> None:
    rates = [
        {"currency": "SEK", "date": "2026-01-01", "rate": "0.09"},
        {"currency": "SEK", "date": "2026-06-01", "rate": "0.10"},
    ]
    loaded = await ledger.client.put("/v1/rates", json=rates, headers=ledger.ops)
    assert loaded.status_code == 200
    assert loaded.json() == {"stored": 2}
    csv = "currency,date,rate\nUSD,2026-01-01,0.9\n"
    loaded = await ledger.client.put(
        "/v1/rates.csv", content=csv, headers={**ledger.ops, "Content-Type": "text/csv"}
    )
    assert loaded.json() == {"stored": 1}, loaded.text
    url = f"/v1/grants/{funded['grant']['id']}"
    txs = [
        {"type": 2, "amount": "100000.00", "currency": "SEK", "value_date": "2026-03-01"},
        {"type": 2, "amount": 1000, "currency": "EUR", "value_date": "2026-03-01"},
        {"type": 12, "amount": "999999", "currency": "EUR", "value_date": "2026-03-01"},
        {"type": 3, "amount": "50000", "currency": "SEK", "value_date": "2026-07-01"},
        {"type": 3, "amount": "10.55", "currency": "USD", "value_date": "2026-02-01",
         "donor_id": funded["donor"]["id"], "external_id": "TX-1"},
        {"type": 3, "amount": "5", "currency": "SEK", "value_date": "2025-12-31"},
    ]  # fmt: skip
    for tx in txs:
        response = await ledger.client.post(f"{url}/transactions", json=tx, headers=ledger.rw)
        assert response.status_code == 201, response.text
    first = (await ledger.client.get(f"{url}/transactions", headers=ledger.feed)).json()
    assert [t["amount_eur"] for t in first] == [
        "9000.00", "1000.00", "999999.00", "5000.00", "9.50", None,
    ]  # fmt: skip
    totals = (await ledger.client.get(url, headers=ledger.feed)).json()["totals"]
    # Pledges never count as committed; the 2025 SEK disbursement has no rate yet.
    assert totals == {"committed_eur": "10000.00", "disbursed_eur": "5009.50",
                      "unconverted_transactions": 1}  # fmt: skip
    again = await ledger.client.post(f"{url}/transactions", json=txs[4], headers=ledger.rw)
    assert again.status_code == 409
    removed = await ledger.client.delete(f"{url}/transactions/{first[-1]['id']}", headers=ledger.rw)
    assert removed.status_code == 204
    after = (await ledger.client.get(url, headers=ledger.rw)).json()
    assert after["totals"]["unconverted_transactions"] == 0
    assert after["feed_seq"] > funded["grant"]["feed_seq"]
    assert after["version"] == 1  # transactions move the feed position, not the version
    listed = await ledger.client.get("/v1/rates?currency=SEK", headers=ledger.feed)
    assert [r["rate"] for r in listed.json()] == ["0.10000000", "0.09000000"]


async def test_activities(ledger: Ledger, funded: dict[str, Any]) -> None:
    url = f"/v1/grants/{funded['grant']['id']}/activities"
    activity = {
        "kind": "event", "title": "Example media school", "start_date": "2026-04-01",
        "end_date": "2026-04-03", "country": "LT", "city": "Vilnius",
        "participants_by_gender": {"women": 12, "men": 9, "other": 1, "undisclosed": 2},
        "participants_by_origin": {"russian": 15, "non_russian": 6, "undisclosed": 3},
    }  # fmt: skip
    created = await ledger.client.post(url, json=activity, headers=ledger.rw)
    assert created.status_code == 201, created.text
    assert created.json()["participants_by_gender"]["women"] == 12
    one = f"/v1/activities/{created.json()['id']}"
    patched = await ledger.client.patch(
        one, json={"city": "Riga", "country": "LV"}, headers={**ledger.rw, "If-Match": '"1"'}
    )
    assert patched.status_code == 200
    assert patched.json()["version"] == 2
    inconsistent = await ledger.client.patch(
        one, json={"participants_by_gender": {"women": 100}}, headers=ledger.rw
    )
    assert inconsistent.status_code == 409
    assert inconsistent.json()["type"] == "urn:concordia:problem:inconsistent-fields"
    assert inconsistent.json()["errors"][0]["loc"] == ["body", "participants_by_origin"]
    listed = await ledger.client.get(url, headers=ledger.rw)
    assert [a["city"] for a in listed.json()] == ["Riga"]
    # Per-activity counts are unprotected detail: donor portals get the protected tables.
    assert (await ledger.client.get(url, headers=ledger.feed)).status_code == 403
    assert (await ledger.client.get(one, headers=ledger.feed)).status_code == 403
    assert (await ledger.client.delete(one, headers=ledger.rw)).status_code == 204
    assert (await ledger.client.get(one, headers=ledger.rw)).status_code == 404


async def test_feed_readers_see_no_restricted_grants_or_persons(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    person_id = await ledger.announce_person()
    person = {"type": "person", "id": str(person_id)}
    donor_id = funded["donor"]["id"]
    to_person = await ledger.client.post(
        "/v1/grants", json=grant(donor_id, person, 5), headers=ledger.rw
    )
    assert to_person.json()["recipient"]["id"] == str(person_id)
    restricted = await ledger.client.post(
        "/v1/grants",
        json=grant(donor_id, funded["recipient"], 6, visibility="restricted"),
        headers=ledger.rw,
    )
    as_feed = await ledger.client.get(f"/v1/grants/{to_person.json()['id']}", headers=ledger.feed)
    assert as_feed.json()["recipient"] == {
        "type": "individual", "id": None, "identifier": None, "name": None, "erased": False
    }  # fmt: skip
    assert str(person_id) not in as_feed.text
    hidden = await ledger.client.get(f"/v1/grants/{restricted.json()['id']}", headers=ledger.feed)
    assert hidden.status_code == 404
    listed = await ledger.client.get("/v1/grants", headers=ledger.feed)
    assert restricted.json()["id"] not in {g["id"] for g in listed.json()["items"]}
    assert len(listed.json()["items"]) == 2


async def test_scopes(ledger: Ledger, funded: dict[str, Any]) -> None:
    assert (await ledger.client.get("/v1/grants")).status_code == 401
    other = ledger.auth("registry:read")
    assert (await ledger.client.get("/v1/grants", headers=other)).status_code == 403
    write = await ledger.client.post("/v1/donors", json=donor(3), headers=ledger.feed)
    assert write.status_code == 403


async def test_a_retried_transaction_with_its_idempotency_key_is_recorded_once(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    url = f"/v1/grants/{funded['grant']['id']}/transactions"
    tx = {"type": 3, "amount": "500.00", "currency": "EUR", "value_date": "2026-03-01"}
    keyed = {**ledger.rw, "Idempotency-Key": "disbursement-2026-03-001"}
    first = await ledger.client.post(url, json=tx, headers=keyed)
    assert first.status_code == 201, first.text
    retry = await ledger.client.post(url, json=tx, headers=keyed)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len((await ledger.client.get(url, headers=ledger.rw)).json()) == 1
    # The same key with another body is a conflict, not a second transaction.
    other = await ledger.client.post(url, json=tx | {"amount": "501.00"}, headers=keyed)
    assert other.status_code == 409, other.text
    # Without a key, a repeat is a new transaction (external_id guards those who send one).
    assert (await ledger.client.post(url, json=tx, headers=ledger.rw)).status_code == 201
    assert len((await ledger.client.get(url, headers=ledger.rw)).json()) == 2
    # The key is bound to its grant: on another grant it is another request (409), no replay.
    other_grant = await ledger.client.post(
        "/v1/grants", json=grant(funded["donor"]["id"], funded["recipient"], 9), headers=ledger.rw
    )
    path = f"/v1/grants/{other_grant.json()['id']}/transactions"
    assert (await ledger.client.post(path, json=tx, headers=keyed)).status_code == 409
