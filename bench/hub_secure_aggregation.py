"""``hub.secure_aggregation``: one secure round over 10 nodes and 1,000 cells.

Ten node participants (each its own NATS connection, its own Ed25519 identity, a full
``Participant``) and the hub's ``Coordinator`` run in this process on one real nats-server:
advertise, share keys, masked input, consistency check and unmask, with the differential-privacy
noise on (epsilon 1). The ceiling is the same table gathered in the clear the cheapest way over
the same broker: the hub asks each node for its plain vector (one request per node, JSON) and
sums. Both sums are checked (the secure one against the plain one within the noise). Extras:
bytes the hub sent to and received from each node in the secure round.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg

from bench._common import Figure, Workspace
from concordia.events import NatsServer
from concordia.secagg import KeyDirectory, MemoryStore, Participant, RoundHeader, key_identities
from concordia.secagg.transport import Coordinator, Responder

GOAL = 0.01
TABLE = "participants_by_gender"


class _Source:
    def __init__(self, row: list[int]) -> None:
        self.row = row

    def values(self, table: str, period: str, cells: Sequence[str]) -> list[int]:
        return self.row


def _plain_answer(row: list[int]) -> Callable[[Msg], Awaitable[None]]:
    async def answer(msg: Msg) -> None:
        await msg.respond(json.dumps({"values": row}).encode())

    return answer


async def _plain(hub: Client, nodes: list[str], cells: int) -> tuple[float, list[int]]:
    started = time.perf_counter()
    answers = await asyncio.gather(
        *(hub.request(f"bench.plain.{n}", b"{}", timeout=30) for n in nodes)
    )
    total = [0] * cells
    for answer in answers:
        for i, v in enumerate(json.loads(answer.data)["values"]):
            total[i] += v
    return time.perf_counter() - started, total


async def run(ws: Workspace, *, nodes: int = 10, cells: int = 1000, rounds: int = 3) -> Figure:
    codes = [a + b for a, b in zip("abcdefghijklmnop", "zyxwvutsrqponmlk", strict=False)][:nodes]
    rng = random.Random(20261205)
    rows = {c: [rng.randrange(0, 500) for _ in range(cells)] for c in codes}
    expected = [sum(rows[c][i] for c in codes) for i in range(cells)]
    identities = key_identities(codes)
    directory = KeyDirectory({c: i._key.public_key() for c, i in identities.items()})
    with NatsServer(store_dir=ws.path / "secagg-nats") as server:
        links = [await nats.connect(server.url, name=f"node-{c}") for c in codes]
        hub = await nats.connect(server.url, name="hub")
        try:
            for code, link in zip(codes, links, strict=True):
                await link.subscribe(f"bench.plain.{code}", cb=_plain_answer(rows[code]))
            coordinator = Coordinator(
                dict.fromkeys(codes, hub), directory, service="bench", step_timeout=60
            )
            secure: list[float] = []
            plain: list[float] = []
            traffic = None
            for n in range(rounds):
                responders = [
                    Responder(
                        link,
                        Participant(identities[c], _Source(rows[c]), MemoryStore()),
                        service="bench",
                    )
                    for c, link in zip(codes, links, strict=True)
                ]
                for r in responders:
                    await r.start()
                for link in links:
                    await link.flush()
                header = RoundHeader(
                    round=f"bench-{n}", table=TABLE, period="2026-Q4", phase="sum",
                    cells=tuple(f"c{i}" for i in range(cells)), roster=tuple(sorted(codes)),
                    threshold=nodes // 2 + 1, bound=1_000_000, epsilon=1.0,
                    expires_at=datetime.now(UTC) + timedelta(minutes=10),
                )  # fmt: skip
                started = time.perf_counter()
                outcome = await coordinator.run(header)
                secure.append(time.perf_counter() - started)
                if outcome.result is None:
                    raise RuntimeError(f"secure round failed: {outcome.failure}")
                noise = [a - b for a, b in zip(outcome.result.values, expected, strict=True)]
                if max(abs(x) for x in noise) > 100:
                    raise RuntimeError("the secure sum is not the plain sum within the noise")
                traffic = outcome.traffic
                for r in responders:
                    await r.stop()
                seconds, total = await _plain(hub, codes, cells)
                if total != expected:
                    raise RuntimeError("the plain sum is wrong")
                plain.append(seconds)
        finally:
            for client in [*links, hub]:
                await client.close()
    assert traffic is not None
    secure_ms, plain_ms = 1000 * min(secure), 1000 * min(plain)
    plain_bytes = len(json.dumps({"values": rows[codes[0]]}))
    sent = max(traffic.sent.values())
    received = max(traffic.received.values())
    return Figure(
        name="hub.secure_aggregation",
        value=secure_ms,
        unit="ms/round",
        ceiling=plain_ms,
        goal=GOAL,
        ratio_of="ceiling/value",
        what=f"one secure-aggregation round (5 steps, double masking, DP noise) over {nodes} "
        f"nodes and {cells:,} cells on one nats-server, nodes simulated in this process "
        f"(best of {rounds})",
        ceiling_what="the same vectors gathered in the clear: one JSON request per node over "
        "the same broker, summed at the hub",
        extras={"nodes": nodes, "cells": cells, "hub_to_node_bytes": sent,
                "node_to_hub_bytes": received, "plain_bytes_per_node": plain_bytes},
    )  # fmt: skip
