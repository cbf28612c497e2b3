"""A relay in its own process, to be SIGKILLed mid-batch by a test.

Usage: python relay_worker.py DATABASE_URL NATS_URL. Marking rows published is slowed down,
so a kill lands between "the stream stored the batch" and "the rows are marked".
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from typing import Any

from events_support import events_tables

from concordia.core.db import Database
from concordia.events import OutboxRelay, connect


class SlowMarkingRelay(OutboxRelay):
    """A relay whose database is slow to record what was published."""

    async def _mark_published(self, rows: Sequence[Any]) -> None:
        print(f"published {len(rows)}", flush=True)
        await asyncio.sleep(0.3)
        await super()._mark_published(rows)


async def main(database_url: str, nats_url: str) -> None:
    _, outbox, _, _ = events_tables()
    db = Database(database_url)
    nc, _ = await connect(nats_url, name="relay-worker")
    relay = SlowMarkingRelay(db, outbox, nc, batch_size=100, ack_timeout=0.4, lease_ttl=1.5)
    async with relay:
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
