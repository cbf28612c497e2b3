"""``registry.get_person``: authenticated, audited ``GET /v1/persons/{id}`` vs two ceilings.

The ceilings: a plain FastAPI + SQLAlchemy app reading the same row by primary key from the
same database (``bench._plain_app``: a session per request, ``session.get``, a response model),
and a bare FastAPI app returning a dict of the same shape (``bench._bare_app``). All three run
the same way (``python -m uvicorn --factory``, uvloop, httptools, one worker) and take the same
load from a separate process (``bench._load``): a fixed number of requests in flight for a fixed
time. The registry checks the token and the purpose, reads the row, decrypts four fields, and
answers once the read's entry in the hash-chained audit trail is committed (entries of
concurrent reads share a commit).
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

import httpx
import orjson

from bench._common import ROOT, Figure, UvicornServer, Workspace, person, pg_database

#: Against the plain FastAPI + SQLAlchemy read, and against the bare app.
GOAL = 0.5
GOAL_BARE = 0.25
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
    pg: bool = False,
) -> list[Figure]:
    """Measure registry GETs and both ceilings in alternating rounds; keep each side's best.

    Alternating rounds, best of each, so that a burst of other work on the machine depresses
    one round rather than one side of the ratio. With ``pg`` the registry and the plain app
    run on a fresh PostgreSQL database (figures ``<name>.pg``).
    """
    if pg:
        async with pg_database("get") as url:
            return await _run(ws, url, seconds, rounds, concurrency, client, suffix=".pg")
    return await _run(ws, await ws.database("get"), seconds, rounds, concurrency, client)


async def _run(
    ws: Workspace,
    database: str,
    seconds: float,
    rounds: int,
    concurrency: int,
    client: str,
    suffix: str = "",
) -> list[Figure]:
    config = {
        "concurrency": concurrency, "seconds": seconds, "max_requests": 10_000_000,
        "warmup": 1.0, "client": client,
    }  # fmt: skip
    bare = await ws.uvicorn("bare", "bench._bare_app:create", {})
    env = ws.registry_env(database)
    registry = await ws.uvicorn("registry-get", "concordia.registry.app:main", env)
    plain_env = {"CONCORDIA_BENCH_PLAIN_DATABASE_URL": database}
    plain = await ws.uvicorn("plain", "bench._plain_app:create", plain_env)
    bare_paths = [f"/v1/persons/{uuid.uuid4()}" for _ in range(SEEDED)]
    registry_paths = [f"/v1/persons/{i}" for i in await _seed(registry.url, ws.auth)]
    await asyncio.sleep(1.0)  # let the relay publish the seed's events before measuring
    results: dict[str, list[dict[str, Any]]] = {"bare": [], "plain": [], "registry": []}
    for _ in range(rounds):
        results["bare"].append(await _load(bare, bare_paths, ws.auth, **config))
        results["plain"].append(await _load(plain, registry_paths, ws.auth, **config))
        results["registry"].append(await _load(registry, registry_paths, ws.auth, **config))
    for server in (bare, plain, registry):
        await ws.stop(server)
    best = {name: max(rs, key=lambda r: r["rps"]) for name, rs in results.items()}
    figure = best["registry"]
    what = (
        f"audited GET of a person, {concurrency} in flight, best of {rounds} x {seconds:g} s"
        f"{' (PostgreSQL)' if suffix else ''}"
    )
    extras = {
        "p50_ms": figure["p50_ms"],
        "p99_ms": figure["p99_ms"],
        "rounds_rps": [round(r["rps"]) for r in results["registry"]],
        "server_cpu": figure["server_cpu"],
        "client": f"{client} (cpu {max(r['client_cpu'] for rs in results.values() for r in rs)})",
    }

    def ceiling_extras(name: str) -> dict[str, Any]:
        return {
            "ceiling_p50_ms": best[name]["p50_ms"],
            "ceiling_p99_ms": best[name]["p99_ms"],
            "ceiling_rounds_rps": [round(r["rps"]) for r in results[name]],
            "ceiling_server_cpu": best[name]["server_cpu"],
        }

    return [
        Figure(
            name=f"registry.get_person{suffix}",
            value=figure["rps"],
            unit="requests/s",
            ceiling=best["plain"]["rps"],
            goal=GOAL,
            what=what,
            ceiling_what="plain FastAPI + SQLAlchemy GET by primary key (async session per "
            "request, response model) on the same database, same uvicorn setup",
            extras={**extras, **ceiling_extras("plain"), "bare_rps": round(best["bare"]["rps"])},
        ),
        Figure(
            name=f"registry.get_person_bare{suffix}",
            value=figure["rps"],
            unit="requests/s",
            ceiling=best["bare"]["rps"],
            goal=GOAL_BARE,
            what=what,
            ceiling_what="bare FastAPI GET route returning a same-shape dict, same uvicorn setup",
            extras={**extras, **ceiling_extras("bare")},
        ),
    ]
