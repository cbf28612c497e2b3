"""The audit trail of reads: batched writes, and no read answered before its entry is durable.

Writing one audit row per read in the read's own transaction costs a commit per request, and on
SQLite every commit queues for the single writer lock. Reads instead hand their entries to this
trail, which commits whatever has gathered in one transaction and then releases every waiting
request. A request whose entry cannot be written fails, so no record is ever served unaudited.

The batch is chained (``audit_chain``) in this writer, in the order the entries arrived, inside
its writing unit of work, which holds the database's write lock.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from concordia.core.db import Database
from concordia.events.runtime.tasks import cancel_and_wait
from concordia.registry.service import audit_chain

log = logging.getLogger(__name__)


class AuditUnavailableError(RuntimeError):
    """The audit entry could not be written, so the read must not be answered."""


class AuditTrail:
    """Batches audit entries of reads into shared commits.

    Example::

        trail = AuditTrail(Database(url))   # its own engine, apart from the requests' pool
        await trail.start()
        await trail.record([{"at": ..., "token_id": ..., "person_id": ..., ...}])  # durable now
        await trail.stop()
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._entries: list[dict[str, Any]] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the writer task."""
        self._task = asyncio.create_task(self._run(), name="audit-trail")

    async def stop(self) -> None:
        """Write what is pending, then stop and close the trail's connections."""
        if self._task is None:
            return
        await cancel_and_wait(self._task)
        await self._flush()
        await self.db.dispose()

    async def record(self, entries: list[dict[str, Any]]) -> None:
        """Add entries and return once they are committed; raises if they cannot be."""
        if not entries:
            return
        if self._task is None or self._task.done():
            raise AuditUnavailableError("the audit trail is not running")
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._entries.extend(entries)
        self._waiters.append(waiter)
        self._wake.set()
        await waiter

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._flush()

    async def _flush(self) -> None:
        entries, waiters = self._entries, self._waiters
        self._entries, self._waiters = [], []
        if not entries:
            return
        try:
            async with self.db.unit_of_work() as session:
                await audit_chain.append(session, entries)
        except Exception as exc:  # every waiter learns the failure; none is answered unaudited
            log.exception("audit write failed")
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(AuditUnavailableError(str(exc)))
            return
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
