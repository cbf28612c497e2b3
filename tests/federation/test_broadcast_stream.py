"""The coalition's broadcasts are kept at the hub and sourced by each node, and nothing more.

The hub stores what it relays for a country in ``BROADCAST_<CODE>`` (its account ``<CODE>``);
the node's ``INBOUND_<CODE>`` sources it through ``$JS.hub.API`` over the leaf connection and
stores each message on its origin subject. The leaf user lets exactly that call through.
"""

from __future__ import annotations

import pytest
from federation_support import Coalition, spy_url, stream_holds
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError

from concordia.events import broadcast_stream, ensure_streams, inbound_stream


async def test_a_node_sources_what_the_hub_keeps_for_it_on_origin_subjects(
    coalition: Coalition,
) -> None:
    hub = await coalition.connect(coalition.hub_url("pl"))  # the hub service's user
    hjs = hub.jetstream(timeout=3)
    await ensure_streams(hjs, [broadcast_stream("pl")])
    relayed = "hub.broadcast.se.exchange.practice.0f0f.r1"
    await hjs.publish(relayed, b"first", headers={"Nats-Msg-Id": "e1"})
    node = await coalition.connect(coalition.node_url("pl", "exchange-shared"))
    njs = node.jetstream(timeout=3)
    await ensure_streams(njs, [inbound_stream("pl")])
    await stream_holds(njs, "INBOUND_PL", 1, within=30)
    await hjs.publish(relayed.replace("r1", "r2"), b"second", headers={"Nats-Msg-Id": "e2"})
    await hjs.publish(relayed, b"first", headers={"Nats-Msg-Id": "e1"})  # a retried relay
    await stream_holds(njs, "INBOUND_PL", 2, within=30)
    reader = (await coalition.connect(spy_url(coalition, "pl", "COALITION"))).jetstream()
    first = await reader.get_msg("INBOUND_PL", seq=1)
    second = await reader.get_msg("INBOUND_PL", seq=2)
    assert first.subject == "shared.se.broadcast.exchange.practice.0f0f.r1"
    assert first.data == b"first"
    assert second.subject == "shared.se.broadcast.exchange.practice.0f0f.r2"
    assert (await hjs.stream_info("BROADCAST_PL")).state.messages == 2  # the retry was dropped


async def test_a_node_reaches_no_other_call_of_the_hub_jetstream_api(
    coalition: Coalition,
) -> None:
    hub = await coalition.connect(coalition.hub_url("pl"))
    hjs = hub.jetstream(timeout=3)
    await ensure_streams(hjs, [broadcast_stream("pl")])
    await hjs.publish("hub.broadcast.se.exchange.practice.0f0f.r1", b"kept")
    node = await coalition.connect(coalition.node_url("pl", "exchange-shared"))
    await ensure_streams(node.jetstream(timeout=3), [inbound_stream("pl")])
    await stream_holds(node.jetstream(timeout=3), "INBOUND_PL", 1, within=30)
    # A user allowed everything at the node: only the leaf connection's permissions hold it.
    spy = await coalition.connect(spy_url(coalition, "pl", "COALITION"))
    for call in ("STREAM.LIST", "STREAM.NAMES", "STREAM.INFO.BROADCAST_PL",
                 "STREAM.DELETE.BROADCAST_PL", "STREAM.PURGE.BROADCAST_PL",
                 "STREAM.MSG.GET.BROADCAST_PL", "DIRECT.GET.BROADCAST_PL", "ACCOUNT.INFO",
                 "STREAM.INFO.NODE_PL", "STREAM.DELETE.NODE_PL", "CONSUMER.CREATE.NODE_PL.x",
                 "CONSUMER.DELETE.BROADCAST_PL.x", "CONSUMER.LIST.BROADCAST_PL",
                 "STREAM.CREATE.STOLEN", "CONSUMER.CREATE.BROADCAST_SE.x"):  # fmt: skip
        with pytest.raises((NoRespondersError, NatsTimeoutError)):
            await spy.request(f"$JS.hub.API.{call}", b"{}", timeout=1)
    info = await hjs.stream_info("BROADCAST_PL")  # untouched
    assert info.state.messages == 1
    assert (await hjs.stream_info("BROADCAST_PL")).config.name == "BROADCAST_PL"
