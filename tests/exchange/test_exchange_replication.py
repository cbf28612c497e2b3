"""Replicas: what one node's outbox sends is applied at another, idempotent and in any order.

The events are the ones node A's exchange wrote to its outbox (the bytes the relay sends), and
node B applies them with the consumer's handler in B's own database, as its consumer does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from exchange_support import Exchange, practice
from sqlalchemy import select

from concordia.events import (
    AttachmentChunkPublished,
    Envelope,
    Event,
    PracticeRevisionPublished,
)
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


async def test_an_attachment_travels_in_pieces_and_is_checked_where_it_arrives(
    make_exchange: Callable[..., Awaitable[Exchange]],
) -> None:
    a, b = await make_exchange(), await make_exchange()
    b.app.state.concordia.extra.node = b.settings.node = "zz"
    created = await a.client.post(
        "/v1/practices", json=practice(title="A practice with a template"),
        headers=a.auth("editor"),
    )  # fmt: skip
    pid = created.json()["id"]
    text = ("A synthetic application template line. " * 16_000).encode()  # 640 KB: 3 pieces
    sha = hashlib.sha256(text).hexdigest()
    stored = await a.client.post(
        f"/v1/practices/{pid}/attachments", content=text,
        headers=a.auth("editor") | {"Content-Type": "text/plain"},
    )  # fmt: skip
    assert stored.status_code == 201, stored.text
    await a.client.post(f"/v1/practices/{pid}/submit", headers=a.auth("editor"))
    approved = await a.client.post(
        f"/v1/practices/{pid}/approve", json={}, headers=a.auth("approver")
    )
    assert approved.status_code == 200, approved.text
    envelopes = await _sent(a)
    pieces = [e for e in envelopes if isinstance(e.data, AttachmentChunkPublished)]
    revision = [e for e in envelopes if isinstance(e.data, PracticeRevisionPublished)]
    assert [p.data.index for p in pieces] == [0, 1, 2]
    assert {(p.data.sha256, p.data.count, p.data.size) for p in pieces} == {(sha, 3, len(text))}
    assert all(len(e.to_bytes()) < 1024 * 1024 for e in envelopes)  # under NATS's payload limit

    # The pieces before the practice, backwards and twice: kept until the practice is known.
    await _apply(b, list(reversed(pieces)) + pieces)
    path = f"/v1/practices/{pid}/attachments/{sha}"
    assert (await b.client.get(path, headers=b.auth("reader"))).status_code == 404
    await _apply(b, revision + pieces)
    got = await b.client.get(path, headers=b.auth("reader"))
    assert got.status_code == 200, got.text
    assert got.content == text
    assert got.headers["content-type"].startswith("text/plain")
    listed = await b.client.get(f"/v1/practices/{pid}/attachments", headers=b.auth("reader"))
    assert [x["sha256"] for x in listed.json()] == [sha]

    # Pieces that do not make what they announce (a hostile or broken origin) are refused.
    now = datetime.now(UTC)
    claimed = hashlib.sha256(b"x" * 9).hexdigest()
    forged = AttachmentChunkPublished(
        node=a.settings.node, practice=pid.replace("-", ""), sha256=claimed,
        media_type="text/plain", size=9, index=0, count=1, data=b"y" * 9, published_at=now,
    )  # fmt: skip
    await _apply(b, [Envelope.wrap(forged, node=a.settings.node)])
    bad = await b.client.get(
        f"/v1/practices/{pid}/attachments/{forged.sha256}", headers=b.auth("reader")
    )
    assert bad.status_code == 404
