"""Fixtures of the events tests: a fresh database per test and a restartable nats-server.

``nats_server`` (session scoped), ``db_backend`` and ``database_url`` come from
``tests/conftest.py``; tests that stop or restart the broker use the function-scoped
``own_nats_server`` instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from events_support import EventsDb, make_events_db
from nats.aio.client import Client
from nats.js import JetStreamContext

from concordia.events import NatsServer, connect, ensure_stream


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
