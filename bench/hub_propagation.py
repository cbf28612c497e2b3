"""``hub.propagation``: a write at a node until the hub's API shows the aggregate it changed.

The whole path, on generated configs and real processes: a node (its nats-server with LOCAL and
COALITION accounts, its registry under uvicorn) and the hub (its nats-server with the country's
account, the hub service under uvicorn). One round: ``PUT /v1/sync/persons`` of k new persons in
one cell (enough to pass the per-cell release rule), then poll the hub's ``/v1/aggregates`` until a
new version from the node is listed. In between: the registry's aggregate round (every
``INTERVAL`` s), disclosure control, the outbox relay over the COALITION user, the node's
``SHARED_SE`` stream, the hub's ``NODE_SE`` sourcing it over the leaf connection, the hub's
consumer and database. Rounds follow each other at a steady pace, as writes would.

The ceiling is the broker path alone in the same topology: a message published as the
registry's COALITION user until the hub's ``NODE_SE`` delivers it to a consumer. The figure's value
is the p99 in ms; the ratio is ceiling p99 / value p99.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import httpx
import nats
from nats.js.api import DeliverPolicy

from bench._common import NODE, REGISTRY_DIR, Figure, Workspace, _migrate, percentile, person
from concordia.cli._coalition import join_hub
from concordia.cli.hubinit import init_hub
from concordia.cli.nodeinit import init_node, service_env
from concordia.core.auth import TokenStore
from concordia.events import country_stream, ensure_streams, shared_stream
from concordia.events.natsserver import find_binary, free_port

HUB_DIR = REGISTRY_DIR.parent / "hub"
INTERVAL = 0.25  # the registry's aggregate round in this run, seconds
K = 10  # the default charter's threshold: persons per changed cell for a release
GOAL = 0.1  # p99 of the whole path within 10x of the broker path alone


class Broker:
    """A nats-server on a generated config (its ports are in the config)."""

    def __init__(self, conf: Path, monitor_port: int) -> None:
        self.conf, self.monitor_port = conf, monitor_port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Broker:
        """Start; wait until JetStream serves."""
        log = self.conf.with_name("nats-server.log")
        self.process = subprocess.Popen(  # noqa: S603 - our binary, our config
            [str(find_binary()), "-c", str(self.conf), "-l", str(log)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nats-server did not start; see {log}")

    def leafs(self) -> int:
        """How many leaf connections the server has."""
        url = f"http://127.0.0.1:{self.monitor_port}/leafz"
        with urllib.request.urlopen(url, timeout=2) as resp:
            return len(json.loads(resp.read()).get("leafs") or [])

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)


def _topology(root: Path) -> tuple[Broker, Broker, Path, str]:
    """Generate a hub and node ``se``; return brokers, the node dir and the hub's node URL."""
    hub_monitor, leaf_port = free_port(), free_port()
    init_hub(root / "hub", port=free_port(), monitor_port=hub_monitor, leaf_port=leaf_port)
    node_monitor = free_port()
    files = init_node(
        root / NODE, NODE, "Benchland", port=free_port(), monitor_port=node_monitor,
        hub_leaf_url=f"nats-leaf://127.0.0.1:{leaf_port}", hub_ca=root / "hub" / "leaf-ca.pem",
    )  # fmt: skip
    # The hub adds the node and issues its leaf client certificate (mutual TLS), installed.
    nodes_file = join_hub(root / "hub", files.root)
    hub_url = json.loads(nodes_file.read_text())["nats_url"]
    return (
        Broker(root / "hub" / "nats.conf", hub_monitor),
        Broker(files.conf, node_monitor),
        (files.root),
        hub_url,
    )


async def _ceiling(node_root: Path, hub_url: str, rounds: int) -> list[float]:
    """Seconds from a COALITION publish at the node to delivery from the hub's NODE_SE."""
    env = service_env(node_root, "registry")
    node = await nats.connect(env["CONCORDIA_NATS_SHARED_URL"], name="bench-ceiling-node")
    hub = await nats.connect(hub_url, name="bench-ceiling-hub")
    try:
        hjs, njs = hub.jetstream(timeout=5), node.jetstream(timeout=5)
        await ensure_streams(njs, [shared_stream(NODE)])  # as the registry does on connect
        await ensure_streams(hjs, [country_stream(NODE)])
        arrived: dict[str, float] = {}
        got = asyncio.Event()

        async def on_msg(msg: Any) -> None:
            arrived[msg.subject] = time.perf_counter()
            got.set()

        sub = await hjs.subscribe(
            f"shared.{NODE}.registry.bench.>", cb=on_msg, ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW, stream=f"NODE_{NODE.upper()}",
        )  # fmt: skip
        samples = []
        for n in range(rounds):
            subject = f"shared.{NODE}.registry.bench.{uuid.uuid4().hex}"
            got.clear()
            sent = time.perf_counter()
            await njs.publish(subject, b"{}", headers={"Nats-Msg-Id": subject})
            async with asyncio.timeout(60):
                while subject not in arrived:
                    await got.wait()
                    got.clear()
            samples.append(arrived[subject] - sent)
            await asyncio.sleep(random.uniform(0, INTERVAL) if n % 2 else 0)
        await sub.unsubscribe()
        return samples
    finally:
        await node.close()
        await hub.close()


async def _hub_versions(client: httpx.AsyncClient, token: str) -> set[tuple[str, str, int]]:
    response = await client.get(
        "/v1/aggregates", params={"node": NODE, "service": "registry"},
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    response.raise_for_status()
    return {(s["aggregate"], s["period"], s["version"]) for s in response.json()}


async def _app_path(ws: Workspace, node_root: Path, hub_root: Path, rounds: int) -> list[float]:
    """Seconds from a sync's response at the node until the hub lists a new version."""
    env = service_env(node_root, "registry")
    await asyncio.to_thread(_migrate, env["CONCORDIA_REGISTRY_DATABASE_URL"], REGISTRY_DIR)
    agency = TokenStore(Path(env["CONCORDIA_TOKENS_FILE"])).create("bench", {"registry:write"})
    registry = await ws.uvicorn("hub-prop-registry", "concordia.registry.app:main", {
        **env, "CONCORDIA_REGISTRY_AGGREGATE_INTERVAL_SECONDS": str(INTERVAL),
        "CONCORDIA_REGISTRY_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    hub_db = f"sqlite:///{hub_root / 'hub.db'}"
    await asyncio.to_thread(_migrate, hub_db, HUB_DIR)
    tokens = hub_root / "tokens.json"
    reader = TokenStore(tokens).create("bench", {"hub:read"})
    hub = await ws.uvicorn("hub-prop-hub", "concordia.hub.app:main", {
        "CONCORDIA_ENV": "test", "CONCORDIA_HUB_DATABASE_URL": hub_db,
        "CONCORDIA_TOKENS_FILE": str(tokens), "CONCORDIA_HUB_NODES_DIR": str(hub_root / "nodes"),
        "CONCORDIA_HUB_STREAM_MODE": "sourced", "CONCORDIA_HUB_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    samples: list[float] = []
    write = {"Authorization": f"Bearer {agency}", "X-Purpose": "statistics; benchmark"}
    async with (
        httpx.AsyncClient(base_url=registry.url, timeout=30) as node_client,
        httpx.AsyncClient(base_url=hub.url, timeout=30) as hub_client,
    ):
        for n in range(rounds + 1):  # round 0 warms up (first release, first sourcing)
            seen = await _hub_versions(hub_client, reader)
            records = [
                person(n * K + i) | {"gender": "female", "region_of_origin": "RU-MOW"}
                for i in range(K)
            ]
            response = await node_client.put(
                "/v1/sync/persons", json={"records": records}, headers=write
            )
            response.raise_for_status()
            written = time.perf_counter()
            async with asyncio.timeout(120):
                while (await _hub_versions(hub_client, reader)) <= seen:  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
            if n:
                samples.append(time.perf_counter() - written)
            await asyncio.sleep(random.uniform(0, INTERVAL))
    await ws.stop(registry)
    await ws.stop(hub)
    return samples


async def run(ws: Workspace, rounds: int = 60) -> Figure:
    """Measure the app path and the broker path in the same topology."""
    root = ws.path / "federation"
    hub_broker, node_broker, node_root, hub_url = _topology(root)
    hub_broker.start()
    node_broker.start()
    try:
        deadline = time.monotonic() + 20
        while hub_broker.leafs() < 1:
            if time.monotonic() > deadline:
                raise RuntimeError("the node's leaf connection did not come up")
            await asyncio.sleep(0.1)
        ceiling = await _ceiling(node_root, hub_url, rounds)
        value = await _app_path(ws, node_root, root / "hub", rounds)
    finally:
        node_broker.stop()
        hub_broker.stop()
    p99, c99 = percentile(value, 99) * 1000, percentile(ceiling, 99) * 1000
    return Figure(
        name="hub.propagation",
        value=p99,
        unit="ms p99",
        ceiling=c99,
        goal=GOAL,
        what=(
            f"node write (sync of {K} persons) -> new aggregate version listed by the hub's API, "
            f"{rounds} rounds, registry aggregate round every {INTERVAL} s"
        ),
        ceiling_what="COALITION publish at the node -> delivered from the hub's sourced NODE_SE",
        extras={
            "p50_ms": round(percentile(value, 50) * 1000, 1),
            "p99_ms": round(p99, 1),
            "ceiling_p50_ms": round(percentile(ceiling, 50) * 1000, 2),
            "ceiling_p99_ms": round(c99, 2),
            "aggregate_interval_s": INTERVAL,
        },
        ratio_of="ceiling/value",
    )
