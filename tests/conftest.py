"""Fixtures shared by the whole suite: real nats-servers and fresh, migrated databases.

Databases: every test gets its own. SQLite is always exercised; with CONCORDIA_TEST_DATABASE_URL
set (CI sets it), database fixtures are parametrised over PostgreSQL too. Migrations run once
per session into a template (a file for SQLite, a template database for PostgreSQL) that each
test copies, so a fresh database costs milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from concordia import kit
from concordia.events import NatsServer

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("CONCORDIA_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def service_dir(service: str) -> Path:
    """Where a service's alembic.ini and migrations live."""
    return ROOT / "services" / service


def _pg_dsn(database: str) -> str:
    assert PG_URL is not None
    url = make_url(PG_URL).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


def _pg_admin_dsn() -> str:
    """The configured PostgreSQL database, from which test databases are created and dropped."""
    assert PG_URL is not None
    return _pg_dsn(make_url(PG_URL).database or "postgres")


class DatabaseFactory:
    """Hands out fresh migrated databases of one service on one backend."""

    def __init__(self, backend: str, service: str, workdir: Path) -> None:
        self.backend, self.service, self.workdir = backend, service, workdir
        self.template: str | None = None
        self.created: list[str] = []

    async def _prepare(self) -> None:
        if self.template is not None:
            return
        if self.backend == "sqlite":
            path = self.workdir / f"{self.service}-template.db"
            await asyncio.to_thread(kit.upgrade, service_dir(self.service), f"sqlite:///{path}")
            self.template = str(path)
            return
        name = f"tpl_{self.service}_{os.getpid()}"
        admin = await asyncpg.connect(_pg_admin_dsn())
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        await asyncio.to_thread(kit.upgrade, service_dir(self.service), _pg_dsn(name))
        self.template = name

    async def new(self) -> str:
        """A URL of a new, migrated, empty database."""
        await self._prepare()
        assert self.template is not None
        if self.backend == "sqlite":
            path = self.workdir / f"{self.service}-{uuid.uuid4().hex[:12]}.db"
            shutil.copyfile(self.template, path)
            return f"sqlite:///{path}"
        name = f"t_{self.service}_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(_pg_admin_dsn())
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        finally:
            await admin.close()
        self.created.append(name)
        return _pg_dsn(name)

    async def drop_all(self) -> None:
        """Remove every database this factory made."""
        if self.backend != "postgresql" or (not self.created and self.template is None):
            return
        admin = await asyncpg.connect(_pg_admin_dsn())
        try:
            for name in [*self.created, self.template]:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture(scope="session", params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test: sqlite always, postgresql when configured."""
    return str(request.param)


@pytest.fixture(scope="session")
async def database_factories(
    db_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """``await new_database("registry")`` gives a fresh migrated database URL."""
    workdir = tmp_path_factory.mktemp(f"db-{db_backend}")
    factories: dict[str, DatabaseFactory] = {}

    async def new_database(service: str) -> str:
        factory = factories.setdefault(service, DatabaseFactory(db_backend, service, workdir))
        return await factory.new()

    yield new_database
    for factory in factories.values():
        await factory.drop_all()


@pytest.fixture
async def database_url(db_backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A URL of a new, empty database: a SQLite file, or a PostgreSQL database of its own."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"t_empty_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_pg_admin_dsn())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _pg_dsn(name)
    finally:
        admin = await asyncpg.connect(_pg_admin_dsn())
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """One real nats-server with JetStream for the session (tests that stop it make their own)."""
    with NatsServer(store_dir=tmp_path_factory.mktemp("nats")) as server:
        yield server


_CODES = (a + b for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz")


@pytest.fixture
def node_code() -> str:
    """A node code no other test of this session uses, so streams never collide."""
    return next(_CODES)


@pytest.fixture(autouse=True)
def _dump_asyncio_tasks_before_timeout(request: pytest.FixtureRequest) -> Iterator[None]:
    """Shortly before pytest-timeout fires, print every pending asyncio task's stack.

    pytest-timeout shows threads, and a hung async test shows only its loop idling in select();
    the task that awaits forever is what tells the cause.
    """
    limit = float(request.config.getini("timeout") or 0)
    marker = request.node.get_closest_marker("timeout")
    if marker is not None and marker.args:
        limit = float(marker.args[0])
    if request.config.getoption("timeout", None):
        limit = float(request.config.getoption("timeout"))
    if limit <= 0:
        yield
        return
    import sys
    import threading

    loops: dict[int, asyncio.AbstractEventLoop] = {}
    original = asyncio.BaseEventLoop.run_forever

    def dump() -> None:
        for loop in loops.values():
            if loop.is_running():
                loop.call_soon_threadsafe(_print_tasks, loop)

    def _print_tasks(loop: asyncio.AbstractEventLoop) -> None:
        print(f"\n=== pending asyncio tasks of {request.node.nodeid} ===", file=sys.stderr)
        for task in asyncio.all_tasks(loop):
            print(f"--- {task!r}", file=sys.stderr)
            task.print_stack(file=sys.stderr)

    def tracking(self: asyncio.BaseEventLoop) -> None:
        loops[id(self)] = self
        original(self)

    timer = threading.Timer(limit * 0.9, dump)
    timer.daemon = True
    asyncio.BaseEventLoop.run_forever = tracking  # type: ignore[method-assign]
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        asyncio.BaseEventLoop.run_forever = original  # type: ignore[method-assign]
