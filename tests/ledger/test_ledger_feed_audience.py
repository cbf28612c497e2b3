"""Who sees what in the funding feed: public grants for every portal, coalition grants only with
``feed:coalition``, no free text of a grant to a person, and positions that count only what a
portal may see (restricted grants leave no gaps; a grant hidden later leaves one tombstone)."""

from __future__ import annotations

from typing import Any

from ledger_support import Ledger, grant

PERSON_TEXT = "Testperson Gamma"


async def _post(ledger: Ledger, url: str, body: Any) -> dict[str, Any]:
    response = await ledger.client.post(url, json=body, headers=ledger.rw)
    assert response.status_code == 201, response.text
    return response.json()


async def _feed(ledger: Ledger, headers: dict[str, str], after: int = 0) -> list[dict[str, Any]]:
    response = await ledger.client.get(
        "/v1/feed/grants", params={"after": after, "limit": 1000}, headers=headers
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_coalition_grants_need_the_coalition_scope(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    donor_id, org = funded["donor"]["id"], funded["recipient"]
    coalition = await _post(ledger, "/v1/grants", grant(donor_id, org, 2, visibility="coalition"))
    public_ids = {i["id"] for i in await _feed(ledger, ledger.feed)}
    assert public_ids == {funded["grant"]["id"]}
    coalition_ids = {i["id"] for i in await _feed(ledger, ledger.coalition_feed)}
    assert coalition_ids == {funded["grant"]["id"], coalition["id"]}
    # The record reads agree with the feed.
    url = f"/v1/grants/{coalition['id']}"
    assert (await ledger.client.get(url, headers=ledger.feed)).status_code == 404
    assert (await ledger.client.get(url, headers=ledger.coalition_feed)).status_code == 200
    listed = await ledger.client.get("/v1/grants", headers=ledger.feed)
    assert {g["id"] for g in listed.json()["items"]} == {funded["grant"]["id"]}

    # Made coalition-only, a public grant leaves public portals a tombstone.
    changed = await ledger.client.patch(
        f"/v1/grants/{funded['grant']['id']}", json={"visibility": "coalition"},
        headers={**ledger.rw, "If-Match": f"\"{funded['grant']['version']}\""},
    )  # fmt: skip
    assert changed.status_code == 200, changed.text
    items = await _feed(ledger, ledger.feed)
    assert [(i["id"], i["withdrawn"]) for i in items] == [(funded["grant"]["id"], True)]
    # A grant that was never public leaves public portals nothing at all.
    assert coalition["id"] not in {i["id"] for i in items}


async def test_a_grant_to_a_person_carries_no_free_text(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    person = {"type": "person", "id": str(await ledger.announce_person())}
    record = grant(funded["donor"]["id"], person, 2, title=f"Stipend for {PERSON_TEXT}",
                   description=f"{PERSON_TEXT}, a journalist in exile")  # fmt: skip
    made = await _post(ledger, "/v1/grants", record)
    tx = {"type": 3, "amount": "10.00", "currency": "EUR", "value_date": "2026-01-02",
          "description": f"Rent of {PERSON_TEXT}"}  # fmt: skip
    await _post(ledger, f"/v1/grants/{made['id']}/transactions", tx)
    for headers in (ledger.feed, ledger.coalition_feed):
        feed = await ledger.client.get("/v1/feed/grants", headers=headers)
        assert PERSON_TEXT not in feed.text
        item = next(i for i in feed.json()["items"] if i["id"] == made["id"])
        assert item["title"] == "Grant to an individual recipient (not disclosed)"
        assert item["description"] is None
        assert [t["description"] for t in item["transactions"]] == [None]
        one = await ledger.client.get(f"/v1/grants/{made['id']}", headers=headers)
        assert PERSON_TEXT not in one.text
        txs = await ledger.client.get(f"/v1/grants/{made['id']}/transactions", headers=headers)
        assert txs.status_code == 200
        assert PERSON_TEXT not in txs.text
    # The recording donor still reads what it wrote.
    own = await ledger.client.get(f"/v1/grants/{made['id']}", headers=ledger.rw)
    assert own.json()["title"] == record["title"]


async def test_restricted_grants_leave_no_gaps_and_one_tombstone(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    donor_id, org = funded["donor"]["id"], funded["recipient"]
    start = funded["grant"]["feed_seq"]
    hidden = await _post(ledger, "/v1/grants", grant(donor_id, org, 2, visibility="restricted"))
    tx = {"type": 3, "amount": "10.00", "currency": "EUR", "value_date": "2026-01-02"}
    await _post(ledger, f"/v1/grants/{hidden['id']}/transactions", tx)
    synced = await ledger.client.put(
        "/v1/sync/grants",
        json={"records": [grant(donor_id, org, n, visibility="restricted") for n in (3, 4)]},
        headers=ledger.rw,
    )
    assert synced.status_code == 200
    shown = await _post(ledger, "/v1/grants", grant(donor_id, org, 5))
    # The next visible grant takes the very next position: nothing counted the hidden ones.
    assert shown["feed_seq"] == start + 1

    # Made restricted, a public grant leaves one tombstone; later changes add none.
    changed = await ledger.client.patch(
        f"/v1/grants/{shown['id']}", json={"visibility": "restricted"},
        headers={**ledger.rw, "If-Match": f"\"{shown['version']}\""},
    )  # fmt: skip
    assert changed.status_code == 200
    for day in ("2026-02-01", "2026-03-01"):
        await _post(ledger, f"/v1/grants/{shown['id']}/transactions", tx | {"value_date": day})
    items = await _feed(ledger, ledger.coalition_feed, after=start)
    assert [(i["id"], i["withdrawn"]) for i in items] == [(shown["id"], True)]
    assert items[0]["feed_seq"] == start + 2
    again = await _post(ledger, "/v1/grants", grant(donor_id, org, 6))
    assert again["feed_seq"] == start + 3
