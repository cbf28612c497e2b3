"""``registry.get_person``: authenticated, audited ``GET /v1/persons/{id}`` vs a bare FastAPI app.

Both apps run the same way (``python -m uvicorn --factory``, uvloop, httptools, one worker) and
take the same load from a separate process (``bench._load``): a fixed number of requests in
flight for a fixed time. The registry reads a row, decrypts three fields, writes an audit row
and commits per request; the bare app returns a dict of the same shape.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

import httpx
import orjson

from bench._common import ROOT, Figure, UvicornServer, Workspace, person

GOAL = 0.5
SEEDED = 1000


async def _load(
    server: UvicornServer, paths: list[str], headers: dict[str, str], **config: Any
) -> dict[str, Any]:
    """Run the load generator in its own process against ``server``; return its report."""
    assert server.process is not None
    payload = {"url": server.url, "paths": paths, "headers": headers,
               "server_pid": server.process.pid, **config}  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench._load", cwd=ROOT, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(
            proc.communicate(orjson.dumps(payload)), config["seconds"] + 60
        )
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed: {err.decode()[-2000:]}")
    result: dict[str, Any] = orjson.loads(out)
    if result["failures"]:
        raise RuntimeError(f"non-200 answers under load: {result['failures']}")
    return result


async def _seed(url: str, headers: dict[str, str]) -> list[str]:
    body = {"records": [person(n) for n in range(SEEDED)]}
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        resp = await client.put("/v1/sync/persons", json=body, headers=headers)
        resp.raise_for_status()
        ids = [r["id"] for r in resp.json()["results"]]
        check = await client.get(f"/v1/persons/{ids[0]}", headers=headers)
        check.raise_for_status()
    return ids


async def run(
    ws: Workspace,
    *,
    seconds: float = 3.0,
    rounds: int = 3,
    concurrency: int = 32,
    client: str = "raw",
) -> Figure:
    """Measure registry GETs and the bare app's in alternating rounds; keep each side's best.

    Alternating rounds, best of each, so that a burst of other work on the machine depresses
    one round rather than one side of the ratio.
    """
    config = {
        "concurrency": concurrency, "seconds": seconds, "max_requests": 10_000_000,
        "warmup": 1.0, "client": client,
    }  # fmt: skip
    bare = await ws.uvicorn("bare", "bench._bare_app:create", {})
    env = ws.registry_env(await ws.database("get"))
    registry = await ws.uvicorn("registry-get", "concordia.registry.app:main", env)
    bare_paths = [f"/v1/persons/{uuid.uuid4()}" for _ in range(SEEDED)]
    registry_paths = [f"/v1/persons/{i}" for i in await _seed(registry.url, ws.auth)]
    await asyncio.sleep(1.0)  # let the relay publish the seed's events before measuring
    ceilings, figures = [], []
    for _ in range(rounds):
        ceilings.append(await _load(bare, bare_paths, ws.auth, **config))
        figures.append(await _load(registry, registry_paths, ws.auth, **config))
    await ws.stop(bare)
    await ws.stop(registry)
    ceiling = max(ceilings, key=lambda r: r["rps"])
    figure = max(figures, key=lambda r: r["rps"])
    return Figure(
        name="registry.get_person",
        value=figure["rps"],
        unit="requests/s",
        ceiling=ceiling["rps"],
        goal=GOAL,
        what=f"audited GET of a person, {concurrency} in flight, best of {rounds} x {seconds:g} s",
        ceiling_what="bare FastAPI GET route returning a same-shape dict, same uvicorn setup",
        extras={
            "p50_ms": figure["p50_ms"],
            "p99_ms": figure["p99_ms"],
            "ceiling_p50_ms": ceiling["p50_ms"],
            "ceiling_p99_ms": ceiling["p99_ms"],
            "rounds_rps": [round(r["rps"]) for r in figures],
            "ceiling_rounds_rps": [round(r["rps"]) for r in ceilings],
            "server_cpu": figure["server_cpu"],
            "ceiling_server_cpu": ceiling["server_cpu"],
            "client": f"{client} (cpu {max(r['client_cpu'] for r in figures + ceilings)})",
        },
    )
