"""``registry.bulk_sync``: 100,000 persons through ``PUT /v1/sync/persons`` vs a raw executemany.

The figure is end to end: JSON over HTTP into a uvicorn process, validation, encryption, the
digest, the persons rows, the delta feed, the outbox rows and the commit (the relay runs too,
as in production). The ceiling inserts the same number of ready-made persons rows (ciphertext
and digest computed beforehand) with one SQLAlchemy Core ``executemany`` per 5,000 rows into a
fresh database migrated the same way: the storage work alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import orjson
from sqlalchemy import create_engine, event, insert
from sqlalchemy.engine import make_url

from bench._common import Figure, Workspace, percentile, person, pg_database
from concordia.registry.models import Person

BATCH = 5000
GOAL = 0.4


def _bodies(total: int) -> list[tuple[bytes, int]]:
    """Request bodies of up to BATCH records each, serialised beforehand, with their sizes."""
    bodies = []
    for start in range(0, total, BATCH):
        records = [person(n) for n in range(start, min(start + BATCH, total))]
        bodies.append((orjson.dumps({"records": records}), len(records)))
    return bodies


async def _sync(
    url: str, headers: dict[str, str], bodies: list[tuple[bytes, int]], clients: int
) -> list[float]:
    """PUT every body with ``clients`` concurrent requests; return each PUT's latency."""
    queue: asyncio.Queue[tuple[bytes, int]] = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    latencies: list[float] = []

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            body, expected = queue.get_nowait()
            started = time.perf_counter()
            resp = await client.put("/v1/sync/persons", content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if resp.status_code != 200:
                raise RuntimeError(f"sync answered {resp.status_code}: {resp.text[:500]}")
            counts = orjson.loads(resp.content)["counts"]
            if counts["created"] != expected:
                raise RuntimeError(f"sync did not create every record: {counts}")

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return latencies


def _raw_rows(total: int) -> list[dict[str, Any]]:
    """Persons rows as the registry stores them: ciphertext-sized blobs, digest, JSON columns."""
    at = datetime.now(UTC)
    rows = []
    for n in range(total):
        record = person(n)
        rows.append(
            {
                "id": uuid.uuid4(),
                "owner": "operator",
                "external_key": os.urandom(32),
                "external_id_enc": os.urandom(17 + len(record["external_id"]) + 16),
                "version": 1,
                "digest": os.urandom(32),
                "name_enc": os.urandom(12 + len(record["name"]) + 16),
                "aliases_enc": os.urandom(12 + len(orjson.dumps(record["aliases"])) + 16),
                "host_city_enc": os.urandom(12 + len(record["host_city"]) + 16),
                "gender": record["gender"],
                "ethnic_origin": record["ethnic_origin"],
                "national_minority": None,
                "region_of_origin": record["region_of_origin"],
                "profession_category": record["profession_category"],
                "host_country": record["host_country"],
                "vulnerabilities": record["vulnerabilities"],
                "risk_level": record["risk_level"],
                "family": record["family"],
                "created_at": at,
                "updated_at": at,
            }
        )
    return rows


def _tune(dbapi_connection: Any, _record: Any) -> None:
    # The same pragmas the services use (concordia.core.db), so both sides pay the same fsyncs.
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000",
                   "foreign_keys=ON"):  # fmt: skip
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _raw_insert(url: str, rows: list[dict[str, Any]]) -> float:
    engine = create_engine(url)
    event.listen(engine, "connect", _tune)
    try:
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            with engine.begin() as conn:
                conn.execute(insert(Person.__table__), rows[start : start + BATCH])
        return time.perf_counter() - started
    finally:
        engine.dispose()


async def _raw_insert_pg(url: str, rows: list[dict[str, Any]], *, copy: bool = False) -> float:
    """PostgreSQL's ceiling: asyncpg ``executemany`` (``copy``: binary ``COPY``) of the rows,
    5,000 per transaction."""
    columns = list(rows[0])
    json_columns = {"vulnerabilities", "family"}
    records = [
        tuple(orjson.dumps(r[c]).decode() if c in json_columns else r[c] for c in columns)
        for r in rows
    ]
    names = ", ".join(columns)
    marks = ", ".join(f"${i + 1}" for i in range(len(columns)))
    statement = f"INSERT INTO persons ({names}) VALUES ({marks})"  # noqa: S608 - our columns
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(
        hide_password=False))  # fmt: skip
    try:
        started = time.perf_counter()
        for start in range(0, len(records), BATCH):
            async with conn.transaction():
                if copy:
                    await conn.copy_records_to_table(
                        "persons", records=records[start : start + BATCH], columns=columns
                    )
                else:
                    await conn.executemany(statement, records[start : start + BATCH])
        return time.perf_counter() - started
    finally:
        await conn.close()


async def run(ws: Workspace, *, total: int = 100_000, clients: int = 1, pg: bool = False) -> Figure:
    """Measure the bulk sync, with its raw-insert ceiling measured before and after (best kept).

    With ``pg`` every side runs on fresh PostgreSQL databases (``registry.bulk_sync.pg``) and
    the ceiling is the faster of asyncpg's ``executemany`` and its binary ``COPY``.
    """
    bodies = _bodies(total)
    rows = _raw_rows(total)
    async with contextlib.AsyncExitStack() as stack:

        async def database(name: str) -> str:
            if pg:
                return await stack.enter_async_context(pg_database(f"sync_{name}"))
            return await ws.database(name)

        copy_seconds: list[float] = []

        async def raw() -> float:
            url = await database("raw")
            if pg:
                copy_seconds.append(await _raw_insert_pg(await database("copy"), rows, copy=True))
                return await _raw_insert_pg(url, rows)
            return await asyncio.to_thread(_raw_insert, url, rows)

        raw_seconds = [await raw()]
        env = ws.registry_env(await database("sync"))
        server = await ws.uvicorn("registry-sync", "concordia.registry.app:main", env)
        headers = {**ws.auth, "Content-Type": "application/json"}
        cpu, started = server.cpu_seconds(), time.perf_counter()
        latencies = await _sync(server.url, headers, bodies, clients)
        seconds = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu
        await ws.stop(server)
        raw_seconds.append(await raw())
    ceiling_what = (
        "the faster of asyncpg executemany and binary COPY of the same persons rows, 5,000 per "
        "transaction (best of 2 each)"
        if pg
        else "Core executemany of the same persons rows, 5,000 per transaction (best of 2)"
    )
    return Figure(
        name="registry.bulk_sync.pg" if pg else "registry.bulk_sync",
        value=total / seconds,
        unit="records/s",
        ceiling=total / min(raw_seconds + copy_seconds),
        goal=GOAL,
        what=f"{total:,} persons, {len(bodies)} PUTs of {BATCH:,} over HTTP, {clients} client(s)"
        + (" (PostgreSQL)" if pg else ""),
        ceiling_what=ceiling_what,
        extras={
            "seconds": round(seconds, 2),
            "ceiling_seconds": [round(s, 2) for s in raw_seconds],
            "put_p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "put_max_ms": round(max(latencies) * 1000, 1),
            "server_cpu": round(cpu / seconds, 2),
            **({"copy_seconds": [round(s, 2) for s in copy_seconds]} if pg else {}),
        },
    )
