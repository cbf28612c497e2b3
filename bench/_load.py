"""A closed-loop HTTP load generator, run as its own process: ``python -m bench._load``.

It reads its configuration as JSON on stdin (which keeps the token out of the process list):
``url``, ``paths`` (cycled), ``headers``, ``concurrency`` (requests in flight), ``seconds`` and
``max_requests`` (whichever ends first), ``warmup`` seconds, ``client`` and ``server_pid``
(whose CPU use it reports). It prints one JSON object: requests, seconds, requests/s, latency
percentiles, and the CPU share of the client and of the server.

``client="raw"`` (the default) speaks keep-alive HTTP/1.1 over asyncio streams on uvloop, at a
small fraction of httpx's CPU per request, so that on a small machine the generator is not what
limits the server under test. ``client="httpx"`` uses one ``httpx.AsyncClient`` instead; with
32 requests in flight its connection pool, not the server, is the limit (about 250 requests/s
here, against 4,000+ from the raw client on the same bare app), so it is kept only to compare.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import orjson
import uvloop

Request = Callable[[str], Awaitable[int]]


class _RawConnection:
    """One keep-alive HTTP/1.1 connection; responses must carry Content-Length."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.head}\r\n"
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length:
            await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _cpu_seconds(pid: int | None) -> float:
    """CPU time used so far by process ``pid`` (all threads), from /proc; 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _run(config: dict[str, Any]) -> dict[str, Any]:
    url = urlsplit(config["url"])
    concurrency = int(config["concurrency"])
    paths = itertools.cycle(config["paths"])
    closers: list[Callable[[], Awaitable[None]]] = []
    requesters: list[Request] = []
    if config.get("client", "raw") == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        client = httpx.AsyncClient(
            base_url=config["url"], headers=config["headers"], limits=limits, timeout=30
        )
        closers.append(client.aclose)

        async def via_httpx(path: str) -> int:
            return (await client.get(path)).status_code

        requesters = [via_httpx] * concurrency
    else:
        for _ in range(concurrency):
            conn = _RawConnection(url.hostname or "127.0.0.1", url.port or 80, config["headers"])
            closers.append(conn.close)
            requesters.append(conn.get)

    latencies: list[float] = []
    failures: dict[int, int] = {}
    deadline = 0.0
    remaining = int(config["max_requests"])
    measuring = False

    async def worker(request: Request) -> None:
        nonlocal remaining
        while time.perf_counter() < deadline and (not measuring or remaining > 0):
            if measuring:
                remaining -= 1
            started = time.perf_counter()
            status = await request(next(paths))
            if measuring:
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    failures[status] = failures.get(status, 0) + 1
            elif status != 200:
                raise RuntimeError(f"warm-up request answered {status}")

    try:
        deadline = time.perf_counter() + float(config.get("warmup", 1.0))
        await asyncio.gather(*(worker(r) for r in requesters))
        measuring = True
        server = _cpu_seconds(config.get("server_pid"))
        started, cpu = time.perf_counter(), time.process_time()
        deadline = started + float(config["seconds"])
        await asyncio.gather(*(worker(r) for r in requesters))
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        server = _cpu_seconds(config.get("server_pid")) - server
    finally:
        for close in closers:
            await close()
    latencies.sort()

    def pct(q: float) -> float:  # nearest rank, in milliseconds
        rank = min(len(latencies) - 1, max(0, math.ceil(q / 100 * len(latencies)) - 1))
        return round(latencies[rank] * 1000, 2)

    return {
        "requests": len(latencies),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        "p50_ms": pct(50),
        "p90_ms": pct(90),
        "p99_ms": pct(99),
        "max_ms": round(latencies[-1] * 1000, 2),
        "failures": failures,
        "client_cpu": round(cpu / seconds, 2),
        "server_cpu": round(server / seconds, 2),
    }


def main() -> None:
    """Read the config from stdin, run, print the result as JSON."""
    config = orjson.loads(sys.stdin.buffer.read())
    result = uvloop.run(_run(config))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
