"""``ledger.bulk_sync``: 100,000 grants through ``PUT /v1/sync/grants`` vs a raw executemany.

End to end like ``registry.bulk_sync``: JSON over HTTP into a uvicorn process, validation, the
donor and recipient lookups, digests, feed positions, the grants rows, the outbox rows and the
commit, 5,000 grants per call (the relay runs too). The ceiling inserts the same grants rows,
ready-made (ids, digests and feed positions computed beforehand), with one SQLAlchemy Core
``executemany`` per 5,000 rows into a fresh database holding the same donors and recipients.

With ``pg`` (``ledger.bulk_sync.pg``) every side runs on fresh PostgreSQL databases and the
ceiling is the faster of asyncpg's ``executemany`` and its binary ``COPY`` of the same rows, as
the driver receives them (the service itself loads large batches by ``COPY``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import orjson
from sqlalchemy import create_engine, event, insert

from bench._common import (
    LEDGER_DIR,
    DriverRows,
    Figure,
    Workspace,
    asyncpg_url,
    driver_rows,
    percentile,
    pg_copy,
    pg_copy_batches,
    pg_database,
    pg_executemany,
)
from bench._ledger import DONORS, ORGANISATIONS, OWNER, PERSONS, grant_fields, parties
from bench.registry_sync import _tune
from concordia.core.changes import new_id
from concordia.ledger.models import Donor, Grant, KnownOrganisation, KnownPerson
from concordia.ledger.service import grants

BATCH = 5000
GOAL = 0.35


def _parties_into(url: str, rows: tuple[list[Any], list[Any], list[Any]]) -> None:
    """The donors and recipients the grants name, as the consumer would have written them."""
    engine = create_engine(url)
    event.listen(engine, "connect", _tune)
    try:
        with engine.begin() as conn:
            for table, values in zip(
                (Donor.__table__, KnownOrganisation.__table__, KnownPerson.__table__),
                rows,
                strict=True,
            ):
                conn.execute(insert(table), values)
    finally:
        engine.dispose()


def _recipient(n: int, orgs: list[Any], persons: list[Any]) -> tuple[Any, Any]:
    person = persons[n % PERSONS]["id"] if n % 20 == 0 else None
    return (None if person else orgs[n % ORGANISATIONS]["id"]), person


def _record(n: int, donors: list[Any], orgs: list[Any], persons: list[Any]) -> dict[str, Any]:
    org, person = _recipient(n, orgs, persons)
    fields = grant_fields(n, org, person)
    for key in ("recipient_type", "recipient_organisation_id", "recipient_person_id"):
        del fields[key]
    recipient = ({"type": "person", "id": str(person)} if person
                 else {"type": "organisation", "id": str(org)})  # fmt: skip
    return fields | {
        "donor_id": str(donors[n % DONORS]["id"]),
        "external_id": f"BENCH-GRANT-{n:07d}",
        "recipient": recipient,
        "start_date": fields["start_date"].isoformat(),
        "end_date": fields["end_date"].isoformat(),
    }


def _bodies(total: int, parts: tuple[list[Any], list[Any], list[Any]]) -> list[tuple[bytes, int]]:
    """Request bodies of up to BATCH records each, serialised beforehand, with their sizes."""
    bodies = []
    for start in range(0, total, BATCH):
        records = [_record(n, *parts) for n in range(start, min(start + BATCH, total))]
        bodies.append((orjson.dumps({"records": records}), len(records)))
    return bodies


def _raw_rows(total: int, parts: tuple[list[Any], list[Any], list[Any]]) -> list[dict[str, Any]]:
    """The grants rows the sync would write for the same records."""
    at = datetime.now(UTC)
    donors, orgs, persons = parts
    rows = []
    for n in range(total):
        values = grant_fields(n, *_recipient(n, orgs, persons))
        rows.append(
            values | {"id": new_id(), "donor_id": donors[n % DONORS]["id"],
                      "external_id": f"BENCH-GRANT-{n:07d}", "version": 1,
                      "digest": grants.digest(values), "feed_seq": n + 1, "withdrawn_at": None,
                      "created_at": at, "updated_at": at}
        )  # fmt: skip
    return rows


def _raw_insert(url: str, parts: tuple[list[Any], ...], rows: list[dict[str, Any]]) -> float:
    _parties_into(url, parts)  # type: ignore[arg-type]
    engine = create_engine(url)
    event.listen(engine, "connect", _tune)
    try:
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            with engine.begin() as conn:
                conn.execute(insert(Grant.__table__), rows[start : start + BATCH])
        return time.perf_counter() - started
    finally:
        engine.dispose()


async def _sync(url: str, headers: dict[str, str], bodies: list[tuple[bytes, int]]) -> list[float]:
    """PUT every body in turn; return each PUT's latency."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=600) as client:
        for body, expected in bodies:
            started = time.perf_counter()
            resp = await client.put("/v1/sync/grants", content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if resp.status_code != 200:
                raise RuntimeError(f"sync answered {resp.status_code}: {resp.text[:500]}")
            counts = orjson.loads(resp.content)["counts"]
            if counts["created"] != expected:
                raise RuntimeError(f"sync did not create every record: {counts}")
    return latencies


PARTY_TABLES = (Donor.__table__, KnownOrganisation.__table__, KnownPerson.__table__)


async def _parties_into_pg(url: str, rows: tuple[list[Any], list[Any], list[Any]]) -> None:
    """``_parties_into`` on PostgreSQL (binary COPY)."""
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        for table, values in zip(PARTY_TABLES, rows, strict=True):
            await pg_copy(conn, driver_rows(table, values))
    finally:
        await conn.close()


def _pg_records(rows: list[dict[str, Any]]) -> DriverRows:
    """The grants rows with the columns the service fills itself, as asyncpg receives them."""
    full = [
        {"owner": OWNER, "ever_visible": True,
         "ever_public": r["visibility"] == "public"} | r
        for r in rows
    ]  # fmt: skip
    return driver_rows(Grant.__table__, full)


async def run(ws: Workspace, *, total: int = 100_000, pg: bool = False) -> Figure:
    """Measure the bulk grant sync, with its raw-insert ceiling before and after (best kept)."""
    parts = parties(datetime.now(UTC))
    bodies = _bodies(total, parts)
    rows = _raw_rows(total, parts)
    records = _pg_records(rows) if pg else None
    async with contextlib.AsyncExitStack() as stack:

        async def database(name: str) -> str:
            if pg:
                return await stack.enter_async_context(pg_database(name, LEDGER_DIR))
            return await ws.database(name, LEDGER_DIR)

        copy_seconds: list[float] = []

        async def raw() -> float:
            url = await database("ledger_raw")
            if pg:
                await _parties_into_pg(url, parts)
                assert records is not None
                copied = await database("ledger_copy")
                await _parties_into_pg(copied, parts)
                copy_seconds.append(await pg_copy_batches(copied, records, BATCH))
                return await pg_executemany(url, records, BATCH)
            return await asyncio.to_thread(_raw_insert, url, parts, rows)

        raw_seconds = [await raw()]
        url = await database("ledger_sync")
        if pg:
            await _parties_into_pg(url, parts)
        else:
            await asyncio.to_thread(_parties_into, url, parts)
        server = await ws.uvicorn("ledger-sync", "concordia.ledger.app:main", ws.ledger_env(url))
        headers = {**ws.auth, "Content-Type": "application/json"}
        cpu, started = server.cpu_seconds(), time.perf_counter()
        latencies = await _sync(server.url, headers, bodies)
        seconds = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu
        await ws.stop(server)
        raw_seconds.append(await raw())
    ceiling_what = (
        "the faster of asyncpg executemany and binary COPY of the same grants rows, 5,000 per "
        "transaction (best of 2 each)"
        if pg
        else "Core executemany of the same grants rows, 5,000 per transaction (best of 2)"
    )
    pg_extras = {"copy_seconds": [round(s, 2) for s in copy_seconds]} if pg else {}
    return Figure(
        name="ledger.bulk_sync.pg" if pg else "ledger.bulk_sync",
        value=total / seconds,
        unit="records/s",
        ceiling=total / min(raw_seconds + copy_seconds),
        goal=GOAL,
        what=f"{total:,} grants, {len(bodies)} PUTs of {BATCH:,} over HTTP, 1 client"
        + (" (PostgreSQL)" if pg else ""),
        ceiling_what=ceiling_what,
        extras={
            "seconds": round(seconds, 2),
            "ceiling_seconds": [round(s, 2) for s in raw_seconds],
            "put_p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "put_max_ms": round(max(latencies) * 1000, 1),
            "server_cpu": round(cpu / seconds, 2),
            **pg_extras,
        },
    )
