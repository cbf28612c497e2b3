"""``ledger.feed_full_pull`` and ``ledger.feed_page_depth``: the funding feed as a portal sees it.

The full pull is what a donor portal does on its first day: ``GET /v1/feed/grants`` with
``limit=10000`` over real HTTP from a uvicorn process on a seeded SQLite file (a million grants,
two transactions each), following ``next`` until a short page, parsing every page (in a
thread, while the next page is on its way). The portal asks for gzip, as HTTP clients do by
default; a portal that accepts zstd is measured too (``ledger.feed_full_pull_zstd``), and with
``identity`` the uncompressed pull. Its ceiling is a raw keyset scan of the
same tables in the same run: the same two statements per 10k page (grants with donor and
organisation joined, then the transactions of that ``feed_seq`` range) through ``sqlite3``,
rows fetched as tuples, nothing serialised. Both are durations, so the ratio is
ceiling / value: the fraction of the storage-bound speed that the HTTP feed reaches.

With ``pg`` (``ledger.feed_full_pull.pg``) the same million grants are loaded into a fresh
PostgreSQL database (binary ``COPY``) and the ledger serves them from there; the ceiling is the
same two statements per page through asyncpg, rows fetched as records, nothing serialised.

The page depth figure asks for page 1 and page 1,000 (``limit=1000``) of the same data in
alternating rounds; the ratio is page 1,000's median latency over page 1's (≈ 1 when a page
costs the same at any depth, as a keyset page should).
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time
from typing import Any

import httpx
import orjson

from bench._common import LEDGER_DIR, Figure, UvicornServer, Workspace, asyncpg_url, pg_database
from bench._ledger import Seeded, seed_pg, seeded

PULL_LIMIT = 10_000
DEPTH_PAGE = 1000
FULL_PULL_GOAL_SECONDS = 45.0
PULL_GOAL = 0.33
DEPTH_GOAL = 1.5

_GRANTS = """
SELECT g.id, g.feed_seq, g.version, g.external_id, g.recipient_type, g.title, g.description,
       g.purpose, g.horizon, g.goals, g.gender_marker, g.start_date, g.end_date, g.visibility,
       g.withdrawn_at, g.updated_at, d.id, d.identifier, d.name, d.type, d.country,
       o.id, o.identifier, o.name
FROM grants AS g
JOIN donors AS d ON d.id = g.donor_id
LEFT OUTER JOIN known_organisations AS o ON o.id = g.recipient_organisation_id
WHERE g.feed_seq > ? AND g.visibility != 'restricted'
ORDER BY g.feed_seq LIMIT ?
"""
_TRANSACTIONS = """
SELECT t.grant_id, t.id, t.external_id, t.type, t.amount, t.currency, t.value_date,
       t.description
FROM transactions AS t JOIN grants AS g ON g.id = t.grant_id
WHERE g.feed_seq > ? AND g.feed_seq <= ? AND g.visibility != 'restricted'
  AND g.withdrawn_at IS NULL
"""


def raw_scan(data: Seeded, limit: int = PULL_LIMIT) -> tuple[float, int, int]:
    """The ceiling: every visible grant and its transactions in keyset pages, as tuples."""
    conn = sqlite3.connect(data.path)
    try:
        started = time.perf_counter()
        after, grants, transactions = 0, 0, 0
        while True:
            rows = conn.execute(_GRANTS, (after, limit)).fetchall()
            if not rows:
                break
            last = rows[-1][1]
            transactions += len(conn.execute(_TRANSACTIONS, (after, last)).fetchall())
            grants += len(rows)
            after = last
            if len(rows) < limit:
                break
        return time.perf_counter() - started, grants, transactions
    finally:
        conn.close()


async def raw_scan_pg(url: str, limit: int = PULL_LIMIT) -> tuple[float, int, int]:
    """The ceiling on PostgreSQL: ``raw_scan``'s statements through asyncpg."""
    import asyncpg

    grants_sql = _GRANTS.replace("?", "$1", 1).replace("?", "$2", 1)
    transactions_sql = _TRANSACTIONS.replace("?", "$1", 1).replace("?", "$2", 1)
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        started = time.perf_counter()
        after, grants, transactions = 0, 0, 0
        while True:
            rows = await conn.fetch(grants_sql, after, limit)
            if not rows:
                break
            last = rows[-1][1]
            transactions += len(await conn.fetch(transactions_sql, after, last))
            grants += len(rows)
            after = last
            if len(rows) < limit:
                break
        return time.perf_counter() - started, grants, transactions
    finally:
        await conn.close()


def _parse(body: bytes) -> tuple[int, int]:
    """What a portal does with a page: parse it all; here, count grants and transactions."""
    items = orjson.loads(body)["items"]
    return len(items), sum(len(i.get("transactions") or ()) for i in items)


def _next(body: bytes) -> str:
    """The page's ``next`` without parsing the page: it is the body's last member."""
    at = body.rindex(b'"next":"') + len(b'"next":"')
    return body[at : body.index(b'"', at)].decode()


async def pull(
    url: str, headers: dict[str, str], *, coding: str, limit: int = PULL_LIMIT
) -> dict[str, Any]:
    """A portal's full pull: every page fetched and parsed, ``next`` followed to a short page.

    The portal parses page N in a thread while page N+1 is on its way (it reads ``next`` off
    the end of the body first), as a client on two cores would; so the figure is the feed's
    pace, not the sum of the server's and the client's.
    """
    headers = {**headers, "Accept-Encoding": coding}
    grants = transactions = pages = wire = 0
    page_seconds: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=120, headers=headers) as client:

        async def get(cursor: str) -> bytes:
            nonlocal wire
            at = time.perf_counter()
            params: dict[str, str | int] = {"after": cursor, "limit": limit}
            async with client.stream("GET", "/v1/feed/grants", params=params) as resp:
                body = await resp.aread()
                wire += resp.num_bytes_downloaded
            if resp.status_code != 200:
                raise RuntimeError(f"feed answered {resp.status_code}: {body[:500]!r}")
            page_seconds.append(time.perf_counter() - at)
            return body

        started = time.perf_counter()
        body = await get("0")
        while True:
            following = asyncio.create_task(get(_next(body)))
            count, txs = await asyncio.to_thread(_parse, body)
            pages, grants, transactions = pages + 1, grants + count, transactions + txs
            if count < limit:
                await following  # the portal's poll of the end: an empty page
                break
            body = await following
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "grants": grants, "transactions": transactions, "pages": pages,
            "wire_mb": round(wire / 1e6, 1), "page_p50_ms": round(
                statistics.median(page_seconds) * 1000, 1)}  # fmt: skip


async def _ledger(ws: Workspace, data: Seeded, name: str) -> UvicornServer:
    return await ws.uvicorn(name, "concordia.ledger.app:main", ws.ledger_env(data.url))


async def run_full_pull(
    ws: Workspace,
    *,
    total: int = 1_000_000,
    identity: bool = False,
    zstd: bool = True,
    pg: bool = False,
) -> list[Figure]:
    """Measure the portal's full pull (gzip; zstd and identity too if asked) against the raw
    scan; with ``pg``, on PostgreSQL (gzip only)."""
    if pg:
        async with pg_database("feed", LEDGER_DIR) as url:
            started = time.perf_counter()
            transactions, donors, orgs = await seed_pg(url, total)
            data = Seeded(url, total, transactions, donors, orgs, time.perf_counter() - started)
            return await _full_pull(ws, data, total, identity=False, zstd=False, pg=True)
    return await _full_pull(ws, await seeded(ws, total), total, identity=identity, zstd=zstd)


async def _full_pull(
    ws: Workspace, data: Seeded, total: int, *, identity: bool, zstd: bool, pg: bool = False
) -> list[Figure]:
    async def scan() -> tuple[float, int, int]:
        if pg:
            return await raw_scan_pg(data.url)
        return await asyncio.to_thread(raw_scan, data)

    raw = [await scan()]  # also warms the page cache for both sides
    server = await _ledger(ws, data, "ledger-feed")
    cpu = server.cpu_seconds()
    gz = await pull(server.url, ws.feed_auth, coding="gzip")
    cpu = server.cpu_seconds() - cpu
    zs = await pull(server.url, ws.feed_auth, coding="zstd") if zstd else None
    plain = await pull(server.url, ws.feed_auth, coding="identity") if identity else None
    await ws.stop(server)
    raw.append(await scan())
    ceiling, raw_grants, raw_transactions = min(raw)
    for got in (gz, zs, plain):
        if got is not None and (got["grants"], got["transactions"]) != (
            raw_grants,
            raw_transactions,
        ):
            raise RuntimeError(
                f"the pull saw {got['grants']} grants and {got['transactions']} transactions; "
                f"the tables hold {raw_grants} and {raw_transactions}"
            )
    extras: dict[str, Any] = {
        "grants": gz["grants"],
        "transactions": gz["transactions"],
        "pages": gz["pages"],
        "goal_seconds": FULL_PULL_GOAL_SECONDS,
        "meets_goal_seconds": gz["seconds"] < FULL_PULL_GOAL_SECONDS * total / 1_000_000,
        "page_p50_ms": gz["page_p50_ms"],
        "wire_mb": gz["wire_mb"],
        "server_cpu": round(cpu / gz["seconds"], 2),
        "ceiling_seconds": [round(r[0], 2) for r in raw],
        "seed_seconds": round(data.seconds, 1),
    }
    if plain is not None:
        extras |= {
            "identity_seconds": round(plain["seconds"], 2),
            "identity_wire_mb": plain["wire_mb"],
            "identity_ratio": round(ceiling / plain["seconds"], 3),
        }
    what = (
        f"a portal pulls all {gz['grants']:,} grants ({gz['transactions']:,} transactions) "
        f"over HTTP, {{coding}}, {gz['pages']} pages of {PULL_LIMIT:,} following next, each "
        f"parsed while the next one loads; ratio = ceiling seconds / value seconds (issue goal: "
        f"under {FULL_PULL_GOAL_SECONDS:.0f} s for a million)"
    )
    ceiling_what = (
        f"raw keyset scan of the same tables via {'asyncpg' if pg else 'sqlite3'}: the same "
        "two statements per 10k page, rows fetched as tuples, nothing serialised (best of 2)"
    )
    if pg:
        what += " (PostgreSQL)"
    figures = [
        Figure(
            name="ledger.feed_full_pull.pg" if pg else "ledger.feed_full_pull",
            value=gz["seconds"],
            unit="s",
            ceiling=ceiling,
            goal=PULL_GOAL,
            what=what.format(coding="gzip"),
            ceiling_what=ceiling_what,
            extras=extras,
            ratio_of="ceiling/value",
        )
    ]
    if zs is not None:
        figures.append(
            Figure(
                name="ledger.feed_full_pull_zstd",
                value=zs["seconds"],
                unit="s",
                ceiling=ceiling,
                goal=PULL_GOAL,
                what=what.format(coding="zstd"),
                ceiling_what=ceiling_what,
                extras={
                    "page_p50_ms": zs["page_p50_ms"],
                    "wire_mb": zs["wire_mb"],
                    "meets_goal_seconds": zs["seconds"] < FULL_PULL_GOAL_SECONDS * total / 1e6,
                },
                ratio_of="ceiling/value",
            )
        )
    return figures


async def _latency(client: httpx.AsyncClient, after: int, limit: int) -> float:
    started = time.perf_counter()
    resp = await client.get("/v1/feed/grants", params={"after": after, "limit": limit})
    seconds = time.perf_counter() - started
    if resp.status_code != 200 or len(orjson.loads(resp.content)["items"]) != limit:
        raise RuntimeError(f"feed page after {after} answered {resp.status_code}")
    return seconds


async def run_page_depth(ws: Workspace, *, total: int = 1_000_000, rounds: int = 15) -> Figure:
    """Median latency of page 1,000 against page 1 (``limit`` = total / 1000, at most 1000)."""
    data = await seeded(ws, total)
    limit = min(1000, total // DEPTH_PAGE)
    conn = sqlite3.connect(data.path)
    try:  # where page 1,000 starts: the feed_seq that ends page 999
        (deep,) = conn.execute(
            "SELECT feed_seq FROM grants WHERE visibility != 'restricted' ORDER BY feed_seq "
            "LIMIT 1 OFFSET ?",
            ((DEPTH_PAGE - 1) * limit - 1,),
        ).fetchone()
    finally:
        conn.close()
    server = await _ledger(ws, data, "ledger-depth")
    first: list[float] = []
    last: list[float] = []
    headers = {**ws.feed_auth, "Accept-Encoding": "gzip"}
    async with httpx.AsyncClient(base_url=server.url, timeout=60, headers=headers) as client:
        for _ in range(3):  # warm-up: connections, statement cache, pages of both depths
            await _latency(client, 0, limit)
            await _latency(client, deep, limit)
        for _ in range(rounds):
            first.append(await _latency(client, 0, limit))
            last.append(await _latency(client, deep, limit))
    await ws.stop(server)
    page1, page1000 = statistics.median(first), statistics.median(last)
    return Figure(
        name="ledger.feed_page_depth",
        value=page1000 * 1000,
        unit="ms",
        ceiling=page1 * 1000,
        goal=DEPTH_GOAL,
        what=f"median latency of page {DEPTH_PAGE:,} (limit {limit:,}, gzip) of {total:,} "
        f"grants, {rounds} requests alternating with page 1; ratio = page {DEPTH_PAGE:,} / "
        f"page 1, goal at most {DEPTH_GOAL}",
        ceiling_what=f"median latency of page 1 of the same feed, same server, same {rounds} "
        "rounds",
        extras={
            "limit": limit,
            "page_1_ms": [round(s * 1000, 1) for s in sorted(first)],
            "page_1000_ms": [round(s * 1000, 1) for s in sorted(last)],
            "after": deep,
        },
        goal_is="max",
    )
