"""Adding a country to a running hub: a reload, and the other countries' leaf connections stay."""

from __future__ import annotations

import asyncio
import json

import polling
from federation_support import Broker, Coalition, stream_holds

from concordia.cli._coalition import join_hub
from concordia.cli.nodeinit import init_node
from concordia.events import country_stream, ensure_streams, shared_stream
from concordia.events.natsserver import free_port


def connections(coalition: Coalition) -> set[tuple[str, int]]:
    """(account, remote port) of each leaf connection: a reconnect changes the port."""
    return {(leaf["account"], leaf["port"]) for leaf in coalition.leafs()}


async def test_adding_a_country_keeps_the_others_connected(coalition: Coalition) -> None:
    se = await coalition.connect(coalition.node_url("se", "registry-shared"))
    sjs = se.jetstream(timeout=3)
    await ensure_streams(sjs, [shared_stream("se")])
    hub_se = await coalition.connect(coalition.hub_url("se"))
    hjs = hub_se.jetstream(timeout=3)
    await ensure_streams(hjs, [country_stream("se")])
    await sjs.publish("shared.se.registry.aggregate.a.2026-Q1.v1", b"{}")
    await stream_holds(hjs, "NODE_SE", 1)
    before = connections(coalition)
    assert {account for account, _ in before} == {"SE", "PL"}

    hub_port = json.loads((coalition.root / "hub" / "hub.json").read_text())["leaf_port"]
    files = init_node(
        coalition.root / "de", "de", "Testland DE", port=free_port(), monitor_port=free_port(),
        hub_leaf_url=f"nats-leaf://127.0.0.1:{hub_port}",
        hub_ca=coalition.root / "hub" / "leaf-ca.pem",  # the hub's leaf listener is TLS only
    )  # fmt: skip
    # The hub adds DE and issues its leaf client certificate, which DE installs (mutual TLS).
    await asyncio.to_thread(join_hub, coalition.root / "hub", coalition.root / "de")
    log = coalition.root / "hub" / "nats-server.log"
    await polling.eventually(  # the reload is asynchronous
        lambda: "Reloaded server configuration" in log.read_text(), what="the hub's reload"
    )
    assert connections(coalition) == before  # nobody was disconnected
    await sjs.publish("shared.se.registry.aggregate.a.2026-Q1.v2", b"{}")  # still flows
    assert await stream_holds(hjs, "NODE_SE", 2) == 2

    coalition.brokers["de"] = Broker(files.conf, files.nats.monitor_port).start()
    coalition.nodes["de"] = files
    leafs = await asyncio.to_thread(coalition.wait_leafs, 3)
    assert {leaf["account"] for leaf in leafs} == {"SE", "PL", "DE"}
    assert before <= connections(coalition)
    de = await coalition.connect(coalition.node_url("de", "ledger-shared"))
    djs = de.jetstream(timeout=3)
    await ensure_streams(djs, [shared_stream("de")])
    await djs.publish("shared.de.ledger.aggregate.g.2026-Q1.v1", b"{}")
    hub_de = await coalition.connect(coalition.hub_url("de"))
    await ensure_streams(hub_de.jetstream(timeout=3), [country_stream("de")])
    assert await stream_holds(hub_de.jetstream(timeout=3), "NODE_DE", 1) == 1
