"""Nodes come and go at run time; a silent node shows as stale; a hub restart keeps history."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from hub_support import Hub, node_client, publish, snapshot, status, wait_for, write_node
from nats.js.errors import NotFoundError

from concordia.events import Envelope, NatsServer


async def test_a_country_added_at_run_time_is_picked_up(
    make_hub: Callable[..., Awaitable[Hub]], country_nats: NatsServer
) -> None:
    hub = await make_hub(nodes=("se",))
    await hub.linked("se")
    assert [n["code"] for n in await hub.get("/v1/nodes")] == ["se"]

    write_node(hub.settings.nodes_dir, country_nats, "de", title="Testland Dee")
    await hub.linked("de")
    nc = await node_client(country_nats, "de")
    try:
        await publish(nc, Envelope.wrap(snapshot(node="de"), node="de"))
    finally:
        await nc.close()

    async def stored() -> list[dict[str, object]]:
        return await hub.get("/v1/aggregates", node="de")

    assert (await wait_for(stored))[0]["node"] == "de"
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    assert nodes["de"]["name"] == "Testland Dee"
    assert nodes["de"]["linked"] is True

    # Removed from the directory: unlinked, its history stays.
    (hub.settings.nodes_dir / "de.json").unlink()

    async def unlinked() -> bool:
        return "de" not in hub.app.state.concordia.extra.federation.links

    await wait_for(unlinked)
    nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
    assert nodes["de"]["linked"] is False
    assert nodes["de"]["connected"] is False
    assert len(await hub.get("/v1/aggregates", node="de")) == 1


async def test_a_bad_node_file_is_skipped(make_hub: Callable[..., Awaitable[Hub]]) -> None:
    hub = await make_hub(nodes=("se",))
    (hub.settings.nodes_dir / "fi.json").write_text('{"code": "pl", "name": "x", "nats_url": 1}')
    (hub.settings.nodes_dir / "xx.json").write_text("not json")
    await hub.app.state.concordia.extra.federation.sync()
    assert set(hub.app.state.concordia.extra.federation.links) == {"se"}


async def test_a_silent_service_shows_as_stale(hub: Hub, country_nats: NatsServer) -> None:
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    nc = await node_client(country_nats, "se")
    try:
        await publish(nc, Envelope.wrap(status(at=long_ago), node="se", time=long_ago))
    finally:
        await nc.close()

    async def reported() -> dict[str, object] | None:
        nodes = {n["code"]: n for n in await hub.get("/v1/nodes")}
        return nodes["se"] if nodes["se"]["services"] else None

    se = await wait_for(reported)
    assert se["stale"] is True
    assert se["lag_seconds"] >= 600
    (registry,) = se["services"]
    assert registry["stale"] is True
    assert registry["lag_seconds"] >= 600


async def test_history_survives_a_hub_restart_and_a_full_redelivery(
    make_hub: Callable[..., Awaitable[Hub]],
    database_factories: Callable[[str], Awaitable[str]],
    country_nats: NatsServer,
) -> None:
    url = await database_factories("hub")
    hub = await make_hub(url)
    await hub.linked("se")
    nc = await node_client(country_nats, "se")
    try:
        for version in (1, 2):
            event = snapshot(version=version, female=40 + version)
            await publish(nc, Envelope.wrap(event, node="se"))

        async def both() -> bool:
            return len(await hub.get("/v1/aggregates", history="true")) == 2

        await wait_for(both)
        await make_hub.stop_all()  # type: ignore[attr-defined]
        # The durable consumer is lost too: the new hub is sent everything again.
        with contextlib.suppress(NotFoundError):
            await nc.jetstream().delete_consumer("NODE_SE", "hub-ingest-se")
        await publish(nc, Envelope.wrap(snapshot(version=3, female=50), node="se"))
    finally:
        await nc.close()

    again = await make_hub(url)
    await again.linked("se")

    async def caught_up() -> bool:
        metrics = again.app.state.concordia.extra.federation.links["se"].consumer.metrics
        return metrics.applied_total + metrics.duplicates_total >= 3

    await wait_for(caught_up)
    history = await again.get("/v1/aggregates", history="true")
    assert [s["version"] for s in history] == [1, 2, 3]
    metrics = again.app.state.concordia.extra.federation.links["se"].consumer.metrics
    assert (metrics.applied_total, metrics.duplicates_total) == (1, 2)
