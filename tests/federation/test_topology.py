"""The privacy boundary in the broker: a generated hub and two nodes on real nats-servers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import polling
import pytest
from federation_support import Coalition, spy_url, stream_holds
from nats.aio.msg import Msg
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import NotFoundError

from concordia.events import country_stream, ensure_streams, shared_stream


def record(heard: list[str]) -> Callable[[Msg], Awaitable[None]]:
    """A subscription callback noting each subject heard."""

    async def on_message(msg: Msg) -> None:
        heard.append(msg.subject)

    return on_message


async def test_a_service_user_publishes_only_its_own_subjects_and_the_hub_sources_them(
    coalition: Coalition,
) -> None:
    nc = await coalition.connect(coalition.node_url("se", "registry-shared"))
    js = nc.jetstream(timeout=3)
    await ensure_streams(js, [shared_stream("se")])
    ack = await js.publish("shared.se.registry.aggregate.persons.2026Q1.v1", b"{}")
    assert (ack.stream, ack.domain) == ("SHARED_SE", "se")
    short = nc.jetstream(timeout=1)
    for subject in ("shared.se.ledger.aggregate.grants.2026Q1.v1", "local.se.registry.x"):
        with pytest.raises(NatsTimeoutError):
            await short.publish(subject, b"{}")
    hub = await coalition.connect(coalition.hub_url("se"))
    hjs = hub.jetstream(timeout=3)
    await ensure_streams(hjs, [country_stream("se")])
    assert await stream_holds(hjs, "NODE_SE", 1) == 1
    msg = await hjs.get_last_msg("NODE_SE", "shared.se.registry.aggregate.persons.2026Q1.v1")
    assert msg.data == b"{}"


async def test_the_hub_cannot_call_the_node_jetstream_api_nor_hear_local_events(
    coalition: Coalition,
) -> None:
    node = await coalition.connect(coalition.node_url("se", "registry-shared"))
    await ensure_streams(node.jetstream(timeout=3), [shared_stream("se")])
    spy = await coalition.connect(coalition.hub_spy_url("se"))  # everything allowed at the hub
    for call in ("STREAM.LIST", "STREAM.NAMES", "STREAM.INFO.SHARED_SE", "STREAM.DELETE.SHARED_SE",
                 "STREAM.PURGE.SHARED_SE", "DIRECT.GET.SHARED_SE", "ACCOUNT.INFO",
                 "CONSUMER.DELETE.SHARED_SE.x"):  # fmt: skip
        with pytest.raises((NoRespondersError, NatsTimeoutError)):
            await spy.request(f"$JS.se.API.{call}", b"{}", timeout=1)
    info = await node.jetstream(timeout=3).stream_info("SHARED_SE")  # still there
    assert info.config.name == "SHARED_SE"

    heard: list[str] = []
    await spy.subscribe(">", cb=record(heard))
    await spy.subscribe("local.>", cb=record(heard))
    await spy.subscribe("shared.se.>", cb=record(heard))
    await spy.flush()
    local = await coalition.connect(spy_url(coalition, "se", "LOCAL"))
    coalition_any = await coalition.connect(spy_url(coalition, "se", "COALITION"))

    async def path_works() -> bool:
        # The spy's interest reaches the node a moment after it subscribed.
        await coalition_any.publish("shared.se.registry.ping", b"ok")
        await coalition_any.flush()
        return "shared.se.registry.ping" in heard

    await polling.eventually(path_works, within=10, what="the spy's interest at the node")
    pings = heard.count("shared.se.registry.ping")
    for _ in range(3):
        await local.publish("local.se.registry.person.registered.v1", b"canary")
        await coalition_any.publish("local.se.registry.person.registered.v1", b"canary")
        await coalition_any.publish("shared.pl.registry.forged", b"forged")  # not its code
        await coalition_any.publish("shared.se.registry.ping", b"ok")
    await local.flush()
    await coalition_any.flush()
    # The forged messages went before these pings on the same connection.
    await polling.eventually(lambda: heard.count("shared.se.registry.ping") >= pings + 3)
    await asyncio.sleep(1)  # a window in which nothing forbidden may arrive
    assert not [s for s in heard if s.startswith(("local.", "shared.pl."))]


async def test_countries_cannot_see_each_other(coalition: Coalition) -> None:
    se = await coalition.connect(coalition.node_url("se", "registry-shared"))
    await ensure_streams(se.jetstream(timeout=3), [shared_stream("se")])
    pl_spy = await coalition.connect(coalition.hub_spy_url("pl"))
    heard: list[str] = []
    await pl_spy.subscribe(">", cb=record(heard))
    await pl_spy.subscribe("shared.se.>", cb=record(heard))
    await pl_spy.flush()
    hub_se = await coalition.connect(coalition.hub_url("se"))
    hjs = hub_se.jetstream(timeout=3)
    await ensure_streams(hjs, [country_stream("se")])
    await se.jetstream(timeout=3).publish("shared.se.registry.aggregate.a.2026Q1.v1", b"{}")
    await stream_holds(hjs, "NODE_SE", 1)
    assert heard == []
    with pytest.raises(NotFoundError):  # PL's account holds no stream of SE's
        await pl_spy.jetstream(timeout=3).stream_info("NODE_SE")
    hub_pl = await coalition.connect(coalition.hub_url("pl"))
    with pytest.raises(NatsTimeoutError):  # and PL's hub user may not even ask
        await hub_pl.jetstream(timeout=1).stream_info("NODE_SE")
