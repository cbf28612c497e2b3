"""``exchange.replication``: a practice published at one node until another node's search finds it.

The whole path, on generated configs and real processes: the hub (its nats-server with an
account per country, the hub service under uvicorn relaying broadcasts) and two nodes, SE and
PL (each its nats-server with LOCAL and COALITION accounts and a TLS leaf to the hub). SE runs
its registry (which screens) and its exchange, PL its exchange, all under uvicorn. One round: at
SE, ``POST /v1/practices``, ``/submit`` and ``/approve`` (four eyes: another token) of a
practice whose title holds a word no other practice has; from the approval's answer, poll PL's
``GET /v1/practices?q=<word>`` until it lists the practice. In between: SE's outbox relay into
``SHARED_SE``, the hub's ``NODE_SE`` sourcing it, the hub's broadcast relay into
``BROADCAST_PL``, PL's ``INBOUND_PL`` sourcing that through the hub's domain, PL's inbox
consumer, the replica's revision and its search index.

The ceiling is the broker path alone in the same topology, hub relay included: the same kind of
bytes (a ``PracticeRevisionPublished`` envelope of the same practice text, on its own subject)
published as SE's ``exchange-shared`` user until a consumer of PL's ``INBOUND_PL`` (PL's
``exchange-shared`` user) receives it; the exchanges are stopped by then. The figure's value is
the p99 in ms; the ratio is ceiling p99 / value p99.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
from nats.js.api import ConsumerConfig, DeliverPolicy

from bench._common import REGISTRY_DIR, ROOT, Figure, Workspace, _migrate, percentile
from bench.hub_propagation import HUB_DIR, Broker
from concordia.cli._coalition import join_hub
from concordia.cli.hubinit import init_hub
from concordia.cli.nodeinit import init_node, service_env
from concordia.core.auth import TokenStore
from concordia.events import Envelope, PracticeRevisionPublished
from concordia.events.natsserver import free_port

EXCHANGE_DIR = ROOT / "services" / "exchange"
ORIGIN, PEER = "se", "pl"
GOAL = 0.1  # p99 of the whole path within 10x of the broker path (hub relay included) alone
_BODY = (
    "## What we did\nSynthetic benchmark text. A dedicated desk checked the employer letter and "
    "the risk assessment together, and issued the work permit within ten working days. "
) * 6


def _practice(word: str) -> dict[str, Any]:
    return {
        "title": f"Benchmark practice {word}: a fast track for work permits",
        "summary": "Synthetic summary of a permit track for threatened journalists.",
        "body": _BODY, "topic": "work_permits", "standing": "pilot", "country": "SE",
        "language": "en", "tags": ["bench"], "author_role": "migration_ministry",
        "translations": [],
    }  # fmt: skip


def _word() -> str:
    """A word no other practice holds (letters only, so every engine indexes it whole)."""
    return "rq" + "".join(random.choices("bcdfghjklmnpqrstvwxz", k=10))


def _topology(root: Path) -> tuple[Broker, dict[str, Broker], dict[str, Path]]:
    """Generate the hub and nodes SE and PL (TLS leafs); return brokers and node directories."""
    hub_monitor, leaf_port = free_port(), free_port()
    init_hub(root / "hub", port=free_port(), monitor_port=hub_monitor, leaf_port=leaf_port)
    brokers, roots = {}, {}
    for code in (ORIGIN, PEER):
        monitor = free_port()
        files = init_node(
            root / code, code, f"Benchland {code.upper()}", port=free_port(),
            monitor_port=monitor, hub_leaf_url=f"nats-leaf://127.0.0.1:{leaf_port}",
            hub_ca=root / "hub" / "leaf-ca.pem",
        )  # fmt: skip
        join_hub(root / "hub", files.root)  # added, its leaf client certificate installed
        brokers[code], roots[code] = Broker(files.conf, monitor), files.root
    return Broker(root / "hub" / "nats.conf", hub_monitor), brokers, roots


def _env(root: Path, service: str, **extra: str) -> dict[str, str]:
    prefix = f"CONCORDIA_{service.upper()}_"
    return {**service_env(root, service), f"{prefix}LOG_LEVEL": "WARNING",
            f"{prefix}AGGREGATE_INTERVAL_SECONDS": "3600", **extra}  # fmt: skip


async def _start_hub(ws: Workspace, hub_root: Path) -> Any:
    hub_db = f"sqlite:///{hub_root / 'hub.db'}"
    await asyncio.to_thread(_migrate, hub_db, HUB_DIR)
    return await ws.uvicorn("exrep-hub", "concordia.hub.app:main", {
        "CONCORDIA_ENV": "test", "CONCORDIA_HUB_DATABASE_URL": hub_db,
        "CONCORDIA_TOKENS_FILE": str(hub_root / "tokens.json"),
        "CONCORDIA_HUB_NODES_DIR": str(hub_root / "nodes"),
        "CONCORDIA_HUB_STREAM_MODE": "sourced", "CONCORDIA_HUB_LOG_LEVEL": "WARNING",
    })  # fmt: skip


async def _found(client: httpx.AsyncClient, token: str, word: str, pid: str) -> bool:
    answer = await client.get(
        "/v1/practices", params={"q": word}, headers={"Authorization": f"Bearer {token}"}
    )
    answer.raise_for_status()
    return any(item["id"] == pid for item in answer.json()["items"])


async def _app_path(ws: Workspace, roots: dict[str, Path], rounds: int) -> list[float]:
    """Seconds from SE's approval answer until PL's search lists the practice."""
    se, pl = roots[ORIGIN], roots[PEER]
    se_tokens = TokenStore(Path(service_env(se, "exchange")["CONCORDIA_TOKENS_FILE"]))
    editor = se_tokens.create("bench-editor", {"exchange:read", "exchange:write"})
    approver = se_tokens.create("bench-approver", {"exchange:read", "exchange:approve"})
    screen = se_tokens.create("bench-screen", {"registry:screen"})
    reader = TokenStore(Path(service_env(pl, "exchange")["CONCORDIA_TOKENS_FILE"])).create(
        "bench-reader", {"exchange:read"}
    )
    for root, services in ((se, ("registry", "exchange")), (pl, ("exchange",))):
        for service in services:
            url = service_env(root, service)[f"CONCORDIA_{service.upper()}_DATABASE_URL"]
            directory = REGISTRY_DIR if service == "registry" else EXCHANGE_DIR
            await asyncio.to_thread(_migrate, url, directory)
    registry = await ws.uvicorn("exrep-registry-se", "concordia.registry.app:main",
                                _env(se, "registry"))  # fmt: skip
    origin = await ws.uvicorn("exrep-exchange-se", "concordia.exchange.app:main", _env(
        se, "exchange", CONCORDIA_EXCHANGE_REGISTRY_URL=registry.url,
        CONCORDIA_EXCHANGE_REGISTRY_TOKEN=screen,
    ))  # fmt: skip
    peer = await ws.uvicorn(
        "exrep-exchange-pl", "concordia.exchange.app:main", _env(pl, "exchange")
    )
    samples: list[float] = []
    as_editor = {"Authorization": f"Bearer {editor}"}
    try:
        async with (
            httpx.AsyncClient(base_url=origin.url, timeout=30) as at_se,
            httpx.AsyncClient(base_url=peer.url, timeout=30) as at_pl,
        ):
            for n in range(rounds + 1):  # round 0 warms up (streams, sources, consumers)
                word = _word()
                made = await at_se.post("/v1/practices", json=_practice(word), headers=as_editor)
                made.raise_for_status()
                pid = made.json()["id"]
                (
                    await at_se.post(f"/v1/practices/{pid}/submit", headers=as_editor)
                ).raise_for_status()
                approved = await at_se.post(
                    f"/v1/practices/{pid}/approve", json={},
                    headers={"Authorization": f"Bearer {approver}"},
                )  # fmt: skip
                approved.raise_for_status()
                published = time.perf_counter()
                try:
                    async with asyncio.timeout(120):
                        while not await _found(at_pl, reader, word, pid):  # noqa: ASYNC110
                            await asyncio.sleep(0.005)
                except TimeoutError:
                    raise RuntimeError(
                        f"round {n}: practice {pid} not found at {PEER} in 120 s; "
                        f"{PEER}'s log: {peer.tail(1500)}"
                    ) from None
                if n:
                    samples.append(time.perf_counter() - published)
                await asyncio.sleep(random.uniform(0, 0.25))
    finally:
        for server in (peer, origin, registry):
            await ws.stop(server)
    return samples


async def _ceiling(roots: dict[str, Path], rounds: int) -> list[float]:
    """Seconds from a publish at SE's COALITION until a consumer of PL's INBOUND_PL has it."""
    se_url = service_env(roots[ORIGIN], "exchange")["CONCORDIA_NATS_SHARED_URL"]
    pl_url = service_env(roots[PEER], "exchange")["CONCORDIA_NATS_SHARED_URL"]
    origin = await nats.connect(se_url, name="bench-exrep-origin")
    peer = await nats.connect(pl_url, name="bench-exrep-peer")
    try:
        ojs, pjs = origin.jetstream(timeout=10), peer.jetstream(timeout=10)
        sub = await pjs.pull_subscribe(
            f"shared.{ORIGIN}.broadcast.>", durable="bench-ceiling",
            stream=f"INBOUND_{PEER.upper()}",
            config=ConsumerConfig(deliver_policy=DeliverPolicy.NEW),
        )  # fmt: skip
        samples = []
        for n in range(rounds + 1):
            now = datetime.now(UTC)
            text = _practice(_word())
            event = PracticeRevisionPublished(
                node=ORIGIN, practice=uuid.uuid4().hex, revision=1, attachments=[],
                created_at=now, published_at=now,
                **{k: v for k, v in text.items() if k != "translations"}, translations=[],
            )  # fmt: skip
            envelope = Envelope.wrap(event, node=ORIGIN)
            sent = time.perf_counter()
            await ojs.publish(envelope.subject, envelope.to_bytes(),
                              headers={"Nats-Msg-Id": envelope.id})  # fmt: skip
            async with asyncio.timeout(120):
                while True:
                    with contextlib.suppress(nats.errors.TimeoutError):
                        got = await sub.fetch(1, timeout=5)
                        await got[0].ack()
                        if got[0].subject == envelope.subject:
                            break
            if n:
                samples.append(time.perf_counter() - sent)
            await asyncio.sleep(random.uniform(0, 0.25))
        return samples
    finally:
        await origin.close()
        await peer.close()


async def run(ws: Workspace, rounds: int = 60) -> Figure:
    """Measure the exchange's path and the broker path in the same topology."""
    root = ws.path / "exchange-replication"
    hub_broker, brokers, roots = _topology(root)
    hub_broker.start()
    for broker in brokers.values():
        broker.start()
    hub = None
    try:
        deadline = time.monotonic() + 20
        while hub_broker.leafs() < len(brokers):
            if time.monotonic() > deadline:
                raise RuntimeError("the nodes' leaf connections did not come up")
            await asyncio.sleep(0.1)
        hub = await _start_hub(ws, root / "hub")
        value = await _app_path(ws, roots, rounds)
        ceiling = await _ceiling(roots, rounds)
    finally:
        if hub is not None:
            await ws.stop(hub)
        for broker in (*brokers.values(), hub_broker):
            broker.stop()
    p99, c99 = percentile(value, 99) * 1000, percentile(ceiling, 99) * 1000
    return Figure(
        name="exchange.replication", value=p99, unit="ms p99", ceiling=c99, goal=GOAL,
        what=(f"practice approved at {ORIGIN.upper()} -> listed by {PEER.upper()}'s search "
              f"(GET /v1/practices?q=), through the hub, {rounds} rounds"),
        ceiling_what=(f"the same kind of envelope published at {ORIGIN.upper()}'s COALITION -> "
                      f"fetched from {PEER.upper()}'s INBOUND (hub relay included)"),
        extras={
            "p50_ms": round(percentile(value, 50) * 1000, 1), "p99_ms": round(p99, 1),
            "ceiling_p50_ms": round(percentile(ceiling, 50) * 1000, 2),
            "ceiling_p99_ms": round(c99, 2), "rounds": rounds,
        },
        ratio_of="ceiling/value",
    )  # fmt: skip
