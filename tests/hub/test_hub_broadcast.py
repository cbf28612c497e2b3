"""The hub relays what a node broadcasts to every other node, once, and never back to it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hub_support import Hub, node_client, publish, status, wait_for
from nats.aio.msg import Msg
from sqlalchemy import select

from concordia.events import Envelope, NatsServer, PracticePublished
from concordia.hub.ingest import relayed_subject
from concordia.hub.models import Refusal


def practice(node: str = "se", n: int = 1, revision: int = 1) -> PracticePublished:
    """A synthetic practice announcement (codes only)."""
    return PracticePublished(
        node=node, practice=f"{node}-test-{n:04d}", revision=revision, topic="work_permits",
        status="pilot", language="en", published_at=datetime.now(UTC),
    )  # fmt: skip


async def listen(server: NatsServer, code: str) -> tuple[list[Msg], Callable[[], Awaitable[None]]]:
    """Collect what node ``code`` receives on ``hub.broadcast.>``; and a closer."""
    nc = await node_client(server, code)
    got: list[Msg] = []

    async def keep(msg: Msg) -> None:
        got.append(msg)

    await nc.subscribe("hub.broadcast.>", cb=keep)
    await nc.flush()
    return got, nc.close


async def test_a_broadcast_from_se_reaches_pl_and_de_once_not_se(
    make_hub: Callable[..., Awaitable[Hub]], country_nats: NatsServer
) -> None:
    hub = await make_hub(nodes=("se", "pl", "de"))
    for code in ("se", "pl", "de"):
        await hub.linked(code)
    received = {code: await listen(country_nats, code) for code in ("se", "pl", "de")}
    se = await node_client(country_nats, "se")
    try:
        envelope = Envelope.wrap(practice(), node="se")
        await publish(se, envelope)
        # Redelivered under another message id (a relay retry after a lost ack): still once.
        await publish(se, envelope, msg_id=f"{envelope.id}-again")
        await wait_for(lambda: _all_have(received, ("pl", "de"), 1))
        later = Envelope.wrap(practice(n=2), node="se")  # a later one proves the first is done
        await publish(se, later)
        await wait_for(lambda: _all_have(received, ("pl", "de"), 2))
        await asyncio.sleep(0.3)
        for code in ("pl", "de"):
            got = received[code][0]
            assert [m.subject for m in got] == [
                relayed_subject("se", envelope.subject),
                relayed_subject("se", later.subject),
            ]
            assert got[0].subject == "hub.broadcast.se.practice.se-test-0001.r1"
            assert Envelope.from_bytes(got[0].data).id == envelope.id  # unchanged
            assert got[0].headers is not None
            assert got[0].headers["Nats-Msg-Id"] == envelope.id
        assert received["se"][0] == []  # never back to the origin
    finally:
        await se.close()
        for _, close in received.values():
            await close()


async def _all_have(received: dict[str, tuple[list[Msg], object]], codes: tuple[str, ...],
                    count: int) -> bool:  # fmt: skip
    return all(len(received[c][0]) >= count for c in codes)


@pytest.mark.parametrize("what", ["not_an_envelope", "not_a_broadcast_type"])
async def test_only_registered_broadcasts_of_the_node_itself_are_relayed(
    hub: Hub, country_nats: NatsServer, what: str
) -> None:
    got, close = await listen(country_nats, "pl")
    se = await node_client(country_nats, "se")
    try:
        js = se.jetstream()
        if what == "not_an_envelope":
            await js.publish("shared.se.broadcast.practice.x.r1", b'{"text": "free prose"}')
        else:
            # A registered shared type, but not a broadcast: published on a broadcast subject.
            envelope = Envelope.wrap(status("se"), node="se")
            data = replace(envelope, subject="shared.se.broadcast.status.x.r1")
            await js.publish("shared.se.broadcast.status.x.r1", data.to_bytes())
        relay = hub.app.state.concordia.extra.federation.links["se"].relay

        async def handled() -> bool:
            return relay.metrics.terminated_total + relay.metrics.applied_total >= 1

        await wait_for(handled)
        await asyncio.sleep(0.3)
        assert got == []
        if what == "not_a_broadcast_type":
            async with hub.app.state.concordia.db.unit_of_work(write=False) as session:
                reasons = (await session.scalars(select(Refusal.reason))).all()
            assert reasons == ["unexpected_type"]
        else:
            assert relay.metrics.terminated_total == 1  # never parsed, never relayed
    finally:
        await se.close()
        await close()
