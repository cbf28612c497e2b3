"""``hub.scale``: the hub's ingest with 30 countries, against the same run with 3.

A generated coalition on real processes: the hub's nats-server and one nats-server per node,
each joined to the hub by its leaf connection (mutual TLS), the hub service under uvicorn in
sourced mode (each ``NODE_<CODE>`` sources the node's ``SHARED_<CODE>`` over the leaf). Each
node stands in for its services: every ``PERIOD`` s (its own phase) it releases ``TABLES``
snapshot tables (the built-in code lists, one cell per code and a total) into its
``SHARED_<CODE>`` as its COALITION user, as the outbox relay does, for ``settle`` s (not
sampled: the hub's first half minute with new links shows in the timeline) and then
``seconds`` s. A watcher polls the hub's ``/v1/aggregates`` every ``POLL`` s; one sample is a
release's time from its publish at the node until the hub's API lists it. Afterwards: what the
hub refused, what never arrived (lost), the hub's CPU (over the whole run) and peak memory.

The value is the p99 with 30 nodes, the ceiling the p99 with 3 nodes (the hub linked to those
3 only), in the same run; ratio = ceiling / value. The issue's absolute goal is p99 < 500 ms
with 30 nodes (``extras.p99_goal_met``).

On PostgreSQL (``hub.scale.pg``) the 30-node run is repeated with two hub replicas on the same
database (the deployment's shape: both bind the same durable consumers), written as
``hub.scale.replicas.pg``: two replicas' p99 against one replica's. Whether a replica killed
mid-ingest loses or doubles a snapshot is a test (tests/federation/test_hub_replicas.py).
"""

from __future__ import annotations

import asyncio
import random
import time
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import nats
from nats.aio.client import Client

from bench._common import Figure, UvicornServer, Workspace, _migrate, percentile, pg_database
from bench.hub_propagation import HUB_DIR, Broker
from concordia.cli._coalition import join_hub
from concordia.cli.hubinit import init_hub
from concordia.cli.nodeinit import init_node, service_env
from concordia.core.auth import TokenStore
from concordia.events import (
    BUILT_IN_CODE_LISTS,
    AggregateSnapshotPublished,
    Cell,
    Envelope,
    ensure_streams,
    shared_stream,
)
from concordia.events.aggregates import ALL
from concordia.events.natsserver import free_port

#: 30 countries (the issue's figure); the ceiling runs the first 3.
CODES = (
    "at", "be", "bg", "ch", "cy", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr", "hr", "hu",
    "ie", "is", "it", "lt", "lu", "lv", "mt", "nl", "no", "pl", "pt", "ro", "se", "si", "sk",
)  # fmt: skip
FEW = 3
PERIOD = 3.0  # seconds between a node's releases
TABLES = ("gender", "permit_status", "federal_district", "profession")  # one table each
POLL = 0.05  # the watcher's polling interval, seconds
P99_GOAL_MS = 500.0  # the goal with 30 nodes
GOAL = 0.5  # 30 nodes' p99 within 2x of 3 nodes'


@dataclass
class Run:
    """What one phase measured."""

    samples: list[float] = field(default_factory=list)
    #: Publish at the node -> the hub's handler took it (its ``received_at``): the broker path
    #: plus the wait for the hub's consumer, without the commit and the API.
    handled: list[float] = field(default_factory=list)
    published: int = 0
    stored: int = 0
    lost: int = 0
    refused: int = 0
    cpu_percent: float = 0.0
    peak_rss_mb: list[float] = field(default_factory=list)
    #: The slowest release published in each second from the first (settling included), in s:
    #: a backlog or a stall.
    timeline: dict[int, float] = field(default_factory=dict)

    def extras(self, prefix: str) -> dict[str, Any]:
        """This run's figures as ``extras`` entries."""
        return {
            f"{prefix}_p50_ms": round(percentile(self.samples, 50) * 1000, 1),
            f"{prefix}_p99_ms": round(percentile(self.samples, 99) * 1000, 1),
            f"{prefix}_to_handler_p50_ms": round(percentile(self.handled, 50) * 1000, 1),
            f"{prefix}_to_handler_p99_ms": round(percentile(self.handled, 99) * 1000, 1),
            f"{prefix}_published": self.published,
            f"{prefix}_stored": self.stored,
            f"{prefix}_lost": self.lost,
            f"{prefix}_refused": self.refused,
            f"{prefix}_hub_cpu_percent": round(self.cpu_percent, 1),
            f"{prefix}_hub_peak_rss_mb": [round(m, 1) for m in self.peak_rss_mb],
            f"{prefix}_worst_by_second_s": self.timeline,
        }


def _table(code: str, dimension: str, version: int) -> AggregateSnapshotPublished:
    """One release of node ``code``'s table on ``dimension``: a count per code and a total."""
    rng = random.Random(f"{code}{dimension}{version}")
    counts = {c: 5 * rng.randint(2, 200) for c in BUILT_IN_CODE_LISTS[dimension]}
    return AggregateSnapshotPublished(
        node=code, service="registry", aggregate=f"persons_by_{dimension}", period="2026-Q4",
        version=version, charter_version="default", dimensions=(dimension,),
        cells=tuple(Cell(key=(c,), value=v) for c, v in counts.items()),
        margins=(Cell(key=(ALL,), value=sum(counts.values())),),
    )  # fmt: skip


def _ports(count: int) -> list[int]:
    """``count`` distinct free ports (``free_port`` alone may hand one out twice before the
    servers bind them)."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


class Coalition:
    """The hub's broker and 30 node brokers on generated configs, leafs up."""

    def __init__(self, root: Path) -> None:
        self.root = root
        ports = iter(_ports(3 + 2 * len(CODES)))
        hub_monitor, leaf_port = next(ports), next(ports)
        init_hub(root / "hub", port=next(ports), monitor_port=hub_monitor, leaf_port=leaf_port)
        self.hub = Broker(root / "hub" / "nats.conf", hub_monitor)
        self.nodes: dict[str, Path] = {}
        self.brokers: list[Broker] = []
        for code in CODES:
            monitor = next(ports)
            files = init_node(
                root / code, code, f"Benchland {code.upper()}", port=next(ports),
                monitor_port=monitor, hub_leaf_url=f"nats-leaf://127.0.0.1:{leaf_port}",
                hub_ca=root / "hub" / "leaf-ca.pem",
            )  # fmt: skip
            join_hub(root / "hub", files.root)  # its leaf client certificate, installed
            self.nodes[code] = files.root
            self.brokers.append(Broker(files.conf, monitor))

    async def start(self) -> None:
        """Start every broker; wait for all leaf connections."""
        await asyncio.to_thread(self.hub.start)
        for broker in self.brokers:
            await asyncio.to_thread(broker.start)
        deadline = time.monotonic() + 60
        while (await asyncio.to_thread(self.hub.leafs)) < len(self.brokers):
            if time.monotonic() > deadline:
                raise RuntimeError("not every node's leaf connection came up")
            await asyncio.sleep(0.2)

    def stop(self) -> None:
        """Stop every broker."""
        for broker in [*self.brokers, self.hub]:
            broker.stop()

    def nodes_dir(self, codes: tuple[str, ...]) -> Path:
        """A nodes directory naming only ``codes`` (as ``concordia hub add-node`` wrote it)."""
        target = self.root / "hub" / f"nodes-{len(codes)}"
        target.mkdir(exist_ok=True)
        for code in codes:
            source = self.root / "hub" / "nodes" / f"{code}.json"
            (target / source.name).write_text(source.read_text())
        return target


class Nodes:
    """Each node's COALITION connection, releasing its tables; a version counter per table."""

    def __init__(self, coalition: Coalition) -> None:
        self.coalition = coalition
        self.clients: dict[str, Client] = {}
        #: The next version of each (node, table); kept across phases (subjects stay unique).
        self.versions: dict[tuple[str, str], int] = {}
        #: (node, aggregate, version) -> when it was published, this phase.
        self.sent: dict[tuple[str, str, int], float] = {}
        #: The same, as wall-clock time (to compare with the hub's ``received_at``).
        self.sent_at: dict[tuple[str, str, int], float] = {}

    async def connect(self) -> None:
        """Connect as each node's registry (COALITION user); its SHARED_<CODE> exists."""
        for code, root in self.coalition.nodes.items():
            url = service_env(root, "registry")["CONCORDIA_NATS_SHARED_URL"]
            client = await nats.connect(url, name=f"bench-scale-{code}")
            self.clients[code] = client
            await ensure_streams(client.jetstream(timeout=5), [shared_stream(code)])

    async def close(self) -> None:
        """Close every connection."""
        for client in self.clients.values():
            await client.close()

    async def release(self, code: str) -> None:
        """Publish one release of every table of ``code``."""
        js = self.clients[code].jetstream(timeout=10)
        for dimension in TABLES:
            version = self.versions.get((code, dimension), 0) + 1
            self.versions[(code, dimension)] = version
            envelope = Envelope.wrap(_table(code, dimension, version), node=code)
            key = (code, f"persons_by_{dimension}", version)
            self.sent[key], self.sent_at[key] = time.perf_counter(), time.time()
            await js.publish(
                envelope.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": envelope.id}
            )

    async def releasing(self, codes: tuple[str, ...], seconds: float) -> None:
        """Every node of ``codes`` releases every ``PERIOD`` s, each on its own phase."""

        async def one(code: str) -> None:
            await asyncio.sleep(random.uniform(0, PERIOD))
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                await self.release(code)
                await asyncio.sleep(max(0.0, PERIOD - (time.perf_counter() - started)))

        await asyncio.gather(*(one(code) for code in codes))


async def _watch(
    client: httpx.AsyncClient, token: str, nodes: Nodes, seen: dict[tuple[str, str, int], float],
    stop: asyncio.Event,
) -> None:  # fmt: skip
    """Poll the hub's newest versions; a listed version marks it and every older one seen."""
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        response = await client.get("/v1/aggregates", params={"limit": 10_000}, headers=headers)
        response.raise_for_status()
        now = time.perf_counter()
        newest = {(s["node"], s["aggregate"]): s["version"] for s in response.json()}
        for key in [k for k in nodes.sent if k not in seen]:
            if newest.get(key[:2], 0) >= key[2]:
                seen[key] = now
        await asyncio.sleep(POLL)


async def _phase(
    ws: Workspace, coalition: Coalition, nodes: Nodes, codes: tuple[str, ...], *,
    database: str, replicas: int, seconds: float, settle: float, name: str,
) -> Run:  # fmt: skip
    """The hub (``replicas`` processes) linked to ``codes``; they release for ``settle`` s
    (not sampled: the links' first minute) and then ``seconds`` s."""
    hub_root = coalition.root / "hub"
    tokens = hub_root / "tokens.json"
    reader = TokenStore(tokens).create(f"bench-{name}", {"hub:read"})
    env = {
        "CONCORDIA_ENV": "test", "CONCORDIA_HUB_DATABASE_URL": database,
        "CONCORDIA_TOKENS_FILE": str(tokens),
        "CONCORDIA_HUB_NODES_DIR": str(coalition.nodes_dir(codes)),
        "CONCORDIA_HUB_STREAM_MODE": "sourced", "CONCORDIA_HUB_LOG_LEVEL": "WARNING",
    }  # fmt: skip
    hubs: list[UvicornServer] = list(
        await asyncio.gather(
            *(ws.uvicorn(f"{name}-{i}", "concordia.hub.app:main", env) for i in range(replicas))
        )
    )
    run, stop = Run(), asyncio.Event()
    seen: dict[tuple[str, str, int], float] = {}
    nodes.sent.clear()
    nodes.sent_at.clear()
    try:
        async with httpx.AsyncClient(base_url=hubs[0].url, timeout=30) as client:
            # Warm-up: one release of each node, listed by the hub (links, streams, consumers).
            for code in codes:
                await nodes.release(code)
            watcher = asyncio.create_task(_watch(client, reader, nodes, seen, stop))
            async with asyncio.timeout(120):
                while len(seen) < len(nodes.sent):  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
            warm = set(nodes.sent)
            cpu = sum(h.cpu_seconds() for h in hubs)
            started = time.perf_counter()
            await nodes.releasing(codes, settle + seconds)
            try:  # drain: whatever is not listed within a minute counts as lost
                async with asyncio.timeout(60):
                    while len(seen) < len(nodes.sent):  # noqa: ASYNC110
                        await asyncio.sleep(0.1)
            except TimeoutError:
                pass
            elapsed = time.perf_counter() - started
            run.cpu_percent = 100 * (sum(h.cpu_seconds() for h in hubs) - cpu) / elapsed
            stop.set()
            await watcher
            measured = started + settle  # releases from then on are the samples
            run.samples = [
                seen[k] - t for k, t in nodes.sent.items()
                if k in seen and k not in warm and t >= measured
            ]  # fmt: skip
            run.published = len(nodes.sent)
            worst: dict[int, float] = {}
            for k, t in nodes.sent.items():
                if k in seen and k not in warm:
                    second = int(t - started)
                    worst[second] = max(worst.get(second, 0.0), seen[k] - t)
            run.timeline = {second: round(worst[second], 2) for second in sorted(worst)}
            run.lost = len(nodes.sent) - len(seen)
            headers = {"Authorization": f"Bearer {reader}"}
            history = await client.get(
                "/v1/aggregates", params={"history": "true", "limit": 10_000}, headers=headers
            )
            history.raise_for_status()
            run.stored = len(history.json())
            run.handled = [
                datetime.fromisoformat(s["received_at"]).timestamp() - nodes.sent_at[key]
                for s in history.json()
                if (key := (s["node"], s["aggregate"], s["version"])) in nodes.sent_at
                and key not in warm
            ]
            listed = await client.get("/v1/nodes", headers=headers)
            listed.raise_for_status()
            run.refused = sum(n["refused"] for n in listed.json())
        run.peak_rss_mb = [h.peak_rss_mb() for h in hubs]
    finally:
        stop.set()
        for hub in hubs:
            await ws.stop(hub)
    if not run.samples:
        raise RuntimeError(f"{name}: no release reached the hub's API")
    return run


async def _database(ws: Workspace, pg: bool, name: str) -> AbstractAsyncContextManager[str]:
    if pg:
        return pg_database(name, HUB_DIR)
    url = f"sqlite:///{ws.path / f'{name}.db'}"
    await asyncio.to_thread(_migrate, url, HUB_DIR)
    return nullcontext(url)


async def run(
    ws: Workspace, *, seconds: float = 60.0, settle: float = 30.0, pg: bool = False
) -> list[Figure]:
    """3 nodes, then 30 (then, on PostgreSQL, 30 with two hub replicas), one coalition."""
    suffix = ".pg" if pg else ""
    coalition = Coalition(ws.path / f"scale{suffix.replace('.', '-')}")
    nodes = Nodes(coalition)
    runs: dict[str, Run] = {}
    try:
        await coalition.start()
        await nodes.connect()
        phases = [("few", CODES[:FEW], 1), ("all", CODES, 1)] + ([("two", CODES, 2)] if pg else [])
        for key, codes, replicas in phases:
            name = f"hub-scale-{key}{suffix.replace('.', '-')}"
            async with await _database(ws, pg, name) as database:
                runs[key] = await _phase(
                    ws, coalition, nodes, codes, database=database, replicas=replicas,
                    seconds=seconds, settle=settle, name=name,
                )  # fmt: skip
    finally:
        await nodes.close()
        await asyncio.to_thread(coalition.stop)
    few, many = runs["few"], runs["all"]
    p99, c99 = percentile(many.samples, 99) * 1000, percentile(few.samples, 99) * 1000
    what = (
        f"{len(CODES)} nodes (own nats-server, leaf connection) each releasing {len(TABLES)} "
        f"tables every {PERIOD:g} s for {seconds:g} s after {settle:g} s unsampled -> listed by "
        f"the hub's API (polled every {POLL * 1000:.0f} ms), one hub process"
    )
    figures = [
        Figure(
            name=f"hub.scale{suffix}",
            value=p99,
            unit="ms p99",
            ceiling=c99,
            goal=GOAL,
            what=what,
            ceiling_what=f"the same with {FEW} nodes (the hub linked to those only)",
            extras={
                **many.extras("nodes30"),
                **few.extras("nodes3"),
                "p99_goal_ms": P99_GOAL_MS,
                "p99_goal_met": p99 < P99_GOAL_MS,
            },
            ratio_of="ceiling/value",
        )
    ]
    if "two" in runs:
        two = runs["two"]
        t99 = percentile(two.samples, 99) * 1000
        figures.append(
            Figure(
                name="hub.scale.replicas.pg",
                value=t99,
                unit="ms p99",
                ceiling=p99,
                goal=GOAL,
                what=what.replace("one hub process", "two hub replicas, one database"),
                ceiling_what="the same with one hub process",
                extras={**two.extras("replicas2"), **many.extras("replicas1")},
                ratio_of="ceiling/value",
            )
        )
    return figures
