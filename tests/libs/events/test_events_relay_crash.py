"""A relay killed between publishing and marking loses nothing and duplicates nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

from events_support import EventsDb, eventually, msg_ids, read_stream, stream_count, updates, write
from nats.aio.client import Client
from nats.js import JetStreamContext

from concordia.events import NatsServer, OutboxRelay

HERE = Path(__file__).parent


async def test_sigkilled_relay_mid_batch_then_a_new_relay_publishes_each_event_once(
    events_db: EventsDb,
    nats_server: NatsServer,
    nats_js: tuple[Client, JetStreamContext],
    stream: str,
    node_code: str,
    database_url: str,
) -> None:
    nc, js = nats_js
    person = uuid.uuid4()
    for first in range(1, 1000, 100):
        await write(events_db, updates(person, first, 100), node_code)

    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        str(HERE / "relay_worker.py"),
        database_url,
        nats_server.url,
        cwd=HERE,
        # events_support needs tests/polling.py beside it on the path.
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parents[1])])},
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert worker.stdout is not None
        # Kill while the third batch is published but not yet marked.
        for _ in range(3):
            line = await asyncio.wait_for(worker.stdout.readline(), 20)
            assert line.startswith(b"published"), line
        worker.send_signal(signal.SIGKILL)
    finally:
        if worker.returncode is None:
            worker.kill()
        await worker.wait()

    in_stream = await stream_count(js, stream)
    pending = await events_db.pending()
    assert in_stream >= 300
    assert in_stream + pending > 1000, "some rows were published but never marked"

    # The dead worker's lease expires (1.5 s); then the new relay takes over and resumes.
    relay = OutboxRelay(
        events_db.db, events_db.outbox, nc, lease_ttl=1.5, ack_timeout=0.4, poll_interval=0.1
    )
    async with relay:
        await eventually(lambda: _drained(events_db), within=15, what="the backlog")

    ids = msg_ids(await read_stream(js, stream))
    assert len(ids) == 1000
    assert ids == await events_db.outbox_ids()  # once each, in order


async def _drained(edb: EventsDb) -> bool:
    return await edb.pending() == 0
