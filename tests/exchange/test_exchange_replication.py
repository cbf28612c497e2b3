"""Replicas: what one node's outbox sends is applied at another, idempotent and in any order.

The events are the ones node A's exchange wrote to its outbox (the bytes the relay sends), and
node B applies them with the consumer's handler in B's own database, as its consumer does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from exchange_support import Exchange, practice
from sqlalchemy import select

from concordia.events import Envelope, Event
from concordia.exchange import replication
from concordia.kit.tables import outbox


async def _sent(exchange: Exchange) -> list[Envelope[Event]]:
    async with runtime_db(exchange).unit_of_work(write=False) as session:
        rows = (
            await session.execute(select(outbox.table.c.payload).order_by(outbox.table.c.seq))
        ).all()
    return [Envelope.from_bytes(row[0]) for row in rows if b"broadcast.exchange" in row[0]]


def runtime_db(exchange: Exchange):  # type: ignore[no-untyped-def]
    return exchange.app.state.concordia.db


async def _apply(exchange: Exchange, envelopes: list[Envelope[Event]]) -> None:
    node = exchange.settings.node
    for envelope in envelopes:
        async with runtime_db(exchange).unit_of_work() as session:
            await replication.apply(session, envelope, node=node)


async def test_revisions_arrive_out_of_order_and_twice_and_end_the_same(
    make_exchange: Callable[..., Awaitable[Exchange]],
) -> None:
    a, b = await make_exchange(), await make_exchange()
    assert a.settings.node == b.settings.node  # one node code per test: tell B it is another
    b.app.state.concordia.extra.node = b.settings.node = "zz"
    first = await a.publish(practice(title="Replicated practice, first revision"))
    pid = first["id"]
    edit = await a.client.patch(
        f"/v1/practices/{pid}", json={"title": "Replicated practice, second revision"},
        headers=a.auth("editor") | {"If-Match": '"1"'},
    )  # fmt: skip
    assert edit.status_code == 200
    await a.client.post(f"/v1/practices/{pid}/submit", headers=a.auth("editor"))
    approved = await a.client.post(
        f"/v1/practices/{pid}/approve", json={}, headers=a.auth("approver")
    )
    assert approved.status_code == 200, approved.text
    envelopes = await _sent(a)
    assert len(envelopes) == 2
    await _apply(b, list(reversed(envelopes)) + envelopes)
    replica = await b.client.get(f"/v1/practices/{pid}", headers=b.auth("reader"))
    assert replica.status_code == 200
    assert replica.json()["title"] == "Replicated practice, second revision"
    assert replica.json()["origin"] == a.settings.node
    history = (
        await b.client.get(f"/v1/practices/{pid}/revisions", headers=b.auth("reader"))
    ).json()
    assert [r["number"] for r in history] == [1, 2]
    found = await b.client.get(
        "/v1/practices", params={"q": "replicated"}, headers=b.auth("reader")
    )
    assert [h["id"] for h in found.json()["items"]] == [pid]
    refused = await b.client.patch(
        f"/v1/practices/{pid}", json={"title": "Edited elsewhere"}, headers=b.auth("editor")
    )
    assert refused.status_code == 409


async def test_an_endorsement_travels_back_to_the_origin(
    make_exchange: Callable[..., Awaitable[Exchange]],
) -> None:
    a, b = await make_exchange(), await make_exchange()
    b.app.state.concordia.extra.node = b.settings.node = "zz"
    pid = (await a.publish(practice()))["id"]
    await _apply(b, await _sent(a))
    endorsed = await b.client.post(
        f"/v1/practices/{pid}/endorsements",
        json={"kind": "adapted", "role": "foreign_ministry", "country": "PL",
              "note": "Synthetic note: we shortened the track to five days."},
        headers=b.auth("editor"),
    )  # fmt: skip
    assert endorsed.status_code == 201, endorsed.text
    eid = endorsed.json()["id"]
    own = await b.client.post(
        f"/v1/practices/{pid}/endorsements/{eid}/approve",
        json={},
        headers=b.auth("editor-approver"),
    )
    assert own.status_code == 200  # another token than the author's
    assert await _sent_count(a, "contribution") == 0
    await _apply(a, [e for e in await _sent(b) if "contribution" in e.subject])
    listed = (
        await a.client.get(f"/v1/practices/{pid}/endorsements", headers=a.auth("reader"))
    ).json()
    assert [(e["endorsement"], e["country"], e["state"]) for e in listed] == [
        ("adapted", "PL", "published")
    ]


async def _sent_count(exchange: Exchange, kind: str) -> int:
    return len([e for e in await _sent(exchange) if kind in e.subject])
