"""The funding feed for donor portals: keyset pages, visibility, ETags, gzip, bounds."""

from __future__ import annotations

import asyncio
import gzip
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import orjson
import zstandard
from ledger_support import Ledger, eventually, grant, new_donor

from concordia.events import OrganisationUpdated
from concordia.ledger.feed import body as feed_body
from concordia.ledger.feed import service
from concordia.ledger.models import Transaction


async def sync_grants(ledger: Ledger, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bulk-sync grants (5,000 at most per call); return the per-record results."""
    results: list[dict[str, Any]] = []
    for start in range(0, len(records), 5000):
        response = await ledger.client.put(
            "/v1/sync/grants", json={"records": records[start : start + 5000]}, headers=ledger.rw
        )
        assert response.status_code == 200, response.text
        results += response.json()["results"]
    assert all(r["status"] == "created" for r in results), results[:3]
    return results


async def pull(ledger: Ledger, limit: int, after: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Follow `next` from ``after`` until a short page; return every item and the last cursor."""
    items: list[dict[str, Any]] = []
    cursor = str(after)
    while True:
        response = await ledger.client.get(
            "/v1/feed/grants",
            params={"after": cursor, "limit": limit},
            headers=ledger.coalition_feed,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next"]
        if len(body["items"]) < limit:  # the current end: no link to follow, poll `next`
            assert "Link" not in response.headers
            return items, int(cursor)
        # A full page links to the next one (RFC 8288), the same page the body's `next` names.
        target, _, relation = response.headers["Link"].partition(">; ")
        assert relation == 'rel="next"'
        following = httpx.URL(target.removeprefix("<"))
        assert following.path == "/v1/feed/grants"
        assert dict(following.params) == {"after": cursor, "limit": str(limit)}


async def test_paging_returns_every_visible_grant_once_in_order(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    person = {"type": "person", "id": str(await ledger.announce_person())}
    records = [
        grant(donor_id, person if n % 10 == 0 else recipient, n,
              visibility="restricted" if n % 7 == 0 else ("public", "coalition")[n % 2])
        for n in range(1, 1201)
    ]  # fmt: skip
    results = await sync_grants(ledger, records)
    restricted = {r["id"] for r, rec in zip(results, records, strict=True)
                  if rec["visibility"] == "restricted"}  # fmt: skip
    visible = {funded["grant"]["id"]} | {r["id"] for r in results} - restricted

    items, _ = await pull(ledger, limit=97)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) == len(visible)
    assert set(ids) == visible
    seqs = [i["feed_seq"] for i in items]
    assert seqs == sorted(seqs)
    assert not restricted & set(ids)
    assert all(i["visibility"] != "restricted" for i in items)
    individuals = [i for i in items if i["recipient"]["type"] == "individual"]
    assert len(individuals) == len([r for r in records if r["recipient"] == person
                                    and r["visibility"] != "restricted"])  # fmt: skip
    assert all(i["recipient"] == {"type": "individual"} for i in individuals)
    assert person["id"] not in orjson.dumps(items).decode()
    org = next(i for i in items if i["recipient"]["type"] == "organisation")
    assert org["recipient"]["identifier"] == "SE-ON-8020000001"
    assert org["donor"]["identifier"] == funded["donor"]["identifier"]

    # The same pull in one big page returns the same items.
    whole, _ = await pull(ledger, limit=10_000)
    assert whole == items


async def test_a_change_moves_a_grant_to_the_end(ledger: Ledger, funded: dict[str, Any]) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    await sync_grants(ledger, [grant(donor_id, recipient, n) for n in range(1, 6)])
    items, cursor = await pull(ledger, limit=4)
    assert len(items) == 6
    first = items[0]["id"]
    assert first == funded["grant"]["id"]
    await ledger.client.put(
        "/v1/rates", json=[{"currency": "SEK", "date": "2026-01-01", "rate": "0.09"}],
        headers=ledger.ops,
    )  # fmt: skip
    tx = {"type": 3, "amount": "1000.50", "currency": "SEK", "value_date": "2026-02-01"}
    recorded = await ledger.client.post(f"/v1/grants/{first}/transactions", json=tx,
                                        headers=ledger.rw)  # fmt: skip
    assert recorded.status_code == 201, recorded.text
    tail, cursor2 = await pull(ledger, limit=4, after=cursor)
    assert [i["id"] for i in tail] == [first]
    assert cursor2 > cursor
    [moved] = tail
    assert moved["transactions"] == [
        {"id": recorded.json()["id"], "external_id": None, "type": 3, "amount": "1000.50",
         "currency": "SEK", "value_date": "2026-02-01", "amount_eur": "90.04",
         "description": None},
    ]  # fmt: skip
    everything, _ = await pull(ledger, limit=1000)
    assert [i["id"] for i in everything][-1] == first
    assert len(everything) == 6  # moved, not repeated

    # Withdrawn, or restricted after portals saw it: a tombstone at the end either way.
    second = items[1]["id"]
    gone = await ledger.client.delete(f"/v1/grants/{second}", headers=ledger.rw)
    assert gone.status_code == 204
    third = items[2]["id"]
    hidden = await ledger.client.patch(
        f"/v1/grants/{third}", json={"visibility": "restricted"}, headers=ledger.rw
    )
    assert hidden.status_code == 200
    tail, _ = await pull(ledger, limit=10, after=cursor2)
    assert tail == [
        {"id": second, "feed_seq": tail[0]["feed_seq"], "withdrawn": True},
        {"id": third, "feed_seq": tail[1]["feed_seq"], "withdrawn": True},
    ]
    everything, _ = await pull(ledger, limit=1000)
    assert [i for i in everything if i["id"] == third] == [tail[1]]  # nothing but the tombstone


async def test_a_page_read_ahead_is_served_only_while_nothing_moved(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    await sync_grants(ledger, [grant(donor_id, recipient, n) for n in range(1, 12)])
    ahead = ledger.app.state.concordia.extra.feed_ahead

    async def page(after: str) -> dict[str, Any]:
        response = await ledger.client.get(
            "/v1/feed/grants", params={"after": after, "limit": 4}, headers=ledger.coalition_feed
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    first = await page("0")
    key = (int(first["next"]), 4, frozenset({"public", "coalition"}))
    assert key in ahead._pages  # a full page: the next one is under way
    fresh = await page("0")  # a second portal, same page: read as usual, the same answer
    assert fresh == first
    second = await page(first["next"])
    assert key not in ahead._pages  # taken
    assert [i["feed_seq"] for i in second["items"]] == sorted(
        i["feed_seq"] for i in second["items"]
    )

    # A grant of the page read ahead changes: the request reads again and it is gone from there.
    await page("0")
    assert key in ahead._pages
    moved = second["items"][0]["id"]
    changed = await ledger.client.patch(
        f"/v1/grants/{moved}", json={"title": "Example renamed"}, headers=ledger.rw
    )
    assert changed.status_code == 200, changed.text
    again = await page(first["next"])
    assert moved not in [i["id"] for i in again["items"]]
    items, _ = await pull(ledger, limit=4)
    assert next(i for i in items if i["id"] == moved)["title"] == "Example renamed"
    assert len(items) == 12


async def _settled(ahead: Any) -> set[int]:
    """Wait for every page being read ahead (those it starts too); the ``after`` of each."""
    while running := [a.task for a in ahead._pages.values() if not a.task.done()]:
        await asyncio.gather(*running)
    return {key[0] for key in ahead._pages}


async def test_the_read_ahead_runs_two_pages_ahead_of_the_portal(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    await sync_grants(ledger, [grant(donor_id, recipient, n) for n in range(1, 15)])
    ahead = ledger.app.state.concordia.extra.feed_ahead
    assert ahead.depth == 2
    everything, _ = await pull(ledger, limit=1000)  # a short page: nothing read ahead
    seqs = [i["feed_seq"] for i in everything]
    assert len(seqs) == 15
    assert await _settled(ahead) == set()

    async def page(after: int) -> list[int]:
        response = await ledger.client.get(
            "/v1/feed/grants", params={"after": str(after), "limit": 3}, headers=ledger.feed
        )
        assert response.status_code == 200, response.text
        return [i["feed_seq"] for i in response.json()["items"]]

    # Pages of 3 end at seqs[2], seqs[5], seqs[8], ...: the one after the portal's page is
    # started once that page's grants are read, and the one after it once its own are.
    assert await page(0) == seqs[0:3]
    assert await _settled(ahead) == {seqs[2], seqs[5]}
    assert await page(seqs[2]) == seqs[3:6]  # taken: the read-ahead reads on from the next
    assert await _settled(ahead) == {seqs[5], seqs[8]}
    assert await page(seqs[5]) == seqs[6:9]
    assert await page(seqs[8]) == seqs[9:12]
    assert await _settled(ahead) == {seqs[11], seqs[14]}
    assert await page(seqs[11]) == seqs[12:15]
    assert await page(seqs[14]) == []  # the end (a short page): nothing after it is started
    assert await _settled(ahead) == set()

    # However a portal jumps about, the pages read ahead stay within the slots.
    for after in seqs[:10]:
        await page(after)
    assert len(await _settled(ahead)) <= ahead.slots


async def test_limit_bounds_and_cursor(ledger: Ledger, funded: dict[str, Any]) -> None:
    get = ledger.client.get
    assert (await get("/v1/feed/grants?limit=10001", headers=ledger.feed)).status_code == 422
    assert (await get("/v1/feed/grants?limit=0", headers=ledger.feed)).status_code == 422
    assert (await get("/v1/feed/grants?after=-1", headers=ledger.feed)).status_code == 422
    assert (await get("/v1/feed/grants?after=abc", headers=ledger.feed)).status_code == 422
    assert (await get("/v1/feed/grants?limit=10000", headers=ledger.feed)).status_code == 200
    assert (await get("/v1/feed/grants")).status_code == 401
    wrong = await get("/v1/feed/grants", headers=ledger.auth("registry:read"))
    assert wrong.status_code == 403
    empty = await get("/v1/feed/grants?after=999999", headers=ledger.feed)
    assert empty.json() == {"items": [], "next": "999999"}


async def test_etag_and_if_none_match(ledger: Ledger, funded: dict[str, Any]) -> None:
    first = await ledger.client.get("/v1/feed/grants", headers=ledger.feed)
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')
    same = await ledger.client.get("/v1/feed/grants", headers={**ledger.feed, "If-None-Match": tag})
    assert same.status_code == 304
    assert same.content == b""
    assert same.headers["ETag"] == tag
    listed = await ledger.client.get(
        "/v1/feed/grants", headers={**ledger.feed, "If-None-Match": f'"other", {tag[2:]}'}
    )
    assert listed.status_code == 304  # weak comparison, any tag of a list
    await ledger.client.patch(
        f"/v1/grants/{funded['grant']['id']}", json={"title": "Example renamed"}, headers=ledger.rw
    )
    changed = await ledger.client.get(
        "/v1/feed/grants", headers={**ledger.feed, "If-None-Match": tag}
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag


async def test_gzip_when_asked(ledger: Ledger, funded: dict[str, Any]) -> None:
    # httpx decodes gzip transparently: look at the raw stream.
    async with ledger.client.stream(
        "GET", "/v1/feed/grants", headers={**ledger.feed, "Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert orjson.loads(gzip.decompress(raw))["items"][0]["id"] == funded["grant"]["id"]
    async with ledger.client.stream(
        "GET", "/v1/feed/grants", headers={**ledger.feed, "Accept-Encoding": "identity"}
    ) as plain:
        body = b"".join([chunk async for chunk in plain.aiter_raw()])
    assert "Content-Encoding" not in plain.headers
    assert orjson.loads(body)["items"][0]["id"] == funded["grant"]["id"]
    refused = await ledger.client.get(
        "/v1/feed/grants", headers={**ledger.feed, "Accept-Encoding": "gzip;q=0"}
    )
    assert "Content-Encoding" not in refused.headers


async def test_zstd_when_accepted(ledger: Ledger, funded: dict[str, Any]) -> None:
    async def raw(accept: str) -> tuple[str | None, bytes]:
        async with ledger.client.stream(
            "GET", "/v1/feed/grants", headers={**ledger.feed, "Accept-Encoding": accept}
        ) as response:
            body = b"".join([chunk async for chunk in response.aiter_raw()])
        return response.headers.get("Content-Encoding"), body

    coding, body = await raw("gzip, deflate, br, zstd")
    assert coding == "zstd"
    page = orjson.loads(zstandard.ZstdDecompressor().decompress(body))
    assert page["items"][0]["id"] == funded["grant"]["id"]
    _, identity = await raw("identity")
    assert orjson.loads(identity) == page  # the same page, only coded
    assert (await raw("zstd;q=0, gzip"))[0] == "gzip"
    assert (await raw("*"))[0] == "gzip"  # a wildcard gets the coding every client decodes


async def test_feed_is_documented(ledger: Ledger) -> None:
    document = (await ledger.client.get("/openapi.json")).json()
    page = document["paths"]["/v1/feed/grants"]["get"]
    assert page["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FeedPageDoc"
    }
    assert "304" in page["responses"]
    assert 'rel="next"' in page["responses"]["200"]["headers"]["Link"]["description"]
    limit = next(p for p in page["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 10_000
    assert "text/event-stream" in str(document["paths"]["/v1/feed/grants/stream"])
    assert "application/xml" in str(document["paths"]["/v1/feed/iati.xml"])


async def test_a_grant_restricted_after_publication_leaves_portals_as_a_tombstone(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    published = funded["grant"]
    first = (await ledger.client.get("/v1/feed/grants", headers=ledger.feed)).json()
    assert published["id"] in [i["id"] for i in first["items"]]
    cursor = first["next"]
    hidden = await ledger.client.patch(
        f"/v1/grants/{published['id']}", json={"visibility": "restricted"}, headers=ledger.rw
    )
    assert hidden.status_code == 200, hidden.text
    later = (await ledger.client.get(f"/v1/feed/grants?after={cursor}", headers=ledger.feed)).json()
    assert later["items"] == [
        {"id": published["id"], "feed_seq": later["items"][0]["feed_seq"], "withdrawn": True}
    ]
    # A grant restricted from the start never shows, not even as a tombstone.
    body = {
        **grant(funded["donor"]["id"], funded["recipient"]),
        "external_id": "G-NEVER-SHOWN",
        "visibility": "restricted",
    }
    secret = await ledger.client.post("/v1/grants", json=body, headers=ledger.rw)
    assert secret.status_code == 201, secret.text
    tail = (
        await ledger.client.get(f"/v1/feed/grants?after={later['next']}", headers=ledger.feed)
    ).json()
    assert secret.json()["id"] not in [i["id"] for i in tail["items"]]


async def test_renames_and_rates_move_the_grants_they_show_in(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    donor_id, org_id = funded["donor"]["id"], funded["org_id"]
    other_org = await ledger.announce_organisation("SE-ON-8020000002", name="Example Other")
    other_donor = (await new_donor(ledger, 1))["id"]
    to_other = {"type": "organisation", "id": str(other_org)}
    await sync_grants(ledger, [grant(other_donor, to_other, 1)])  # shows none of the changes
    first = funded["grant"]["id"]
    tx = {"type": 3, "amount": "1000.00", "currency": "SEK", "value_date": "2026-02-01"}
    answer = await ledger.client.post(
        f"/v1/grants/{first}/transactions", json=tx, headers=ledger.rw
    )
    assert answer.status_code == 201, answer.text
    _, cursor = await pull(ledger, limit=100)

    # A rate converting the grant's SEK: it comes again, now with its EUR amount.
    rate = [{"currency": "SEK", "date": "2026-01-01", "rate": "0.09"}]
    assert (await ledger.client.put("/v1/rates", json=rate, headers=ledger.ops)).is_success
    items, cursor = await pull(ledger, limit=100, after=cursor)
    assert [i["id"] for i in items] == [first]
    assert items[0]["transactions"][0]["amount_eur"] == "90.00"
    # The same rate again changes nothing: nothing moves.
    assert (await ledger.client.put("/v1/rates", json=rate, headers=ledger.ops)).is_success
    assert (await pull(ledger, limit=100, after=cursor))[0] == []

    # The registry renames the recipient organisation.
    await ledger.publish(
        OrganisationUpdated(organisation_id=org_id, identifier="SE-ON-8020000001",
                            name="Example Renamed Media", type="independent_media",
                            registration_country="SE", version=2)
    )  # fmt: skip

    async def renamed() -> bool:
        found, _ = await pull(ledger, limit=100, after=cursor)
        return [i["recipient"].get("name") for i in found] == ["Example Renamed Media"]

    await eventually(renamed)
    items, cursor = await pull(ledger, limit=100, after=cursor)
    assert [i["id"] for i in items] == [first]

    # The donor is renamed: its grants come again, the other donor's do not.
    answer = await ledger.client.patch(
        f"/v1/donors/{donor_id}", json={"name": "Example Renamed Programme"}, headers=ledger.rw
    )
    assert answer.status_code == 200, answer.text
    items, _ = await pull(ledger, limit=100, after=cursor)
    assert [i["id"] for i in items] == [first]
    assert items[0]["donor"]["name"] == "Example Renamed Programme"


async def test_a_page_body_is_the_generic_page_byte_for_byte(
    ledger: Ledger, funded: dict[str, Any]
) -> None:
    """The HTTP page (SQLite: read through the driver, parties apart, same-day transactions put
    in id order in Python) is the JSON of ``service.page``'s items, whatever the page."""
    donor_id, recipient = funded["donor"]["id"], funded["recipient"]
    other_donor = (await new_donor(ledger, 1))["id"]
    person = {"type": "person", "id": str(await ledger.announce_person())}
    records = [
        grant(donor_id if n % 2 else other_donor, person if n % 3 == 0 else recipient, n,
              visibility=("public", "coalition")[n % 2], description=f"Text \"{n}\"\n\u00e9")
        for n in range(1, 10)
    ]  # fmt: skip
    results = await sync_grants(ledger, records)
    rates = [{"currency": "SEK", "date": "2026-01-01", "rate": "0.0937"}]
    assert (await ledger.client.put("/v1/rates", json=rates, headers=ledger.ops)).is_success
    db = ledger.app.state.concordia.db
    async with db.unit_of_work() as session:
        # Ids in the reverse of the rows' order, several on one day: the page sorts them.
        for g, result in enumerate(results[:6]):
            for t in range(5):
                session.add(Transaction(
                    id=uuid.UUID(int=(10 - g) * 2**100 - t), grant_id=uuid.UUID(result["id"]),
                    external_id=f"TX-{g}-{t}", type=3, amount=Decimal(f"{1000 + 37 * t}.{t}5"),
                    currency=("SEK", "EUR", "USD")[t % 3], value_date=date(2026, 2, 1 + t // 3),
                    description=f"Paid {t}" if t % 2 else None,
                ))  # fmt: skip
    gone = await ledger.client.delete(f"/v1/grants/{results[7]['id']}", headers=ledger.rw)
    assert gone.status_code == 204
    for audience in (service.PUBLIC, service.COALITION):
        for limit in (2, 3, 1000):
            after, pages = 0, 0
            while True:
                async with db.unit_of_work(write=False) as session:
                    body, count = await feed_body.page_body(
                        session=session, after=after, limit=limit, audience=audience
                    )
                    page = await service.page(
                        session=session, after=after, limit=limit, audience=audience
                    )
                assert body == orjson.dumps({"items": page.items(), "next": str(page.next)})
                assert count == len(page.rows)
                pages += 1
                if count < limit:
                    break
                after = page.next
            assert pages > 1 or limit == 1000
