"""What every benchmark shares: figures, a scratch workspace, uvicorn subprocesses, fixtures."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nats

from concordia import kit
from concordia.core.auth import TokenStore
from concordia.events import NatsServer
from concordia.events.natsserver import free_port

ROOT = Path(__file__).resolve().parents[1]
REGISTRY_DIR = ROOT / "services" / "registry"
LEDGER_DIR = ROOT / "services" / "ledger"
NODE = "se"
#: Startup compiles every module when bytecode caching is off (PYTHONDONTWRITEBYTECODE).
STARTUP_TIMEOUT = 60.0


@dataclass
class Figure:
    """One benchmark figure beside its raw ceiling, measured in the same run."""

    name: str
    value: float
    unit: str
    ceiling: float
    goal: float
    what: str
    ceiling_what: str
    extras: dict[str, Any] = field(default_factory=dict)
    #: ``value/ceiling`` for rates (higher is better); ``ceiling/value`` for durations, so the
    #: ratio still reads "fraction of the ceiling reached".
    ratio_of: str = "value/ceiling"
    #: ``min``: the ratio must reach the goal; ``max``: it must stay at or under it.
    goal_is: str = "min"

    @property
    def ratio(self) -> float:
        """The figure as a fraction of its ceiling (as ``ratio_of`` defines it)."""
        top, bottom = (
            (self.ceiling, self.value) if self.ratio_of == "ceiling/value"
            else (self.value, self.ceiling)
        )  # fmt: skip
        return top / bottom if bottom else 0.0

    @property
    def meets_goal(self) -> bool:
        """Whether the ratio reaches the goal (or, for ``goal_is="max"``, stays under it)."""
        return self.ratio <= self.goal if self.goal_is == "max" else self.ratio >= self.goal

    def as_json(self) -> dict[str, Any]:
        """The entry written to ``var/bench.json``."""
        return {
            "value": float(f"{self.value:.6g}"),
            "unit": self.unit,
            "ceiling": float(f"{self.ceiling:.6g}"),
            # Four significant digits: a small ratio (a secure round against a plain gather)
            # keeps its precision.
            "ratio": float(f"{self.ratio:.4g}"),
            "ratio_of": self.ratio_of,
            "goal": self.goal,
            "goal_is": self.goal_is,
            "extras": self.extras,
        }


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``samples``, nearest-rank."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of process ``pid`` (VmHWM), in MB; 0 where /proc is missing."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def person(n: int) -> dict[str, Any]:
    """A visibly synthetic person record, valid for ``PUT /v1/sync/persons``."""
    return {
        "external_id": f"BENCH-{n:07d}",
        "name": f"Benchperson {n:07d}",
        "aliases": [f"Alias-{n}"],
        "gender": ("female", "male", "other", "undisclosed")[n % 4],
        "ethnic_origin": ("russian", "non_russian")[n % 2],
        "region_of_origin": ("RU-MOW", "RU-TA", "RU-SPE", "RU-BU")[n % 4],
        "profession_category": ("journalist", "activist", "researcher")[n % 3],
        "host_country": "SE",
        "host_city": "Testville",
        "vulnerabilities": [],
        "risk_level": "high",
        "family": [{"relation": "child", "count": 2}],
    }


#: Where the PostgreSQL figures get their server (the bench's own setting first, then CI's).
PG_ENV = ("CONCORDIA_BENCH_DATABASE_URL", "CONCORDIA_TEST_DATABASE_URL")


def pg_server() -> str | None:
    """The PostgreSQL server the bench may create databases on, if one is configured."""
    return next((os.environ[name] for name in PG_ENV if os.environ.get(name)), None)


@contextlib.asynccontextmanager
async def pg_database(name: str, service_dir: Path = REGISTRY_DIR) -> AsyncIterator[str]:
    """A fresh database on the configured PostgreSQL server, migrated to the service's head;
    yields its URL and drops it afterwards."""
    import asyncpg
    from sqlalchemy.engine import make_url

    server = pg_server()
    if server is None:
        raise RuntimeError(f"no PostgreSQL server: set {PG_ENV[0]}")
    admin = make_url(server).set(drivername="postgresql")
    database = f"bench_{name}_{uuid.uuid4().hex[:12]}"
    url = admin.set(database=database).render_as_string(hide_password=False)
    admin_url = admin.render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
    try:
        await asyncio.to_thread(_migrate, url, service_dir)
        yield url
    finally:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await conn.close()


def asyncpg_url(url: str) -> str:
    """``url`` (any PostgreSQL spelling) as asyncpg's DSN."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class DriverRows:
    """Rows of one table as the tuples SQLAlchemy's asyncpg dialect hands the driver."""

    table: Any
    columns: list[str]
    records: list[tuple[Any, ...]]

    def __len__(self) -> int:
        return len(self.records)

    def batches(self, size: int) -> list[list[tuple[Any, ...]]]:
        """The records in consecutive pieces of ``size``."""
        return [self.records[i : i + size] for i in range(0, len(self.records), size)]


def driver_rows(table: Any, rows: Sequence[dict[str, Any]]) -> DriverRows:
    """``rows`` of ``table`` (each with the same keys) with each column's asyncpg bind
    processor applied: what a raw ceiling inserts. Columns the rows leave out take the
    database's defaults."""
    from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

    dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]
    present = [c for c in table.c if rows and c.name in rows[0]]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in present]
    names = [c.name for c in present]
    records = [
        tuple(
            p(row[name]) if p is not None else row[name]
            for name, p in zip(names, processors, strict=True)
        )
        for row in rows
    ]
    return DriverRows(table, names, records)


async def pg_executemany(url: str, rows: DriverRows, batch: int) -> float:
    """PostgreSQL's insert ceiling: asyncpg ``executemany`` of ``rows``, ``batch`` per
    transaction; returns the seconds it took."""
    import asyncpg

    names = ", ".join(f'"{c}"' for c in rows.columns)
    marks = ", ".join(f"${i + 1}" for i in range(len(rows.columns)))
    statement = f"INSERT INTO {rows.table.name} ({names}) VALUES ({marks})"  # noqa: S608
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        started = time.perf_counter()
        for records in rows.batches(batch):
            async with conn.transaction():
                await conn.executemany(statement, records)
        return time.perf_counter() - started
    finally:
        await conn.close()


async def pg_copy_batches(url: str, rows: DriverRows, batch: int) -> float:
    """PostgreSQL's other insert ceiling: asyncpg's binary ``COPY`` of ``rows``, ``batch`` per
    transaction (what ``insert_rows`` does from ``COPY_FROM`` rows on); returns the seconds."""
    import asyncpg

    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        started = time.perf_counter()
        for records in rows.batches(batch):
            async with conn.transaction():
                await conn.copy_records_to_table(
                    rows.table.name, records=records, columns=rows.columns
                )
        return time.perf_counter() - started
    finally:
        await conn.close()


async def pg_copy(conn: Any, rows: DriverRows) -> None:
    """Load ``rows`` over asyncpg connection ``conn`` with PostgreSQL's binary ``COPY``."""
    await conn.copy_records_to_table(rows.table.name, records=rows.records, columns=rows.columns)


def _migrate(url: str, service_dir: Path = REGISTRY_DIR) -> None:
    from alembic import command

    config = kit.alembic_config(service_dir, url)
    config.attributes["quiet"] = True  # keep alembic's INFO lines out of the report
    command.upgrade(config, "heads")


class Workspace:
    """A scratch directory, one nats-server, and every subprocess started; all undone on close.

    Example::

        with Workspace() as ws:
            url = await ws.database("sync")          # a fresh migrated registry database
            server = ws.uvicorn("registry", "concordia.registry.app:main", ws.registry_env(url))
    """

    def __init__(
        self, *, keep: bool = False, profile_dir: Path | None = None, profiler: str = "cprofile"
    ) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="concordia-bench-"))
        self.keep = keep
        self.profile_dir = profile_dir
        #: ``cprofile`` (``<server>.prof``) or ``pyinstrument`` (``<server>.html``, sampled).
        self.profiler = profiler
        self.nats = NatsServer(store_dir=self.path / "nats")
        self._templates: dict[str, Path] = {}
        self._servers: list[UvicornServer] = []
        #: Every server started, stopped ones too (their peak memory stays readable).
        self.started: list[UvicornServer] = []
        #: What one figure prepares and the next may reuse within the run (a seeded database).
        self.cache: dict[str, Any] = {}
        self.tokens_file = self.path / "tokens.json"
        tokens = TokenStore(self.tokens_file)
        self.token = tokens.create("bench", {"registry:read", "registry:write", "ledger:write"})
        self.feed_token = tokens.create("bench-portal", {"feed:read", "feed:coalition"})

    def __enter__(self) -> Workspace:
        atexit.register(self.close)  # in case an exit skips the with block's end
        try:
            self.nats.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every server this workspace started and remove its directory."""
        for server in reversed(self._servers):
            server.stop()
        self._servers.clear()
        self.nats.stop()
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)
        atexit.unregister(self.close)

    async def purge_streams(self) -> int:
        """Empty every stream of this workspace's broker; return how many messages went.

        Figures share the broker: without this, a service started by one figure would consume
        the events another figure published (a bulk sync's hundred thousand) while it is being
        measured, and the figure would depend on the order the figures run in.
        """
        nc = await nats.connect(self.nats.url)
        try:
            js = nc.jetstream()
            purged = 0
            for info in await js.streams_info():
                purged += info.state.messages
                await js.purge_stream(info.config.name)
            return purged
        finally:
            await nc.close()

    async def database(self, name: str, service_dir: Path = REGISTRY_DIR) -> str:
        """A URL of a fresh SQLite file migrated to the service's head (a template copy)."""
        template = self._templates.get(service_dir.name)
        if template is None:
            template = self.path / f"{service_dir.name}-template.db"
            await asyncio.to_thread(_migrate, f"sqlite:///{template}", service_dir)
            self._templates[service_dir.name] = template
        target = self.path / f"{name}-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"

    def registry_env(self, database_url: str, **extra: str) -> dict[str, str]:
        """Environment for a registry process on ``database_url`` and this workspace's NATS."""
        return {
            "CONCORDIA_ENV": "test",
            "CONCORDIA_NODE": NODE,
            "CONCORDIA_NATS_URL": self.nats.url,
            "CONCORDIA_TOKENS_FILE": str(self.tokens_file),
            "CONCORDIA_REGISTRY_DATABASE_URL": database_url,
            "CONCORDIA_REGISTRY_AGGREGATE_INTERVAL_SECONDS": "3600",
            "CONCORDIA_REGISTRY_LOG_LEVEL": "WARNING",
            **extra,
        }

    def ledger_env(self, database_url: str, **extra: str) -> dict[str, str]:
        """Environment for a ledger process on ``database_url`` and this workspace's NATS."""
        return {
            "CONCORDIA_ENV": "test",
            "CONCORDIA_NODE": NODE,
            "CONCORDIA_NATS_URL": self.nats.url,
            "CONCORDIA_TOKENS_FILE": str(self.tokens_file),
            "CONCORDIA_LEDGER_DATABASE_URL": database_url,
            "CONCORDIA_LEDGER_AGGREGATE_INTERVAL_SECONDS": "3600",
            "CONCORDIA_LEDGER_LOG_LEVEL": "WARNING",
            **extra,
        }

    @property
    def feed_auth(self) -> dict[str, str]:
        """Headers of a coalition donor portal: ``feed:read`` and ``feed:coalition``, which
        sees every grant the feed shows (the largest pull)."""
        return {"Authorization": f"Bearer {self.feed_token}"}

    @property
    def auth(self) -> dict[str, str]:
        """Headers of an authenticated, purposeful read or write."""
        return {"Authorization": f"Bearer {self.token}", "X-Purpose": "statistics; benchmark"}

    async def uvicorn(self, name: str, factory: str, env: dict[str, str]) -> UvicornServer:
        """Run ``factory`` under uvicorn (uvloop, httptools, one worker); wait until it serves."""
        suffix = ".html" if self.profiler == "pyinstrument" else ".prof"
        profile = self.profile_dir / f"{name}{suffix}" if self.profile_dir else None
        server = UvicornServer(name, factory, env, log=self.path / f"{name}.log", profile=profile)
        self._servers.append(server)
        self.started.append(server)
        await server.start()
        return server

    async def stop(self, server: UvicornServer) -> None:
        """Stop one server now (so the next measurement has the CPU to itself)."""
        await asyncio.to_thread(server.stop)
        with contextlib.suppress(ValueError):
            self._servers.remove(server)


class UvicornServer:
    """One ``python -m uvicorn --factory`` process on a free port, in its own session."""

    def __init__(
        self, name: str, factory: str, env: dict[str, str], *, log: Path, profile: Path | None
    ) -> None:
        self.name, self.factory, self.env, self.log, self.profile = name, factory, env, log, profile
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        #: Peak resident memory (MB) when the server stopped.
        self.peak_rss = 0.0

    @property
    def url(self) -> str:
        """The base URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Spawn the process and wait (up to 60 s) until ``/healthz`` answers."""
        profiler: list[str] = []
        if self.profile is not None and self.profile.suffix == ".html":
            # Sampling: a far smaller distortion than cProfile's, and the time in C shows.
            profiler = ["-m", "pyinstrument", "-r", "html", "-o", str(self.profile)]
        elif self.profile is not None:
            profiler = ["-m", "cProfile", "-o", str(self.profile)]
        cmd = [
            sys.executable, *profiler, "-m", "uvicorn", "--factory", self.factory,
            "--host", "127.0.0.1", "--port", str(self.port), "--loop", "uvloop",
            "--http", "httptools", "--no-access-log", "--log-level", "warning",
            "--timeout-graceful-shutdown", "5",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT), **self.env}
        self.process = await asyncio.to_thread(self._spawn, cmd, env)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        async with httpx.AsyncClient(timeout=1.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited: {self.tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.url}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not start in {STARTUP_TIMEOUT}s: {self.tail()}")

    def _spawn(self, cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        # Its own session: a Ctrl-C in the terminal reaches only us, and we stop it in order.
        with self.log.open("ab") as log:
            return subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
                cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (all threads; 0 where /proc is missing)."""
        if self.process is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The server process's peak resident memory so far (or at its stop), in MB (0 where
        /proc is missing)."""
        if self.process is None:
            return self.peak_rss
        return peak_rss_mb(self.process.pid)

    def tail(self, size: int = 3000) -> str:
        """The end of the server's log."""
        try:
            return self.log.read_text(errors="replace")[-size:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGINT (graceful; uvicorn re-raises it, and cProfile still writes), then SIGKILL."""
        if self.process is None:
            return
        self.peak_rss = max(self.peak_rss, peak_rss_mb(self.process.pid))
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
