"""Fixtures of the events tests: a fresh database per test and a restartable nats-server.

``nats_server`` (session scoped) and ``db_backend`` come from ``tests/conftest.py``; tests that
stop or restart the broker use the function-scoped ``own_nats_server`` instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from events_support import EventsDb, make_events_db
from nats.aio.client import Client
from nats.js import JetStreamContext
from sqlalchemy.engine import make_url

from concordia.events import NatsServer, connect, ensure_stream


def _pg_dsn(database: str) -> str:
    base = os.environ["CONCORDIA_TEST_DATABASE_URL"]
    url = make_url(base).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture
async def database_url(db_backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A URL of a new, empty database: a SQLite file, or a PostgreSQL database of its own."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'events.db'}"
        return
    base_db = make_url(os.environ["CONCORDIA_TEST_DATABASE_URL"]).database or "postgres"
    name = f"t_events_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_pg_dsn(base_db))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _pg_dsn(name)
    finally:
        admin = await asyncpg.connect(_pg_dsn(base_db))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def events_db(database_url: str) -> AsyncIterator[EventsDb]:
    """The database with outbox, lease, inbox and a test ``effects`` table created."""
    edb = await make_events_db(database_url)
    try:
        yield edb
    finally:
        await edb.db.dispose()


@pytest.fixture
def own_nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A nats-server for this test alone, which it may stop, kill and restart."""
    with NatsServer(store_dir=tmp_path / "nats") as server:
        yield server


@pytest.fixture
async def nats_js(nats_server: NatsServer) -> AsyncIterator[tuple[Client, JetStreamContext]]:
    """A connection to the session's nats-server."""
    nc, js = await connect(nats_server.url, name="events-test")
    try:
        yield nc, js
    finally:
        await nc.close()


@pytest.fixture
async def stream(nats_js: tuple[Client, JetStreamContext], node_code: str) -> str:
    """A stream of this test's own node: ``local.<node>.>`` and ``shared.<node>.>``."""
    name = f"EVENTS_{node_code.upper()}"
    await ensure_stream(nats_js[1], name, [f"local.{node_code}.>", f"shared.{node_code}.>"])
    return name
