"""``exchange.search``: ``GET /v1/practices?q=`` over many practices vs the raw full-text query.

The database holds ``total`` synthetic practices, stored as replicas are (the replication
handler, which also indexes them), each with words drawn from a fixed vocabulary. The API
answers a ranked, faceted first page (the exchange app in this process, over ASGI: no network
in either figure). Both get the same queries (one or two words, stemmed the same way). Figures
are per-query latencies: p50 beside the raw p50, p99 in the extras.

- ``exchange.search`` (SQLite): the ceiling is the bare FTS5 ``MATCH`` with bm25 ranking and the
  same limit on the same file, through ``sqlite3``.
- ``exchange.search_pg`` (PostgreSQL, when ``CONCORDIA_BENCH_DATABASE_URL`` or
  ``CONCORDIA_TEST_DATABASE_URL`` names a server): a database of its own on that server; the
  ceiling is the bare ``@@ plainto_tsquery`` over the stored, GIN-indexed tsvector with
  ``ts_rank`` and the same limit, through ``asyncpg``.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench._common import PG_ENV, ROOT, Figure, Workspace, _migrate, percentile, pg_server
from concordia.core.auth import TokenStore
from concordia.core.db import Database
from concordia.events import PracticeRevisionPublished
from concordia.exchange import app as exchange_app
from concordia.exchange.replication import apply_revision
from concordia.exchange.settings import ExchangeSettings
from concordia.exchange.stemming import query_terms

EXCHANGE_DIR = ROOT / "services" / "exchange"
#: The API may take this many times the raw query's time (ceiling/value >= goal).
GOAL = 0.02
BATCH = 1000
_WORDS = (
    "permit", "residence", "work", "family", "reunification", "security", "exile", "funding",
    "media", "research", "inclusion", "diversity", "ministry", "coordination", "evaluation",
    "journalist", "researcher", "activist", "track", "visa", "asylum", "fast", "pilot", "grant",
    "fund", "desk", "letter", "employer", "risk", "assessment", "panel", "women", "minority",
    "language", "region", "city", "court", "appeal", "lawyer", "university", "scholarship",
    "разрешение", "работа", "семья", "безопасность", "журналист", "исследователь",
    "финансирование", "министерство",
)  # fmt: skip
_TOPICS = ("work_permits", "residence_permits", "media_support", "research_support")


def _event(rng: random.Random, n: int, now: datetime) -> PracticeRevisionPublished:
    def words(k: int) -> str:
        return " ".join(rng.choices(_WORDS, k=k))

    return PracticeRevisionPublished(
        node=("pl", "de", "fi")[n % 3], practice=uuid.UUID(int=rng.getrandbits(128)).hex,
        revision=1, topic=_TOPICS[n % 4], standing="pilot", country=("PL", "DE", "FI")[n % 3],
        language=("en", "ru")[n % 2], tags=["bench"], author_role="migration_ministry",
        title=f"Bench practice {n}: {words(6)}", summary=words(25), body=words(120),
        translations=[], attachments=[], created_at=now, published_at=now,
    )  # fmt: skip


async def _seed(url: str, total: int) -> None:
    db, rng, now = Database(url), random.Random(20261204), datetime.now(UTC)
    try:
        for start in range(0, total, BATCH):
            async with db.unit_of_work() as session:
                for n in range(start, min(total, start + BATCH)):
                    await apply_revision(session, _event(rng, n, now))
    finally:
        await db.dispose()


def _queries(count: int) -> list[str]:
    rng = random.Random(7)
    return [" ".join(rng.sample(_WORDS, k=1 + n % 2)) for n in range(count)]


def _raw(path: str, queries: list[str]) -> list[float]:
    """Seconds per query of the bare FTS5 match, ranked, first 20."""
    sql = (
        "SELECT s.practice_id, -bm25(practice_fts) AS score FROM practice_fts "
        "JOIN practice_search s ON s.seq = practice_fts.rowid WHERE practice_fts MATCH ? "
        "ORDER BY score DESC LIMIT 20"
    )
    times = []
    with sqlite3.connect(path) as conn:
        for q in queries:
            expr = " ".join(f'"{term}"' for term in query_terms(q))
            started = time.perf_counter()
            conn.execute(sql, (expr,)).fetchall()
            times.append(time.perf_counter() - started)
    return times


#: Where the PostgreSQL figure makes its database (an admin DSN); unset: no PostgreSQL figure.
_PG_RAW = (
    "SELECT s.practice_id, ts_rank(s.stemmed_tsv, q) AS score "
    "FROM practice_search s, plainto_tsquery('simple', $1) q "
    "WHERE s.stemmed_tsv @@ q ORDER BY score DESC LIMIT 20"
)


async def _raw_pg(url: str, queries: list[str]) -> list[float]:
    """Seconds per query of the bare tsquery match, ranked, first 20 (asyncpg)."""
    times = []
    conn = await asyncpg.connect(url)
    try:
        for q in queries:
            terms = " ".join(query_terms(q))
            started = time.perf_counter()
            await conn.fetch(_PG_RAW, terms)
            times.append(time.perf_counter() - started)
    finally:
        await conn.close()
    return times


async def _api(ws: Workspace, url: str, wanted: list[str]) -> tuple[list[float], int]:
    token = TokenStore(ws.tokens_file).create("bench-exchange", {"exchange:read"})
    settings = ExchangeSettings(
        env="test", node="se", database_url=url, nats_url=ws.nats.url,
        tokens_file=ws.tokens_file, aggregate_interval_seconds=3600,
    )  # fmt: skip
    app = exchange_app.create(settings)
    api: list[float] = []
    hits = 0
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            for q in wanted:
                started = time.perf_counter()
                answer = await client.get("/v1/practices", params={"q": q}, headers=headers)
                api.append(time.perf_counter() - started)
                answer.raise_for_status()
                hits += len(answer.json()["items"])
    return api, hits


def _figure(
    name: str, engine: str, ceiling_what: str, api: list[float], raw: list[float], *,
    total: int, hits: int,
) -> Figure:  # fmt: skip
    ms = 1000.0
    return Figure(
        name=name, value=percentile(api, 50) * ms, unit="ms p50",
        ceiling=percentile(raw, 50) * ms, goal=GOAL, ratio_of="ceiling/value",
        what=f"GET /v1/practices?q= (ranked page with facets) over {total:,} practices, {engine}",
        ceiling_what=ceiling_what,
        extras={"p99_ms": round(percentile(api, 99) * ms, 2),
                "raw_p99_ms": round(percentile(raw, 99) * ms, 2), "practices": total,
                "queries": len(api), "hits_per_page": round(hits / max(1, len(api)), 1)},
    )  # fmt: skip


async def run(ws: Workspace, *, total: int = 50_000, queries: int = 300) -> Figure:
    """Seed ``total`` practices in SQLite; time ``queries`` searches through the API and raw."""
    url = await ws.database("exchange", EXCHANGE_DIR)
    await _seed(url, total)
    wanted = _queries(queries)
    api, hits = await _api(ws, url, wanted)
    raw = _raw(url.removeprefix("sqlite:///"), wanted)
    return _figure(
        "exchange.search", "SQLite", "bare FTS5 MATCH with bm25, first 20, same file (sqlite3)",
        api, raw, total=total, hits=hits,
    )  # fmt: skip


async def run_pg(ws: Workspace, *, total: int = 50_000, queries: int = 300) -> Figure:
    """The same on PostgreSQL: a fresh database on the configured server, dropped afterwards."""
    server = pg_server()
    if server is None:
        raise RuntimeError(f"no PostgreSQL server: set {PG_ENV[0]}")
    admin = make_url(server).set(drivername="postgresql")
    name = f"bench_exchange_{uuid.uuid4().hex[:12]}"
    url = admin.set(database=name).render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        await asyncio.to_thread(_migrate, url, EXCHANGE_DIR)
        await _seed(url, total)
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("ANALYZE")
        finally:
            await conn.close()
        wanted = _queries(queries)
        api, hits = await _api(ws, url, wanted)
        raw = await _raw_pg(url, wanted)
    finally:
        conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
    return _figure(
        "exchange.search_pg", "PostgreSQL",
        "bare @@ plainto_tsquery on the stored, GIN-indexed tsvector with ts_rank, first 20, same "
        "database (asyncpg)", api, raw, total=total, hits=hits,
    )  # fmt: skip
