"""``events.outbox_relay``: drain N committed outbox rows to JetStream vs a raw publish.

The figure times an ``OutboxRelay`` from start until every row is acknowledged and marked
published (lease, reads, pipelined publishes, the UPDATEs). The ceiling publishes the same
messages (same payloads, same ``Nats-Msg-Id`` headers) into another stream of the same
nats-server and awaits every ack, with no database: the broker's and the client's work alone.
The ceiling is nats-py's ``js.publish_async`` (as the issue asks). A bare pipelined
``nc.publish`` with one reply callback is faster than ``publish_async`` (whose per-message
semaphore and ``wait_for`` cost more than the broker), so it is reported too, with the relay's
ratio against it, as the stricter comparison.

With ``pg`` (``events.outbox_relay.pg``) the outbox is a table of a fresh PostgreSQL database
(the registry's); the ceilings have no database, so they are the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import pstats
import time
import uuid
from collections.abc import Awaitable
from typing import Any

import asyncpg
from nats.aio.msg import Msg
from nats.js.errors import NotFoundError
from sqlalchemy import create_engine, insert, select

from bench._common import NODE, Figure, Workspace, asyncpg_url, driver_rows, pg_copy, pg_database
from concordia.core.db import Database
from concordia.events import Envelope, OutboxRelay, connect, ensure_stream
from concordia.events.registry import PersonRegistered
from concordia.kit.tables import outbox

#: The issue: at least two thirds of the broker-bound speed, held.
GOAL = 0.67


def _rows(total: int) -> list[dict[str, Any]]:
    """``total`` PersonRegistered outbox rows."""
    events = [
        PersonRegistered(person_id=uuid.uuid4(), host_country="SE", version=n + 1)
        for n in range(total)
    ]
    return [outbox.build_row(Envelope.wrap(event, node=NODE)) for event in events]


async def _commit_rows_pg(url: str, total: int) -> list[dict[str, Any]]:
    """``_commit_rows`` on PostgreSQL (binary COPY)."""
    rows = _rows(total)
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        await pg_copy(conn, driver_rows(outbox.table, rows))
    finally:
        await conn.close()
    return rows


def _commit_rows(url: str, total: int) -> list[dict[str, Any]]:
    """Commit ``total`` PersonRegistered outbox rows; return them."""
    rows = _rows(total)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(outbox.table), rows)
    finally:
        engine.dispose()
    return rows


async def _fresh_stream(js: Any, name: str, subjects: list[str]) -> None:
    with contextlib.suppress(NotFoundError):
        await js.delete_stream(name)
    await ensure_stream(js, name, subjects)


async def _relay(url: str, nats_url: str, total: int) -> float:
    nc, js = await connect(nats_url, name="bench-relay")
    db = Database(url)
    done = asyncio.Event()
    published = 0

    def on_published(count: int) -> None:
        nonlocal published
        published += count
        if published >= total:
            done.set()

    relay = OutboxRelay(db, outbox, nc, on_published=on_published)
    try:
        await _fresh_stream(js, f"LOCAL_{NODE.upper()}", [f"local.{NODE}.>"])
        started = time.perf_counter()
        await relay.start()
        try:
            await asyncio.wait_for(done.wait(), 300)
            seconds = time.perf_counter() - started
        finally:
            await relay.stop()
        stored = (await js.stream_info(f"LOCAL_{NODE.upper()}")).state.messages
        async with db.sessionmaker() as session:
            pending = await session.scalar(
                select(outbox.table.c.seq).where(outbox.table.c.published_at.is_(None)).limit(1)
            )
        if stored != total or pending is not None:
            raise RuntimeError(f"relay stored {stored} of {total}; a row is still pending")
        return seconds
    finally:
        await db.dispose()
        await nc.close()


async def _publish_async(nats_url: str, rows: list[dict[str, Any]]) -> float:
    """nats-py's own pipelined JetStream publish: ``js.publish_async``, then every ack."""
    nc, js = await connect(nats_url, name="bench-publish-async")
    try:
        await _fresh_stream(js, "BENCH_RAW", ["bench.>"])
        started = time.perf_counter()
        acks = [
            await js.publish_async(
                f"bench.{row['subject']}", row["payload"], headers={"Nats-Msg-Id": row["event_id"]}
            )
            for row in rows
        ]
        await asyncio.gather(*acks)
        seconds = time.perf_counter() - started
        await _check_stored(js, len(rows))
        return seconds
    finally:
        await nc.close()


async def _pipelined(nats_url: str, rows: list[dict[str, Any]]) -> float:
    """The leanest acknowledged publish nats-py allows: ``nc.publish`` with a reply subject per
    message, one callback counting the stream's acks (what ``publish_async`` does, minus its
    per-message semaphore, ``wait_for`` and JSON parsing)."""
    nc, js = await connect(nats_url, name="bench-pipelined")
    try:
        await _fresh_stream(js, "BENCH_RAW", ["bench.>"])
        inbox = nc.new_inbox()
        done, acked, failed = asyncio.Event(), 0, 0

        async def on_ack(msg: Msg) -> None:
            nonlocal acked, failed
            acked += 1
            failed += b'"error"' in msg.data
            if acked == len(rows):
                done.set()

        await nc.subscribe(f"{inbox}.*", cb=on_ack)
        started = time.perf_counter()
        for n, row in enumerate(rows):
            await nc.publish(
                f"bench.{row['subject']}", row["payload"], reply=f"{inbox}.{n}",
                headers={"Nats-Msg-Id": row["event_id"]},
            )  # fmt: skip
        await asyncio.wait_for(done.wait(), 300)
        seconds = time.perf_counter() - started
        if failed:
            raise RuntimeError(f"{failed} publishes were refused")
        await _check_stored(js, len(rows))
        return seconds
    finally:
        await nc.close()


async def _check_stored(js: Any, expected: int) -> None:
    stored = (await js.stream_info("BENCH_RAW")).state.messages
    if stored != expected:
        raise RuntimeError(f"raw publish stored {stored} of {expected}")


async def _profiled(ws: Workspace, work: Awaitable[float]) -> float:
    """Await ``work``, under cProfile (appending to ``relay.prof``) when profiling is on."""
    if ws.profile_dir is None:
        return await work
    profile = cProfile.Profile()
    profile.enable()
    try:
        return await work
    finally:
        profile.disable()
        target = ws.profile_dir / "relay.prof"
        stats = pstats.Stats(profile)
        if target.exists():
            stats.add(str(target))
        stats.dump_stats(target)


async def run(ws: Workspace, *, total: int = 50_000, rounds: int = 2, pg: bool = False) -> Figure:
    """Measure the relay and its raw-publish ceilings in alternating rounds; keep each best."""
    relay: list[float] = []
    publish_async: list[float] = []
    pipelined: list[float] = []
    size = 0.0
    for _ in range(rounds):
        async with contextlib.AsyncExitStack() as stack:
            if pg:
                url = await stack.enter_async_context(pg_database("outbox"))
                rows = await _commit_rows_pg(url, total)
            else:
                url = await ws.database("outbox")
                rows = await asyncio.to_thread(_commit_rows, url, total)
            size = sum(len(r["payload"]) for r in rows) / len(rows)
            publish_async.append(await _publish_async(ws.nats.url, rows))
            pipelined.append(await _pipelined(ws.nats.url, rows))
            relay.append(await _profiled(ws, _relay(url, ws.nats.url, total)))
    ceiling = min(publish_async)
    return Figure(
        name="events.outbox_relay.pg" if pg else "events.outbox_relay",
        value=total / min(relay),
        unit="events/s",
        ceiling=total / ceiling,
        goal=GOAL,
        what=f"OutboxRelay draining {total:,} committed rows of ~{size:.0f} B, best of {rounds}"
        + (" (PostgreSQL)" if pg else ""),
        ceiling_what="the same messages published raw with js.publish_async, every ack awaited",
        extras={
            "publish_async_per_s": round(total / min(publish_async)),
            "pipelined_per_s": round(total / min(pipelined)),
            "ratio_vs_pipelined": round(min(pipelined) / min(relay), 3),
            "seconds": [round(s, 2) for s in relay],
            "publish_async_seconds": [round(s, 2) for s in publish_async],
            "pipelined_seconds": [round(s, 2) for s in pipelined],
        },
    )
